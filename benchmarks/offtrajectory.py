"""How well an expert finishes rounds from states a trainee reaches.

The move scorer values a trainee's decision by letting the expert play on from
the state that decision made, so an expert that is optimal only along its own
trajectory calls good moves blunders. From random mid-round states (random play
for 1..--prefix decision ticks) this plays the greedy expert to the end and
compares with the exact optimum from the same state.

    PYTHONPATH=. .venv/bin/python benchmarks/offtrajectory.py rush research-normal \\
        [--states 30] [--seed 7] [--expert rush=path/to/rush.pt] [--search]

With --search the expert plays as the move scorer's search does on the
deterministic kitchens it searches: the first decision of the best path the
search from the state finds (engine/expert/search.py, guided by the expert
alone, with the settings for the kitchen's size), which is the continuation
the scorer's verdicts rest on there.

Prints, per scenario: % of states from which the expert is optimal, mean and max gap
(own units: turns or points). Deterministic scenarios only (the optimum is exact).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from engine.expert.trained import load_expert, shipped_expert
from engine.optimum import solve
from engine.rounds import play_round
from engine.scenario import load_scenario
from engine.simulator import Kitchen
from engine.expert.verdicts import random_states


def off_trajectory_gaps(kitchen: Kitchen, expert, states: list, time_limit: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    gaps = []
    for s in states:
        t = play_round(kitchen, expert, rng, start=s)
        gaps.append(abs(kitchen.value(t) - solve(kitchen, s, time_limit=time_limit).value))
    return np.array(gaps)


def searching(expert, kitchen: Kitchen):
    """The expert with the scorer's search as a policy: at each decision, the
    first decision of the best path the beam search finds (the greedy
    expert's where it finds none). None where the scorer does not search."""
    from engine.expert.scoring import MoveScorer

    scorer = MoveScorer(expert)
    if not scorer.searches(kitchen):
        return None

    def policy(kitchen, state, rng):
        first = scorer.looks(kitchen).prepared.search(kitchen, state)[1]
        return first if first is not None else expert(kitchen, state, rng)
    return policy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenarios", nargs="+")
    ap.add_argument("--states", type=int, default=30, help="random mid-round states per scenario")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--prefix", type=int, default=7, help="longest random prefix, in decision ticks")
    ap.add_argument("--time-limit", type=float, default=20.0, help="solver seconds per state")
    ap.add_argument("--expert", action="append", default=[], metavar="SCENARIO=FILE.pt",
                    help="judge these weights instead of the shipped expert")
    ap.add_argument("--search", action="store_true",
                    help="play with the expert and the move scorer's beam search (each decision the first of "
                         "the best path it finds; engine/expert/search.py), where the scorer searches")
    args = ap.parse_args()
    torch.set_num_threads(1)
    files = dict(e.split("=", 1) for e in args.expert)
    for name in args.scenarios:
        sc = load_scenario(name)
        if sc.stochastic:
            print(f"{name}: skipped (stochastic; no exact optimum per state)")
            continue
        k = Kitchen(sc, 0)
        ex = load_expert(files[name], sc) if name in files else shipped_expert(sc)
        started = time.perf_counter()
        player = searching(ex, k) if args.search else ex
        if player is None:
            print(f"{name}: skipped (--search: the scorer does not search a kitchen this size)")
            continue
        g = off_trajectory_gaps(k, player, random_states(k, args.states, args.prefix, np.random.default_rng(args.seed)),
                                args.time_limit)
        print(f"{name}{' (' + files[name] + ')' if name in files else ''}{' with search' if args.search else ''}: optimal from "
              f"{np.mean(g == 0) * 100:.0f}% of {len(g)} mid-round states, mean gap {g.mean():.2f}, "
              f"max {g.max():g} ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
