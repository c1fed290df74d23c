"""REINFORCE expert vs sb3-contrib MaskablePPO, same scenario, same wall-clock budget.

    .venv/bin/pip install sb3-contrib      # benchmark only; not a project dependency
    .venv/bin/python benchmarks/ppo_compare.py burger --minutes 3

MaskablePPO trains on the Gymnasium environment of `engine/gym_env.py` (owned
by the environment's engineer); both runs use one thread. Prints, for each,
the greedy value after the budget, the optimum and the gap.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.expert.commands import known_optimum  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402
from engine.expert.training import Settings, relative_gap, train  # noqa: E402


def make_env(scenario):
    import engine.gym_env as g
    for name in ("KitchenEnv", "KitchenCoachEnv", "Env"):
        if hasattr(g, name):
            return getattr(g, name)(scenario)
    if hasattr(g, "make_env"):
        return g.make_env(scenario)
    raise SystemExit("engine/gym_env.py has no KitchenEnv class or make_env function")


def episode_value(env, model, seed):
    obs, info = env.reset(seed=seed)
    done = False
    while not done:
        action, _ = model.predict(obs, action_masks=env.action_masks(), deterministic=True)
        obs, reward, terminated, truncated, info = env.step(action)
        done = terminated or truncated
    if "value" in info:
        return float(info["value"])
    base = env.unwrapped
    return float(base.kitchen.value(base.state))


class Budget:
    """Stops MaskablePPO's learn() at the wall-clock budget."""

    def __new__(cls, seconds):
        from stable_baselines3.common.callbacks import BaseCallback

        class _Budget(BaseCallback):
            def _on_training_start(self):
                self.start = time.perf_counter()

            def _on_step(self):
                return time.perf_counter() - self.start < seconds

        return _Budget()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", nargs="?", default="burger")
    p.add_argument("--minutes", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--episodes", type=int, default=20, help="evaluation rounds (stochastic scenarios)")
    args = p.parse_args()
    torch.set_num_threads(1)
    sc = load_scenario(args.scenario)
    optimal = known_optimum(sc)
    seeds = range(args.episodes) if sc.stochastic else [0]

    res = train(sc, Settings(minutes=args.minutes, seed=args.seed), optimal=optimal, progress=False)
    print(f"REINFORCE (ours): greedy {res.value:g} after {res.seconds:.0f} s, optimum {optimal}, "
          f"gap {relative_gap(sc, res.value, optimal)}")

    if importlib.util.find_spec("sb3_contrib") is None:
        raise SystemExit("sb3-contrib is not installed: .venv/bin/pip install sb3-contrib")
    if importlib.util.find_spec("engine.gym_env") is None:
        raise SystemExit("engine/gym_env.py does not exist yet: no MaskablePPO figure")
    from sb3_contrib import MaskablePPO
    env = make_env(sc)
    model = MaskablePPO("MlpPolicy", env, seed=args.seed, verbose=0)
    t = time.perf_counter()
    model.learn(total_timesteps=10**9, callback=Budget(args.minutes * 60))
    secs = time.perf_counter() - t
    value = float(np.mean([episode_value(env, model, s) for s in seeds]))
    print(f"MaskablePPO: greedy {value:g} after {secs:.0f} s ({model.num_timesteps} env steps), "
          f"optimum {optimal}, gap {relative_gap(sc, value, optimal)}")


if __name__ == "__main__":
    main()
