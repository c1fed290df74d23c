"""One rulebook: the kitchen's `why_not` decides every (worker, task) pair,
and `choices`, `check`, `has_decision` and the board's round model all
agree with it on states drawn from random rounds of every bundled scenario."""
import numpy as np
import pytest

from engine.policies import random_policy
from engine.scenario import bundled_names, load_scenario, parse_scenario
from engine.simulator import IDLE, IllegalDecision, Kitchen
from gui.round_model import RoundModel


def random_states(kitchen: Kitchen, rng: np.random.Generator, n: int):
    """States of rounds played by the random policy, `n` in all (every tick, decided or not)."""
    out = []
    while len(out) < n:
        s = kitchen.initial_state()
        while not s.done and len(out) < n:
            out.append(s)
            s, _ = kitchen.step(s, random_policy(kitchen, s, rng), check=False)
        out.append(s)  # a finished round too: nothing is legal there
    return out


def legal_by_check(kitchen, s, w, j) -> bool:
    try:
        kitchen.check(s, {w: j})
    except IllegalDecision:
        return False
    return True


def scenario_named(name):
    if name == "burger, Alice never plates":  # a worker rule (GAME.md's cannot) too
        text = load_scenario("burger").text.replace('role = "server"\n', 'role = "server"\ncannot = ["plate"]\n')
        return parse_scenario(text, "no-plating.toml")
    return load_scenario(name)


@pytest.mark.parametrize("name", bundled_names() + ["burger, Alice never plates"])
def test_board_kitchen_and_check_agree_on_random_states(name):
    sc = scenario_named(name)
    rng = np.random.default_rng(7)
    kitchen = Kitchen(sc, 3)
    states = random_states(kitchen, rng, 60)
    allowed_seen = refused_seen = 0
    kinds = set()
    for s in states:
        board = RoundModel(kitchen, s)
        for w in range(kitchen.n_workers):
            choices = kitchen.choices(s, w)
            for j in range(kitchen.n_tasks):
                refusal = kitchen.why_not(s, w, j)
                assert board.why_not(j, w) == (refusal.text if refusal else None)
                assert (refusal is None) == (j in choices) == legal_by_check(kitchen, s, w, j)
                if refusal is None:
                    allowed_seen += 1
                else:
                    refused_seen += 1
                    kinds.add(refusal.kind)
                    assert refusal.text and refusal.text[0].isupper()
        assert kitchen.has_decision(s) == any(len(kitchen.choices(s, w)) > 1 for w in range(kitchen.n_workers))
    assert allowed_seen and refused_seen
    assert ("cannot" in kinds) == ("never" in name)


def test_tasks_taken_earlier_this_tick_are_refused_in_check_and_choices():
    k = Kitchen(load_scenario("burger"))
    s = k.initial_state()
    first = k.choices(s, 0)[1]
    assert first not in k.choices(s, 1, [first])
    assert k.why_not(s, 1, first, [first]).kind == "taken"
    with pytest.raises(IllegalDecision, match="given to two workers"):
        k.check(s, {0: first, 1: first})
    # the board lets a pending task be dragged to another worker: nothing counts as taken there
    board = RoundModel(k, s)
    board.assign(first, 0)
    board.assign(first, 1)
    assert board.pending == {1: first}


def test_refusals_say_why_in_both_wordings():
    k = Kitchen(load_scenario("burger"))
    s = k.initial_state()
    plate = next(t.index for t in k.tasks if t.order == 0 and t.name == "plate")
    assert k.why_not(s, 0, plate).text == "Plate for order 1 waits for chop and cook."
    assert k.why_not(s, 0, k.n_tasks).kind == "no task"
    with pytest.raises(IllegalDecision, match=r"plate for order 1 \(burger\) is not open at tick 0"):
        k.check(s, {0: plate})
    chop = k.choices(s, 2)[1]
    s2, _ = k.step(s, {2: chop})
    assert k.why_not(s2, 2, plate).kind == "busy"
    assert k.choices(s2, 2) == [IDLE]
