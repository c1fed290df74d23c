"""The round model (no Qt): drops the rules refuse, with reasons; undo; the
End-tick step; and a whole round played through it equals the engine's."""
import numpy as np
import pytest

from engine.policies import dispatch_policy, greedy_policy, play_round
from engine.scenario import load_scenario
from engine.simulator import Kitchen
from gui.feedback import ScoredTick, costliest, feedback_line, verdict_counts
from gui.round_model import AssignRefused, RoundModel


@pytest.fixture
def burger():
    return Kitchen(load_scenario("burger"))


def task(k, order, name):
    return next(t.index for t in k.tasks if t.order == order and t.name == name)


def test_refusals_name_the_reason(burger):
    m = RoundModel(burger)
    with pytest.raises(AssignRefused, match="Plate for order 1 waits for chop and cook"):
        m.assign(task(burger, 0, "plate"), 0)
    m.assign(task(burger, 0, "chop"), 2)
    m.end_tick()
    with pytest.raises(AssignRefused, match="Carol is busy for 1 more tick"):
        m.assign(task(burger, 1, "chop"), 2)
    with pytest.raises(AssignRefused, match="Chop for order 1 is already taken by Carol"):
        m.assign(task(burger, 0, "chop"), 1)


def test_assign_moves_and_undo(burger):
    m = RoundModel(burger)
    chop = task(burger, 0, "chop")
    m.assign(chop, 0)
    m.assign(chop, 1)           # dragging it to another worker moves it
    assert m.pending == {1: chop}
    m.assign(task(burger, 0, "cook"), 1)  # a worker given a new task drops the old one
    assert m.pending == {1: task(burger, 0, "cook")}
    assert m.unassign(task(burger, 0, "cook")) and m.pending == {}
    assert not m.unassign(chop)


def test_end_tick_skips_ticks_with_nothing_to_decide(burger):
    m = RoundModel(burger)
    # everyone busy: Alice chops (6 ticks), Bob cooks (4), Carol chops (2)
    m.assign(task(burger, 0, "chop"), 0)
    m.assign(task(burger, 0, "cook"), 1)
    m.assign(task(burger, 1, "chop"), 2)
    steps = m.end_tick()
    assert [s.had_choice for s in steps] == [True, False]
    assert m.tick == 2 and burger.has_decision(m.state)


@pytest.mark.parametrize("policy", [greedy_policy, dispatch_policy])
def test_round_through_the_model_equals_the_engine(burger, policy):
    expected = play_round(burger, policy, np.random.default_rng(0))
    m = RoundModel(burger)
    m.skip_dead_ticks()
    while not m.done:
        for w, j in policy(burger, m.state, None).items():
            m.assign(j, w)
        m.end_tick()
    assert m.state == expected
    assert m.value() == burger.value(expected)
    again = RoundModel.replayed(burger, m.decisions())
    assert again.state == m.state


class Score:
    def __init__(self, verdict, regret, expert, per_worker=None, better=False):
        self.verdict, self.regret, self.expert_decision = verdict, regret, expert
        self.per_worker, self.better_than_expert = per_worker or {}, better


def test_feedback_names_worker_expert_move_and_cost(burger):
    s = burger.initial_state()
    chop0, cook0 = task(burger, 0, "chop"), task(burger, 0, "cook")
    line = feedback_line(burger, s, {2: cook0, 1: chop0}, Score("mistake", 2.0, {2: chop0, 1: cook0}, {2: 2.0, 1: 0.5}))
    # every worker whose own choice cost something is named, costliest first, each with the expert's alternative
    assert line == ("Tick 1: mistake, about 2 turns in all. Carol (chef) cooked order 1: having Carol chop order 1 "
                    "would have saved about 2 turns. Bob (sous-chef) chopped order 1: having Bob cook order 1 "
                    "would have saved about 0.5 turns.")
    line = feedback_line(burger, s, {2: chop0}, Score("blunder", 3.0, {}, {2: 3.0}))
    assert "Carol (chef) chopped order 1: leaving Carol idle would have saved about 3 turns." in line
    assert feedback_line(burger, s, {}, Score("best", 0.0, {})).startswith("Tick 1: best move")


def test_summary_counts_and_costliest(burger):
    s = burger.initial_state()
    ticks = [ScoredTick(s, {}, Score(v, r, {})) for v, r in
             [("best", 0), ("blunder", 4), ("mistake", 2), ("good", 0.1), ("inaccuracy", 1)]]
    assert verdict_counts(ticks) == {"best": 1, "good": 1, "inaccuracy": 1, "mistake": 1, "blunder": 1}
    assert [t.regret for t in costliest(ticks)] == [4, 2, 1]
