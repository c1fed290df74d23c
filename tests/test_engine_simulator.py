"""The exact rules of GAME.md, one at a time, on tiny hand-made rounds.
Workers of the shared cases: Ann (chop 3, cook 4, plate 1), Ben (chop 1, cook 2, plate 3)."""
import numpy as np
import pytest

from engine.policies import BASELINES, play_round, random_policy
from engine.scenario import load_scenario
from engine.simulator import IDLE, IllegalDecision, Kitchen
from test_engine_cases import small

ANN, BEN = 0, 1


def task(k, order, name):
    return next(j for j in k.order_tasks[order] if k.tasks[j].name == name)


def test_served_and_turns_definition():
    k = Kitchen(small(orders=(("salad", 0, 1),)))
    s = k.initial_state()
    chop, plate = task(k, 0, "chop"), task(k, 0, "plate")
    assert k.open_tasks(s) == [chop]  # plate waits for chop
    s, _ = k.step(s, {BEN: chop})              # done at the end of tick 0
    assert k.open_tasks(s) == [plate] and s.tick == 1
    s, _ = k.step(s, {ANN: plate})             # done at the end of tick 1
    assert s.order_served == (1,)              # served at the end of tick 1
    assert s.done and k.turns(s) == 2 and k.value(s) == 2.0


def test_a_successor_opens_at_t_plus_d():
    k = Kitchen(small(orders=(("salad", 0, 1),)))
    s, _ = k.step(k.initial_state(), {ANN: task(k, 0, "chop")})  # 3 ticks: 0, 1, 2
    for _ in range(2):
        assert task(k, 0, "plate") not in k.open_tasks(s) and ANN not in k.idle_workers(s)
        s, _ = k.step(s, {})
    assert s.tick == 3 and k.open_tasks(s) == [task(k, 0, "plate")] and ANN in k.idle_workers(s)


def test_handover_keeps_a_worker_busy_after_each_task():
    k = Kitchen(small(handover=2, orders=(("salad", 0, 2),)))
    s, _ = k.step(k.initial_state(), {BEN: task(k, 0, "chop")})  # Ben done at the end of tick 0
    # the next task can open at once, but Ben walks until tick 0 + 1 + 2
    assert task(k, 0, "plate") in k.open_tasks(s)
    for tick in (1, 2):
        assert s.tick == tick and BEN not in k.idle_workers(s)
        with pytest.raises(IllegalDecision, match="busy"):
            k.step(s, {BEN: task(k, 1, "chop")})
        s, _ = k.step(s, {})
    assert s.tick == 3 and BEN in k.idle_workers(s)
    k.step(s, {BEN: task(k, 1, "chop")})


def test_max_open_orders_queue_enters_first_come_first_served():
    # file order is not arrival order: the salad at tick 0 comes first, then burger at 1, then salad at 2
    k = Kitchen(small(max_open=1, ticks=30, orders=(("burger", 1, 1), ("salad", 2, 1), ("salad", 0, 1))))
    burger, late_salad, first = 0, 1, 2
    s = k.initial_state()
    assert s.order_entered == (-1, -1, 0)
    s, _ = k.step(s, {BEN: task(k, first, "chop")})
    s, _ = k.step(s, {ANN: task(k, first, "plate")})  # served at the end of tick 1
    assert s.order_served[first] == 1
    # the queue moves on the tick after an order is served, oldest arrival first
    assert s.tick == 2 and s.order_entered == (2, -1, 0)
    assert k.open_tasks(s) and all(k.tasks[j].order == burger for j in k.open_tasks(s))
    while s.order_served[burger] < 0:
        s, _ = k.step(s, play_greedy(k, s))
    assert s.order_entered[late_salad] == s.order_served[burger] + 1


def play_greedy(k, s):
    return BASELINES["greedy"](k, s, None) if k.has_decision(s) else {}


def test_orders_arrive_at_their_tick():
    k = Kitchen(small(orders=(("salad", 3, 1),)))
    s = k.initial_state()
    for _ in range(3):
        assert k.open_tasks(s) == [] and not k.has_decision(s)
        s, _ = k.step(s, {})
    assert k.open_tasks(s) == [task(k, 0, "chop")]


def test_horizon_caps_a_makespan_round():
    k = Kitchen(small(ticks=4, orders=(("burger", 0, 3),)))
    s = play_round(k, BASELINES["greedy"])
    assert s.done and k.served_count(s) < 3 and k.value(s) == 4


