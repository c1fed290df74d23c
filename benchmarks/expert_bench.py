"""Figures for the expert (issue 3). Prints; asserts nothing.

    .venv/bin/python benchmarks/expert_bench.py acceptance        # shipped experts vs optimum and baselines
    .venv/bin/python benchmarks/expert_bench.py burger-time       # training time to 5 % and 1 % on burger
    .venv/bin/python benchmarks/expert_bench.py unseen --minutes 10   # train on tests/data scenarios
    .venv/bin/python benchmarks/expert_bench.py latency           # move scoring per decision, largest scenario (after the move; cold)

Everything runs on one thread (torch.set_num_threads(1)): the machine is shared.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.expert.trained import Expert, shipped_expert  # noqa: E402
from engine.expert.commands import known_optimum  # noqa: E402
from engine.policies import BASELINES, play_round, random_policy  # noqa: E402
from engine.scenario import bundled_names, load_scenario  # noqa: E402
from engine.expert.scoring import MoveScorer  # noqa: E402
from engine.simulator import Kitchen  # noqa: E402
from engine.expert.training import Settings, relative_gap, train  # noqa: E402


def mean_value(sc, policy, episodes):
    vals = []
    for e in range(episodes):
        k = Kitchen(sc, e)
        vals.append(k.value(play_round(k, policy, np.random.default_rng(e))))
    return float(np.mean(vals)), float(np.std(vals))


def acceptance(args):
    print(f"{'scenario':22} {'optimum':>8} {'expert':>8} {'+rollout':>8} {'gap':>7}  "
          f"{'greedy':>7} {'dispatch':>8} {'random':>7}")
    for name in bundled_names():
        sc = load_scenario(name)
        ep = args.episodes if sc.stochastic else 1
        expert = shipped_expert(sc)
        e, e_std = mean_value(sc, expert, ep)
        t = time.perf_counter()
        r, _ = mean_value(sc, expert.with_rollout(), ep)
        t_roll = (time.perf_counter() - t) / ep
        base = {b: mean_value(sc, BASELINES[b], ep if b != "random" else max(ep, 20))[0] for b in BASELINES}
        if sc.stochastic:
            from engine.optimum import clairvoyant_bound
            cb = clairvoyant_bound(sc, range(ep), time_limit=10)
            bound = cb["mean"]
            opt = f"~{bound:.1f}"
            gap = relative_gap(sc, e, bound)
            print(f"  {name}: clairvoyant bound over {ep} seeds {bound:.2f} (std {cb['std']:.2f}, "
                  f"proven on {cb.get('proven', '?')} seeds); expert {e:.2f}, expert + rollout {r:.2f}")
        else:
            optimal = known_optimum(sc)
            opt, gap = f"{optimal:g}", relative_gap(sc, e, optimal)
        print(f"{name:22} {opt:>8} {e:8.2f} {r:8.2f} {gap * 100:6.1f}%  {base['greedy']:7.2f} "
              f"{base['dispatch']:8.2f} {base['random']:7.2f}   (rollout {t_roll:.1f} s/round"
              + (f", {ep} seeds, expert std {e_std:.1f}" if sc.stochastic else "") + ")")


def time_to(curve, scenario, optimal, gap):
    for c in curve:
        if relative_gap(scenario, c["greedy"], optimal) <= gap + 1e-9:
            return c["seconds"]
    return None


def train_report(sc, minutes, seed=0):
    optimal = known_optimum(sc)
    res = train(sc, Settings(minutes=minutes, seed=seed), optimal=optimal, progress=False)
    t5, t1 = time_to(res.curve, sc, optimal, 0.05), time_to(res.curve, sc, optimal, 0.01)
    one_turn = time_to(res.curve, sc, optimal, 1.0 / optimal) if sc.objective == "makespan" else None
    fmt = lambda t: f"{t:.1f} s" if t is not None else "not reached"
    print(f"{sc.key}: optimum {optimal:g}; greedy expert {res.value:g} (gap {res.gap * 100:.1f}%) after "
          f"{res.seconds:.0f} s, {res.iterations} iterations; within 5%: {fmt(t5)}; within 1%: {fmt(t1)}"
          + (f"; within one turn: {fmt(one_turn)}" if one_turn is not None else ""))


def burger_time(args):
    for seed in range(args.seeds):
        train_report(load_scenario("burger"), args.minutes, seed)


def unseen(args):
    for path in sorted((ROOT / "tests" / "data").glob("expert-*.toml")):
        train_report(load_scenario(path), args.minutes)


def latency(args):
    sizes = {n: Kitchen(load_scenario(n)).n_tasks * load_scenario(n).ticks for n in bundled_names()
             if not load_scenario(n).stochastic}
    name = args.scenario or max(sizes, key=sizes.get)
    sc = load_scenario(name)
    # as in the app (gui/engine_thread.shipped_scorer): a search helper process
    # on a deterministic kitchen, unless --no-helper
    scorer = MoveScorer(shipped_expert(sc), episodes=args.k, helper=not (args.no_helper or sc.stochastic))
    if scorer.helper is not None and not scorer.helper.wait_ready():
        print("the search helper did not start: timing without it")
    times, cpu, cold = [], [], []
    for seed in range(args.rounds):
        k = Kitchen(sc, seed)
        record = []
        play_round(k, random_policy, np.random.default_rng(seed), record)
        for s, d in record:
            if k.has_decision(s):
                # as in the app: the engine prepares the state while the trainee
                # thinks (MoveScorer.prepare), then scores the move
                t0 = time.perf_counter()
                scorer.prepare(k, s, wait=True)  # the helper prepares the state too
                t, c = time.perf_counter(), time.process_time()
                scorer.score(k, s, d)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                cold.append(time.perf_counter() - t0)
    ms, cms, cold_ms = np.array(times) * 1000, np.array(cpu) * 1000, np.array(cold) * 1000
    # wall time is what a trainee waits; CPU time is the same work without a loaded machine's queueing
    print(f"{name}: scoring {len(ms)} decisions of random play, after the move: median {np.median(ms):.1f} ms, "
          f"p95 {np.percentile(ms, 95):.1f} ms, max {ms.max():.1f} ms (CPU median {np.median(cms):.1f} ms, "
          f"p95 {np.percentile(cms, 95):.1f} ms); cold, preparation included: median {np.median(cold_ms):.1f} ms, "
          f"p95 {np.percentile(cold_ms, 95):.1f} ms")
    if scorer.helper is not None:
        print(f"the search helper searched after {scorer.helper.answered} of those moves")
    scorer.close()

def main():
    torch.set_num_threads(1)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    a = sub.add_parser("acceptance")
    a.add_argument("--episodes", type=int, default=20, help="seeds for the stochastic scenario")
    a.set_defaults(func=acceptance)
    b = sub.add_parser("burger-time")
    b.add_argument("--minutes", type=float, default=3)
    b.add_argument("--seeds", type=int, default=1)
    b.set_defaults(func=burger_time)
    u = sub.add_parser("unseen")
    u.add_argument("--minutes", type=float, default=10)
    u.set_defaults(func=unseen)
    lat = sub.add_parser("latency")
    lat.add_argument("--scenario")
    lat.add_argument("--rounds", type=int, default=20)
    lat.add_argument("--k", type=int, default=8, help="futures for stochastic scenarios")
    lat.add_argument("--no-helper", action="store_true", help="score in one process (engine/expert/helper.py)")
    lat.set_defaults(func=latency)
    args = p.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
