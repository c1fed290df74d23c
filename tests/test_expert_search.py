"""The expert-guided beam search (engine/expert/search.py) and what it does for
the move scorer's verdicts on small deterministic kitchens."""
import itertools

import numpy as np
import pytest

from engine.expert.scoring import MoveScorer
from engine.expert.search import BeamSearch, deviations, waited
from engine.expert.trained import shipped_expert
from engine.policies import random_policy
from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen


def searcher(expert, scenario, **settings):
    scorer = MoveScorer(expert)  # its quick play-outs: the expert's and dispatch's, the better one
    return BeamSearch(expert.scorer, scorer._quick, expert.horizon, **settings)


def random_states(kitchen, n, seed):
    rng, out = np.random.default_rng(seed), []
    while len(out) < n:
        s = kitchen.initial_state()
        for _ in range(int(rng.integers(1, 8))):
            if s.done:
                break
            s, _ = kitchen.step(s, random_policy(kitchen, s, rng) if kitchen.has_decision(s) else {})
        if not s.done and kitchen.has_decision(s):
            out.append(s)
    return out


def test_deviations_start_with_the_expert_and_include_a_swap():
    sc = load_scenario("burger")
    expert, k = shipped_expert(sc), Kitchen(sc, 0)
    s = k.initial_state()
    greedy = expert(k, s, None)
    one = deviations(k, s, expert.scorer, 1, expert.horizon)
    joint = deviations(k, s, expert.scorer, 1, expert.horizon, joint=8)
    assert one[0] == greedy == joint[0] and joint[:len(one)] == one
    assert len(joint) == len({tuple(sorted(d.items())) for d in joint})  # each once
    for d in joint:
        k.check(s, d)
    # two workers trading the expert's tasks: no one-worker departure does that
    a, b = sorted(greedy)[:2]
    swapped = {**greedy, a: greedy[b], b: greedy[a]}
    assert swapped not in one and swapped in joint


def test_waiting_jumps_to_the_next_free_worker():
    sc = load_scenario("research-disruption")
    k = Kitchen(sc, 0)
    s = k.initial_state()
    assert waited(k, s) is None  # nobody busy: nothing to wait for
    s, _ = k.step(s, {0: k.choices(s, 0)[1]})
    busy_until = max(s.worker_free)
    w = waited(k, s)
    assert w.tick >= busy_until > s.tick and w.task_end == s.task_end  # nobody started anything


def test_search_values_are_reachable_and_never_worse_than_the_quick_play_outs():
    optimum = pytest.importorskip("engine.optimum")
    sc = load_scenario("taco-demo")
    expert, k = shipped_expert(sc), Kitchen(sc, 0)
    bs = searcher(expert, sc)
    quick = MoveScorer(expert)._quick
    for s in random_states(k, 8, seed=3):
        v, first = bs.search(k, s)
        assert v <= quick(k, s)  # makespan: lower is better
        assert v >= optimum.solve(k, s, time_limit=10).value  # a value some play reaches
        k.check(s, first)


def test_the_same_state_gets_the_same_value_whatever_was_searched_before():
    sc = load_scenario("research-disruption")
    expert, k = shipped_expert(sc), Kitchen(sc, 0)
    states = random_states(k, 6, seed=1)
    warm = searcher(expert, sc)
    for s in states[1:]:
        warm.search(k, s)
    assert warm.search(k, states[0]) == searcher(expert, sc).search(k, states[0])


def test_the_search_is_for_deterministic_kitchens_up_to_its_size_only():
    dinner = load_scenario("dinner-service")
    with pytest.raises(ValueError, match="deterministic"):
        searcher(shipped_expert(dinner), dinner).value(Kitchen(dinner, 0), Kitchen(dinner, 0).initial_state())
    rush, burger = load_scenario("rush"), load_scenario("burger")
    assert not MoveScorer(shipped_expert(dinner)).searches(Kitchen(dinner, 0))
    assert MoveScorer(shipped_expert(rush)).searches(Kitchen(rush, 0))  # 5 x 36, the largest
    assert not MoveScorer(shipped_expert(rush), search_size=5 * 36 - 1).searches(Kitchen(rush, 0))
    assert MoveScorer(shipped_expert(burger)).searches(Kitchen(burger, 0))


def test_the_search_settles_verdicts_the_quick_play_outs_get_wrong():
    """Research-disruption decisions drawn as benchmarks/verdicts.py draws them:
    #25 is optimal but the quick play-outs after it lose 2 turns (the trainee's
    value overstated); #45 and #47 truly cost 3 and 2 turns but the expert's
    reference makes the same mistake, so they looked "best" (the reference
    understated). With the search the scorer's regret is the exact one."""
    from engine.exact_regret import Optima
    from engine.expert.verdicts import draw_decisions

    sc = load_scenario("research-disruption")
    expert, kitchen = shipped_expert(sc), Kitchen(sc, 0)
    drawn = list(itertools.islice(draw_decisions(kitchen, 0), 48))
    quick, default, optima = MoveScorer(expert, search_size=0), MoveScorer(expert), Optima(20.0)
    for i in (25, 45, 47):
        d = drawn[i]
        exact = optima.regret(kitchen, d.state, d.decision, expert.finisher.value)
        assert quick.score(kitchen, d.state, d.decision).regret != pytest.approx(exact)
        m = default.score(kitchen, d.state, d.decision)
        assert m.regret == pytest.approx(exact)
        kitchen.check(d.state, {w: j for w, j in m.expert_decision.items() if j != IDLE})


def test_below_a_tried_first_decision_is_a_value_some_play_after_it_reaches():
    optimum = pytest.importorskip("engine.optimum")
    sc = load_scenario("taco-demo")
    expert, k = shipped_expert(sc), Kitchen(sc, 0)
    bs = searcher(expert, sc)
    tried = 0
    for s in random_states(k, 6, seed=5):
        v, first = bs.search(k, s)
        assert bs.below(k, s, first) == v  # the best path starts with `first`
        for d in deviations(k, s, expert.scorer, 1, expert.horizon):
            named = {**{w: IDLE for w in k.idle_workers(s)}, **d}  # idle workers named or not: the same move
            after = bs.below(k, s, named)
            if after is None:
                continue
            tried += 1
            assert after == bs.below(k, s, d)
            child = k.step(s, d)[0]
            assert bs.quick(k, child) >= after >= optimum.solve(k, child, time_limit=10).value
    assert tried > 6
    never = {w: IDLE for w in k.idle_workers(s)}
    assert bs.below(k, s, never) is None or bs.below(k, s, never) >= v