def test_reward_objective_scoring():
    # wait_cost 1: the salad served at the end of tick 1 waited 2 ticks, the burger is never served
    k = Kitchen(small(objective="reward", wait_cost=1, ticks=5, orders=(("salad", 0, 1), ("burger", 1, 1))))
    s = k.initial_state()
    total = 0.0
    for d in ({BEN: task(k, 0, "chop")}, {ANN: task(k, 0, "plate")}, {}, {}, {}):
        s, r = k.step(s, d)
        total += r
    assert s.done and s.order_served == (1, -1)
    expected = (6 - 2) - (5 - 1)   # salad: reward 6, waited ticks 0..1; burger waited ticks 1..4
    assert k.score(s) == k.value(s) == total == expected


def test_same_seed_same_round():
    sc = load_scenario("dinner-service")
    a, b = Kitchen(sc, 7), Kitchen(sc, 7)
    assert a.orders == b.orders and a.duration == b.duration
    ra = play_round(a, random_policy, np.random.default_rng(3), record=(ta := []))
    rb = play_round(b, random_policy, np.random.default_rng(3), record=(tb := []))
    assert ra == rb and ta == tb
    others = [Kitchen(sc, s) for s in range(8, 14)]
    assert any(o.orders != a.orders or o.duration != a.duration for o in others)


def test_noise_adds_one_tick_to_base_duration():
    k = Kitchen(small(extra="\n[noise]\nslow_prob = 0.5\n", orders=(("burger", 0, 4),)), seed=1)
    assert set(k.extra) == {0, 1}
    for w in range(k.n_workers):
        for j in range(k.n_tasks):
            assert k.duration[w][j] == k.base_duration[w][j] + k.extra[j]


@pytest.mark.parametrize("decision, reason", [
    (lambda k: {ANN: task(k, 0, "plate")}, "not open"),                    # waits for chop and cook
    (lambda k: {ANN: task(k, 0, "chop"), BEN: task(k, 0, "chop")}, "two workers"),
    (lambda k: {ANN: task(k, 1, "chop")}, "not open"),                     # order 1 arrives at tick 2
    (lambda k: {5: task(k, 0, "chop")}, "unknown worker"),
    (lambda k: {ANN: 99}, "unknown task"),
])
def test_illegal_decisions_are_refused(decision, reason):
    k = Kitchen(small(orders=(("burger", 0, 1), ("salad", 2, 1))))
    s = k.initial_state()
    with pytest.raises(IllegalDecision, match=reason):
        k.step(s, decision(k))
    assert k.step(s, {ANN: IDLE, BEN: IDLE})[0].tick == 1  # idling is always legal


def test_busy_worker_and_finished_round_are_refused():
    k = Kitchen(small(orders=(("salad", 0, 2),)))
    s, _ = k.step(k.initial_state(), {ANN: task(k, 0, "chop")})
    with pytest.raises(IllegalDecision, match="busy"):
        k.step(s, {ANN: task(k, 1, "chop")})
    end = play_round(k, BASELINES["greedy"])
    with pytest.raises(IllegalDecision, match="over"):
        k.step(end, {})


def test_baselines_play_legal_rounds():
    sc = load_scenario("rush")
    for name, policy in BASELINES.items():
        k = Kitchen(sc)
        rng = np.random.default_rng(0)
        s = k.initial_state()
        while not s.done:
            s, _ = k.step(s, policy(k, s, rng) if k.has_decision(s) else {})  # checked step
        assert k.served_count(s) == k.n_orders or k.turns(s) == sc.ticks, name


def test_with_choice_changes_one_worker_and_keeps_the_decision_legal():
    from engine.simulator import IDLE, with_choice

    # the task another worker held moves over, and that worker takes the old choice
    assert with_choice({0: 5, 1: 7}, 0, 7) == {0: 7, 1: 5}
    # a worker sent idle frees nothing else
    assert with_choice({0: 5, 1: 7}, 1, IDLE) == {0: 5, 1: IDLE}
    # nobody else held the task: only that worker changes, the input is not mutated
    d = {0: 5, 1: IDLE}
    assert with_choice(d, 1, 9) == {0: 5, 1: 9} and d == {0: 5, 1: IDLE}


def test_remaining_work_is_each_tasks_critical_path_in_fastest_durations():
    # burger: chop (fastest 1) and cook (2) both before plate (1); salad: chop then plate
    k = Kitchen(small(orders=(("burger", 0, 1), ("salad", 0, 1))))
    want = {(0, "chop"): 2, (0, "cook"): 3, (0, "plate"): 1, (1, "chop"): 2, (1, "plate"): 1}
    assert {(o, n): k.remaining_work[task(k, o, n)] for o, n in want} == want
