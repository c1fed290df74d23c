"""Accuracy (engine/accuracy.py) on hand-made rounds: the README's formula,
figure by figure."""
import math

import pytest

from engine.accuracy import accuracy, decision_accuracy, half_regret, round_accuracy
from engine.scenario import load_scenario


def test_makespan_half_is_the_inaccuracy_line():
    assert half_regret(load_scenario("burger")) == 1.5


def test_one_decision_falls_smoothly_with_regret():
    assert decision_accuracy(0.0, 1.5) == 100.0
    assert decision_accuracy(-1.0, 1.5) == 100.0        # better than the expert: no bonus past 100
    assert decision_accuracy(1.5, 1.5) == pytest.approx(50.0)
    assert decision_accuracy(1.0, 1.5) == pytest.approx(63.0, abs=0.05)
    assert decision_accuracy(2.0, 1.5) == pytest.approx(39.7, abs=0.05)
    assert decision_accuracy(3.0, 1.5) == pytest.approx(25.0)
    assert decision_accuracy(None, 1.5) is None
    values = [decision_accuracy(r / 4, 1.5) for r in range(40)]
    assert all(a > b for a, b in zip(values, values[1:]))   # strictly falling, never below 0
    assert values[-1] > 0


def test_a_round_is_the_mean_of_its_scored_decisions():
    # a perfect round
    assert round_accuracy(load_scenario("burger"), [0, 0, 0, 0]) == 100.0
    # four decisions: two best, a 1-turn inaccuracy, a 3-turn blunder; one unscored is left out
    got = round_accuracy(load_scenario("burger"), [0, 0, 1, 3, None])
    assert got == pytest.approx((100 + 100 + 100 * 2 ** (-1 / 1.5) + 25) / 4)
    assert got == pytest.approx(72.0, abs=0.05)
    # nothing scored: no accuracy at all, not 0
    assert accuracy([None, None], 1.5) is None
    assert accuracy([], 1.5) is None


def test_reward_rounds_use_their_own_units():
    sc = load_scenario("dinner-service")
    half = half_regret(sc)
    dish = sum(r.reward for r in sc.recipes.values()) / len(sc.recipes)
    assert half == pytest.approx(0.2 * dish)
    assert round_accuracy(sc, [half, 0]) == pytest.approx(75.0)
    with pytest.raises(ValueError):
        decision_accuracy(1.0, 0.0)
    assert math.isclose(decision_accuracy(2 * half, half), 25.0)
