"""Verdict accuracy of the default move scorer, judged by the exact regret
(issue 12): every deterministic bundled scenario, decisions from simulated
trainees with habits and from random mid-round states (engine/expert/verdicts.py).
Prints a table with the goals and whether each is met; asserts nothing.

    PYTHONPATH=. .venv/bin/python benchmarks/verdicts.py [SCENARIO...] [--decisions 500] [--seed 0]
        [--time-limit 20] [--json-out FILE] [--cache FILE] [--expert SCENARIO=FILE.pt]
        [--scorer KEY=JSON ...]

The last columns are the scorer's own time per decision (wall, median and
95th percentile): "after move" is what a trainee waits for a verdict in the
app, whose engine prepares the state while the trainee thinks
(MoveScorer.prepare, gui/engine_thread.py); "cold" adds that preparation, what
a command that scores a stored round spends per decision. `--scorer` sets a
MoveScorer argument for a trial (e.g. search_size=0, search='{"width": 4}').

--cache keeps the proven optima (they do not depend on the scorer) in a pickle
keyed by scenario content hash, so a run after a scorer change solves nothing
it solved before.

Runs on one thread for torch; CP-SAT uses its own workers per solve.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.expert.trained import load_expert, shipped_expert  # noqa: E402
from engine.scenario import bundled_names, load_scenario  # noqa: E402
from engine.exact_regret import Optima  # noqa: E402
from engine.expert.scoring import MoveScorer  # noqa: E402
from engine.simulator import Kitchen  # noqa: E402
from engine.expert.verdicts import GOALS, goals_met, measure  # noqa: E402


class Timed:
    """The scorer as the app runs it: the state prepared first (by the search
    helper too, where it has one), then the move scored; the wall time of each
    part kept."""

    def __init__(self, scorer):
        self.scorer = scorer
        self.thresholds = scorer.thresholds
        self.prepare: list[float] = []
        self.after_move: list[float] = []

    def score(self, kitchen, state, decision):
        t = time.perf_counter()
        self.scorer.prepare(kitchen, state, wait=True)
        t1 = time.perf_counter()
        out = self.scorer.score(kitchen, state, decision)
        self.after_move.append(time.perf_counter() - t1)
        self.prepare.append(t1 - t)
        return out


def pct(v, digits=1):
    return "-" if v is None else f"{v * 100:.{digits}f}%"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenarios", nargs="*", help="default: every deterministic bundled scenario")
    ap.add_argument("--decisions", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=20.0, help="solver seconds per state")
    ap.add_argument("--json-out", help="also write the figures (one object per scenario) here")
    ap.add_argument("--cache", help="pickle of proven optima to read and extend")
    ap.add_argument("--expert", action="append", default=[], metavar="SCENARIO=FILE.pt",
                    help="judge the scorer on these weights instead of the shipped expert (a candidate)")
    ap.add_argument("--scorer", action="append", default=[], metavar="KEY=JSON",
                    help="a MoveScorer argument for a trial, its value as JSON")
    args = ap.parse_args()
    options = {k: json.loads(v) for k, v in (o.split("=", 1) for o in args.scorer)}
    files = dict(e.split("=", 1) for e in args.expert)
    cache = pickle.loads(Path(args.cache).read_bytes()) if args.cache and Path(args.cache).exists() else {}
    torch.set_num_threads(1)
    names = args.scenarios or [n for n in bundled_names() if not load_scenario(n).stochastic]
    print(f"goals: agreement >= {GOALS['agreement']:.0%}, blunder precision >= {GOALS['blunder_precision']:.0%}, "
          f"false best <= {GOALS['false_best']:.1%}")
    print(f"{'scenario':20} {'decisions':>9} {'agreement':>10} {'blunder prec':>12} {'false best':>10} "
          f"{'regret scorer':>13} {'exact':>6}  {'ms after move p50':>17} {'p95':>5} {'cold p95':>8}  goals  "
          "(unproven, seconds)", flush=True)
    rows = []
    for name in names:
        sc = load_scenario(name)
        if sc.stochastic:
            print(f"{name:20} skipped: stochastic, no exact optimum per state")
            continue
        expert = load_expert(files[name], sc) if name in files else shipped_expert(sc)
        started = time.perf_counter()
        kitchen, optima = Kitchen(sc, 0), Optima(args.time_limit)
        optima.preload(kitchen, cache.get(sc.content_hash, {}))
        # with the app's search helper (gui/engine_thread.shipped_scorer): the
        # same verdicts, the app's wait after the move
        timed = Timed(MoveScorer(expert, **{"helper": True, **options}))
        m = measure(sc, timed, decisions=args.decisions, seed=args.seed, optima=optima,
                    witness=expert.finisher.value, kitchen=kitchen)
        if args.cache:
            cache[sc.content_hash] = optima.known(kitchen)
            Path(args.cache).write_bytes(pickle.dumps(cache))
        s, met = m.summary, goals_met(m.summary)
        ms = 1000 * np.array(timed.after_move)
        cold = ms + 1000 * np.array(timed.prepare)
        s = {**s, "scoring_ms": {"p50": float(np.median(ms)), "p95": float(np.percentile(ms, 95)),
                                 "cold_p50": float(np.median(cold)), "cold_p95": float(np.percentile(cold, 95))}}
        rows.append(s)
        timed.scorer.close()
        verdict = "met" if all(met.values()) else "NOT met: " + ", ".join(k for k, ok in met.items() if not ok)
        print(f"{name + (' *' if name in files else ''):20} {s['decisions']:9d} {pct(s['agreement']):>10} {pct(s['blunder_precision']):>12} "
              f"{pct(s['false_best'], 2):>10} {s['mean_regret']['scorer']:13.3f} {s['mean_regret']['exact']:6.3f} "
              f" {s['scoring_ms']['p50']:17.1f} {s['scoring_ms']['p95']:5.0f} {s['scoring_ms']['cold_p95']:8.0f}  "
              f"{verdict}  ({m.unproven}, {time.perf_counter() - started:.0f} s)", flush=True)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
