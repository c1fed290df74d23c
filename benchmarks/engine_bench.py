"""Engine speed and quality figures: simulator ticks per second (random and
greedy play, every bundled scenario), proven-optimum solve time, and the
baselines against the optimum. Prints a table; run

    .venv/bin/python benchmarks/engine_bench.py [--seconds 2] [--seeds 20]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from engine.optimum import clairvoyant_bound, solve
from engine.policies import BASELINES, play_round
from engine.scenario import bundled_names, load_scenario
from engine.simulator import Kitchen


def ticks_per_second(kitchen: Kitchen, policy, seconds: float) -> float:
    """Whole rounds, policy included: what training and scoring pay per tick."""
    rng = np.random.default_rng(0)
    ticks, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        ticks += kitchen.turns(play_round(kitchen, policy, rng))
    return ticks / (time.perf_counter() - start)


def raw_step_rate(kitchen: Kitchen, seconds: float) -> float:
    """The step function alone, replaying a recorded greedy round without checks."""
    record: list = []
    play_round(kitchen, BASELINES["greedy"], record=record)
    ticks, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for s, d in record:
            kitchen.step(s, d, check=False)
        ticks += len(record)
    return ticks / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="time per speed measurement")
    ap.add_argument("--seeds", type=int, default=10, help="seeds for stochastic scenarios")
    ap.add_argument("--time-limit", type=float, default=20.0, help="solver seconds per scenario or seed")
    args = ap.parse_args()

    print(f"{'scenario':22} {'tasks':>5} {'step/s':>9} {'random t/s':>11} {'greedy t/s':>11} "
          f"{'optimum':>9} {'proven':>6} {'solve s':>8} {'greedy':>7} {'dispatch':>8} {'random':>7}")
    for name in bundled_names():
        sc = load_scenario(name)
        k = Kitchen(sc)
        step = raw_step_rate(k, args.seconds)
        rnd = ticks_per_second(k, BASELINES["random"], args.seconds)
        gre = ticks_per_second(k, BASELINES["greedy"], args.seconds)
        seeds = range(args.seeds) if sc.stochastic else [0]
        base = {b: np.mean([Kitchen(sc, s).value(play_round(Kitchen(sc, s), BASELINES[b],
                                                            np.random.default_rng(s))) for s in seeds])
                for b in ("greedy", "dispatch")}
        base["random"] = np.mean([Kitchen(sc, s).value(play_round(Kitchen(sc, s), BASELINES["random"],
                                                                  np.random.default_rng(100 + s)))
                                  for s in range(max(len(seeds), 100))])
        t = time.perf_counter()
        if sc.stochastic:
            b = clairvoyant_bound(sc, seeds, time_limit=args.time_limit)
            opt, proven = f"{b['mean']:.2f}*", f"{b['proven']}/{b['seeds']}"
        else:
            sol = solve(k, time_limit=args.time_limit)
            opt, proven = f"{sol.value}", "yes" if sol.proven else "no"
        secs = (time.perf_counter() - t) / len(seeds)
        print(f"{name:22} {k.n_tasks:5d} {step:9.0f} {rnd:11.0f} {gre:11.0f} {opt:>9} {proven:>6} "
              f"{secs:8.2f} {base['greedy']:7.2f} {base['dispatch']:8.2f} {base['random']:7.2f}", flush=True)
    print("* stochastic: clairvoyant bound (mean optimum with the noise revealed) over the seeds; "
          "solve s is per seed; baselines are means over the same seeds (random: 100+ rounds)")


if __name__ == "__main__":
    main()
