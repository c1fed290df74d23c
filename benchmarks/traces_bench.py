"""Trace import speed: 1,000 simulated rounds (several scenarios and
policies) written as a TRACES.md file, then read and replayed, stored,
exported and re-imported. Scoring is timed on a sample of rounds, because
the move scorer's rollouts, not the import, set the pace of a scored import.

    .venv/bin/python benchmarks/traces_bench.py [--rounds 1000] [--scored 100]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from engine.policies import BASELINES  # noqa: E402
from engine.records.store import open_store  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402
from engine.traces.format import read_trace, write_trace  # noqa: E402
from engine.traces.generate import simulate_rows  # noqa: E402
from engine.traces.importer import default_scorer, import_trace  # noqa: E402
from engine.traces.exporter import export_trace  # noqa: E402
from engine.traces.replay import replay_file  # noqa: E402

SCENARIOS = ("burger", "pasta", "research-normal", "rush", "dinner-service")


def make_trace(path: Path, rounds: int) -> int:
    people = {p: BASELINES[p] for p in ("random", "greedy", "dispatch")}
    cells = [(i, name, person) for i, name in enumerate(SCENARIOS) for person in people]
    rows = []
    for c, (i, name, person) in enumerate(cells):
        n = rounds // len(cells) + (c < rounds % len(cells))
        rows += simulate_rows(load_scenario(name), name, {f"{person}-{i}": people[person]}, n, seed=i)
    write_trace(path, rows)
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--scored", type=int, default=100, help="rounds to import with the move scorer")
    args = ap.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trace = tmp / "big.csv"
        t = time.perf_counter()
        n_rows = make_trace(trace, args.rounds)
        print(f"generated {n_rows} rows in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        good, problems = replay_file(read_trace(trace))
        dt = time.perf_counter() - t
        assert not problems
        print(f"read + replay (validation): {len(good)} rounds, {n_rows} rows in {dt:.2f} s "
              f"= {n_rows / dt:,.0f} rows/s")

        with open_store(f"sqlite:///{tmp / 'a.db'}") as st:
            r = import_trace(st, trace, scorer_for=None)
            print(f"import, unscored (SQLite): {len(r.rounds)} rounds, {r.rows} rows, {r.decisions} decisions "
                  f"in {r.seconds:.1f} s = {r.rows / r.seconds:,.0f} rows/s, {len(r.rounds) / r.seconds:.1f} rounds/s")
            t = time.perf_counter()
            rows, rounds, _ = export_trace(st, tmp / "out.csv")
            print(f"export: {rows} rows of {rounds} rounds in {time.perf_counter() - t:.1f} s")
        with open_store(f"sqlite:///{tmp / 'b.db'}") as st:
            r2 = import_trace(st, tmp / "out.csv", scorer_for=None)
            export_trace(st, tmp / "out2.csv")
        same = (tmp / "out.csv").read_bytes() == (tmp / "out2.csv").read_bytes()
        print(f"round trip export -> import -> export identical: {same} ({len(r2.rounds)} rounds)")

        sample = tmp / "sample.csv"
        lines = trace.read_text().splitlines(keepends=True)
        keep, seen = [lines[0]], set()
        for line in lines[1:]:
            key = tuple(line.split(",")[:2])
            if key not in seen and len(seen) >= args.scored:
                continue
            seen.add(key)
            keep.append(line)
        sample.write_text("".join(keep))
        scorer_for, label = default_scorer, "shipped experts"
        try:
            for name in SCENARIOS:
                default_scorer(load_scenario(name))
        except LookupError:
            from engine.expert import Expert
            from engine.policy_net import PolicyNet
            from engine.scoring import MoveScorer
            expert = Expert(PolicyNet())
            scorer_for, label = (lambda sc: (expert, MoveScorer(expert))), "an untrained expert (no shipped one)"
        with open_store(f"sqlite:///{tmp / 'c.db'}") as st:
            r = import_trace(st, sample, scorer_for=scorer_for)
        print(f"import, scored by MoveScorer(episodes=8) with {label}: {len(r.rounds)} rounds, {r.rows} rows, "
              f"{r.scored} decisions ({len(r._scores)} distinct positions scored) in {r.seconds:.1f} s "
              f"= {r.rows / r.seconds:,.1f} rows/s ({1000 * r.seconds / max(1, len(r._scores)):.0f} ms "
              f"per position scored)")


if __name__ == "__main__":
    main()
