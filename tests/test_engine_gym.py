"""The gymnasium environment: API conformance, masks, and returns that match the simulator."""
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from engine.gym_env import KitchenEnv
from engine.optimum import solve
from engine.scenario import load_scenario
from engine.simulator import Kitchen


@pytest.mark.parametrize("name", ["burger", "dinner-service", "research-normal"])
def test_passes_the_gymnasium_checker(name):
    check_env(KitchenEnv(load_scenario(name)), skip_render_check=True)


def _play(env, choose, seed=0):
    obs, info = env.reset(seed=seed)
    total, steps = 0.0, 0
    while True:
        assert env.observation_space.contains(obs)
        mask = env.action_masks()
        assert mask[0] and mask.shape == (env.action_space.n,)
        obs, r, terminated, truncated, info = env.step(choose(env, mask))
        total += r
        steps += 1
        if terminated:
            return total, info, steps


@pytest.mark.parametrize("name", ["burger", "dinner-service"])
def test_return_is_the_rounds_outcome(name):
    env = KitchenEnv(load_scenario(name))
    rng = np.random.default_rng(0)
    total, info, _ = _play(env, lambda e, m: int(rng.choice(np.flatnonzero(m))), seed=5)
    k = env.kitchen
    assert info["value"] == k.value(env.state)
    assert total == pytest.approx(-k.turns(env.state) if k.scenario.objective == "makespan" else k.score(env.state))


def test_same_seed_same_episode():
    env = KitchenEnv(load_scenario("dinner-service"))
    first = env.reset(seed=11)[0]
    orders = env.kitchen.orders
    env.reset(seed=12)
    again = env.reset(seed=11)[0]
    assert np.array_equal(first, again) and env.kitchen.orders == orders


def test_optimal_schedule_played_through_the_env_reaches_the_optimum():
    sc = load_scenario("pasta")
    sol = solve(Kitchen(sc))
    plan = {(a.start, a.worker): a.task for a in sol.schedule}
    env = KitchenEnv(sc)

    def choose(e, mask):
        task = plan.get((e.state.tick, e._current))
        if task is None:
            return 0
        slots = e._slot_tasks()
        assert task in slots, "the schedule's task must be on offer"
        return 1 + slots.index(task)

    total, info, _ = _play(env, choose)
    assert info["value"] == sol.value and total == -sol.value


def test_illegal_action_is_played_as_idle_and_flagged():
    env = KitchenEnv(load_scenario("burger"))
    env.reset(seed=0)
    mask = env.action_masks()
    bad = int(np.flatnonzero(~mask)[0])
    worker = env._current
    _, _, _, _, info = env.step(bad)
    assert info["illegal"]
    assert env.state.tick == 0 and env.decision == {worker: -1} and env._current != worker
