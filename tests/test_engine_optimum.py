"""The CP-SAT optimum against the brute-force search, the simulator and the
research kitchen's published optima."""
import json
import subprocess
import sys

import numpy as np
import pytest

import engine.optimum as optimum
from engine.exhaustive import exhaustive_optimum
from engine.optimum import clairvoyant_bound, optimal_value, replay, solve
from engine.policies import BASELINES, play_round, random_policy
from engine.scenario import load_scenario, parse_scenario
from engine.simulator import Kitchen
from test_engine_cases import CASES, small


@pytest.mark.parametrize("case", sorted(CASES))
def test_both_models_match_brute_force_from_the_start(case):
    k = Kitchen(CASES[case]())
    best, plan = exhaustive_optimum(k)
    assert k.value(k.step_sequence(k.initial_state(), plan)) == best
    for model in ("intervals", "ticks"):
        sol = solve(k, model=model, time_limit=30)
        assert sol.proven
        assert sol.value == best, model
        assert k.value(replay(k, sol.schedule)) == best, model


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("seed", [1, 2])
def test_both_models_match_brute_force_from_mid_round(case, seed):
    k = Kitchen(CASES[case]())
    rng = np.random.default_rng(seed)
    s = k.initial_state()
    for _ in range(2 + seed):  # a few random ticks: busy workers, tasks half done
        if s.done:
            break
        s, _ = k.step(s, random_policy(k, s, rng) if k.has_decision(s) else {})
    best, _ = exhaustive_optimum(k, s)
    for model in ("intervals", "ticks"):
        sol = solve(k, s, model=model, time_limit=30)
        assert sol.proven and sol.value == best, (model, s)
        assert all(a.start >= s.tick for a in sol.schedule)
        assert k.value(replay(k, sol.schedule, s)) == best


def test_makespan_that_cannot_finish_is_the_horizon():
    k = Kitchen(small("short", ticks=3, orders=(("burger", 0, 2),)))
    for model in ("intervals", "ticks"):
        sol = solve(k, model=model)
        assert sol.proven and sol.value == 3
        assert k.value(replay(k, sol.schedule)) == 3


@pytest.mark.parametrize("name, turns", [("research-normal", 20), ("research-disruption", 34)])
def test_research_kitchen_optima(name, turns):
    k = Kitchen(load_scenario(name))
    sol = solve(k, time_limit=60)
    assert sol.proven and sol.value == turns
    assert k.value(replay(k, sol.schedule)) == turns


@pytest.mark.parametrize("name", ["taco-demo", "burger", "pasta", "rush"])
def test_bundled_rounds_are_proven_and_greedy_loses(name):
    sc = load_scenario(name)
    k = Kitchen(sc)
    sol = solve(k, time_limit=60)
    assert sol.proven
    assert k.value(replay(k, sol.schedule)) == sol.value
    assert sol.value <= sc.ticks / 2  # "well below the horizon"
    greedy = k.value(play_round(k, BASELINES["greedy"]))
    assert greedy >= sol.value + (2 if name in ("burger", "pasta") else 1)


def test_optimal_value_is_cached_by_content(monkeypatch):
    sc = small("cache", ticks=12, orders=(("salad", 0, 2),))
    calls = []
    real = optimum.solve
    monkeypatch.setattr(optimum, "solve", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    first = optimal_value(sc)
    again = optimal_value(parse_scenario(sc.text, "elsewhere.toml"))  # same text, another file
    assert first == again == exhaustive_optimum(Kitchen(sc))[0]
    assert len(calls) == 1


def test_stochastic_rounds_have_a_clairvoyant_bound_not_an_optimum():
    sc = small("noisy", ticks=12, extra="\n[noise]\nslow_prob = 0.5\n", orders=(("burger", 0, 1), ("salad", 0, 1)))
    assert sc.stochastic and optimal_value(sc) is None
    bound = clairvoyant_bound(sc, seeds=range(3), time_limit=10)
    per_seed = [exhaustive_optimum(Kitchen(sc, seed))[0] for seed in range(3)]
    assert bound["mean"] == pytest.approx(np.mean(per_seed)) and bound["proven"] == 3
    # knowing the noise in advance never does worse than any policy on that seed
    for seed, best in enumerate(per_seed):
        k = Kitchen(sc, seed)
        assert best <= k.value(play_round(k, BASELINES["greedy"]))


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "gui.cli", *args], capture_output=True, text=True, timeout=120)


def test_solve_command_json():
    r = _cli("solve", "research-normal", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["objective"] == "makespan" and out["optimal"] == 20 and isinstance(out["optimal"], int)
    assert {tuple(sorted(a)) for a in out["schedule"]} == {("order", "start", "task", "worker")}
    assert len(out["schedule"]) == 12


def test_solve_command_on_a_stochastic_scenario_exits_3(tmp_path):
    sc = small("noisy", ticks=12, extra="\n[noise]\nslow_prob = 0.5\n", orders=(("burger", 0, 1),))
    path = tmp_path / "noisy.toml"
    path.write_text(sc.text)
    r = _cli("solve", str(path), "--seeds", "2", "--json")
    assert r.returncode == 3
    assert "stochastic" in r.stderr and "Traceback" not in r.stderr
    out = json.loads(r.stdout)
    assert out["optimal"] is None and out["clairvoyant"]["seeds"] == 2


@pytest.mark.parametrize("objective", ["makespan", "reward"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_identical_orders_with_revealed_noise(objective, seed):
    # same dish, same tick: only the noise tells them apart, which symmetry breaking must respect
    sc = small("twins", ticks=7, objective=objective, wait_cost=1,
               extra="\n[noise]\nslow_prob = 0.5\n", orders=(("salad", 0, 3),))
    k = Kitchen(sc, seed)
    best, _ = exhaustive_optimum(k)
    for model in ("intervals", "ticks"):
        sol = solve(k, model=model, time_limit=30)
        assert sol.proven and sol.value == best, model
        assert k.value(replay(k, sol.schedule)) == best


def test_an_unproven_optimum_is_retried_with_more_time(monkeypatch):
    sc = small("retry", ticks=12, orders=(("salad", 0, 1), ("burger", 0, 1)))
    real, calls = optimum.solve, []

    def solve_that_gives_up_under_5_s(kitchen, time_limit=60, **kw):
        calls.append(time_limit)
        return optimum.Solution(float("nan"), False, [], 0.0) if time_limit < 5 else real(kitchen, time_limit=time_limit)

    monkeypatch.setattr(optimum, "solve", solve_that_gives_up_under_5_s)
    assert optimal_value(sc, time_limit=1) is None
    assert optimal_value(sc, time_limit=1) is None
    assert optimal_value(sc, time_limit=10) == exhaustive_optimum(Kitchen(sc))[0]
    assert calls == [1, 10]


@pytest.mark.parametrize("name", ["taco-demo", "research-normal", "burger", "pasta"])
def test_leaving_a_worker_idle_is_sometimes_right(name):
    # the research's lesson: the best play that never idles a worker while a task is open loses turns
    k = Kitchen(load_scenario(name))
    never_idle, plan = exhaustive_optimum(k, never_idle=True)
    assert never_idle > optimal_value(k.scenario)
    assert k.value(k.step_sequence(k.initial_state(), plan)) == never_idle
