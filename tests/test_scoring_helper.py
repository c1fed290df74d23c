"""The search helper (engine/expert/helper.py): a second process that searches
after a costly-looking move while the scorer plays it out. It may change when
a score is ready, never what it is."""
import numpy as np
import pytest

from engine.expert.scoring import MoveScorer
from engine.expert.trained import shipped_expert
from engine.policies import play_round, random_policy
from engine.scenario import load_scenario
from engine.simulator import Kitchen


@pytest.fixture(scope="module")
def rush():
    sc = load_scenario("rush")
    k = Kitchen(sc, 0)
    record = []
    play_round(k, random_policy, np.random.default_rng(5), record)
    return shipped_expert(sc), k, [(s, d) for s, d in record if k.has_decision(s)]


def test_scores_are_the_same_with_the_helper_and_it_answers_the_costly_moves(rush):
    expert, k, decisions = rush
    alone, helped = MoveScorer(expert), MoveScorer(expert, helper=True)
    try:
        assert helped.helper.wait_ready()
        for i, (s, d) in enumerate(decisions):
            helped.prepare(k, s, wait=i % 2 == 0)
            if i % 2 == 0:  # waited for: the helper has prepared the state too
                assert not helped.helper._outstanding
            assert helped.score(k, s, d).to_dict() == alone.score(k, s, d).to_dict()
        # random play makes costly-looking moves, and the helper searched after them
        assert helped.helper.answered >= 1
    finally:
        helped.close()
    assert not helped.helper.alive


def test_the_helper_is_built_with_every_argument_that_changes_a_value(rush):
    expert = rush[0]
    options = dict(episodes=3, candidates=1, lookahead=False, deep_size=0, search={"wait": False},
                   blunder_search={"depth": 5})
    helped = MoveScorer(expert, helper=True, thresholds=None, exact=False, **options)
    try:
        # its own MoveScorer is made from exactly these (engine/expert/helper.py _serve)
        assert {key: helped.helper.options[key] for key in options} == options
        # and nothing that is not a value's: no process, no thresholds, no solver
        assert not {"self", "expert", "helper", "thresholds", "exact", "exact_time_limit"} & set(helped.helper.options)
        MoveScorer(expert, **helped.helper.options)
    finally:
        helped.close()


def test_a_helper_that_dies_leaves_scoring_as_it_was(rush):
    expert, k, decisions = rush
    alone, helped = MoveScorer(expert), MoveScorer(expert, helper=True)
    try:
        assert helped.helper.wait_ready()
        helped.helper._process.kill()
        helped.helper._process.join(5)
        for s, d in decisions[:8]:
            assert helped.score(k, s, d).to_dict() == alone.score(k, s, d).to_dict()
        assert helped.helper.answered == 0 and not helped.helper.alive
    finally:
        helped.close()


def test_no_helper_where_nothing_is_searched():
    expert = shipped_expert(load_scenario("burger"))
    assert MoveScorer(expert, helper=True, search_size=0).helper is None
    assert MoveScorer(expert).helper is None  # only who asks for one gets a process
