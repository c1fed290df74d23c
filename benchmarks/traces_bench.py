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
        keys = list(dict.fromkeys(tuple(line.split(",")[:2]) for line in lines[1:]))
        step = max(1, len(keys) // max(1, args.scored))
        chosen = set(keys[::step][:args.scored])  # spread over every scenario and policy
        sample.write_text(lines[0] + "".join(x for x in lines[1:] if tuple(x.split(",")[:2]) in chosen))
        scorer_for, label = default_scorer, "shipped experts"
        try:
            for name in SCENARIOS:
                default_scorer(load_scenario(name))
        except LookupError:
            from engine.expert.trained import Expert
            from engine.expert.network import PolicyNet
            from engine.expert.scoring import MoveScorer
            expert = Expert(PolicyNet())
            scorer_for, label = (lambda sc: (expert, MoveScorer(expert))), "an untrained expert (no shipped one)"
        with open_store(f"sqlite:///{tmp / 'c.db'}") as st:
            r = import_trace(st, sample, scorer_for=scorer_for)
        print(f"import, scored by MoveScorer(episodes=8) with {label}: {len(r.rounds)} rounds, {r.rows} rows, "
              f"{r.scored} decisions ({r.positions_scored} distinct positions scored) in {r.seconds:.1f} s "
              f"= {r.rows / r.seconds:,.1f} rows/s ({1000 * r.seconds / max(1, r.positions_scored):.0f} ms "
              f"per position scored)")

    calibration_figures()
    trainee_figures()


def calibration_figures(logs: int = 20, tasks: int = 200, slow: float = 0.2) -> None:
    """Synthetic noisy logs of `tasks` tasks with known durations (burger's
    workers, random true durations 1-8, a slow tick with probability `slow`,
    2% recording slips of 2-4 ticks): how close does the fit come?"""
    import io

    import numpy as np

    from engine.traces.calibration import fit, observations
    from engine.traces.format import parse_trace

    sc = load_scenario("burger")
    exact, worst, ps = 0, 0.0, []
    for seed in range(logs):
        rng = np.random.default_rng(seed)
        keys = [(w.name, k) for w in sc.workers for k in sc.task_types]
        true = {key: int(rng.integers(1, 9)) for key in keys}
        buf = io.StringIO()
        rows = []
        for i in range(tasks):
            w, k = keys[rng.integers(len(keys))]
            d = true[(w, k)] + int(rng.random() < slow) + (int(rng.integers(2, 5)) if rng.random() < 0.02 else 0)
            rows.append(dict(person="log", round=1, scenario="burger", tick=i, worker=w, order=0, task=k, duration=d))
        write_trace(buf, rows)
        obs, _, _ = observations(parse_trace(buf.getvalue().encode(), "log.csv"), sc)
        cal = fit(obs, sc)
        exact += all(f.estimate == true[(f.worker, f.type)] for f in cal.fits)
        worst = max([worst] + [abs(f.estimate - true[(f.worker, f.type)]) for f in cal.fits])
        ps.append(cal.slow_prob)
    print(f"calibration, {logs} logs of {tasks} tasks (slow_prob {slow}, 2% slips): every duration exact in "
          f"{exact}/{logs} logs, worst error {worst:.0f} tick(s); slow_prob {np.mean(ps):.3f} +- {np.std(ps):.3f}")


def trainee_figures() -> None:
    """Held-out accuracy of the trainee model on simulated trainees who never
    let the server cook (greedy otherwise, 20% random choices)."""
    import numpy as np

    from engine.policies import greedy_policy, play_round
    from engine.simulator import Kitchen
    from engine.traces.generate import habit_policy
    from engine.traces.trainee import fit_trainee

    for name in ("research-normal", "research-disruption", "burger", "rush"):
        sc = load_scenario(name)
        rng = np.random.default_rng(1)
        rounds = []
        for i in range(40):
            k = Kitchen(sc, i)
            record: list = []
            final = play_round(k, habit_policy(greedy_policy, "server", "cook", explore=0.2), rng, record)
            rounds.append((k, [s for s, _ in record] + [final], {s.tick: d for s, d in record}))
        t = time.perf_counter()
        m = fit_trainee(rounds, seed=0).metrics
        print(f"trainee model, {name}: held-out accuracy {m['held_out_accuracy']:.1%} on "
              f"{m['held_out_choices']} choices of {m['held_out_rounds']} held-out rounds "
              f"(uniform guessing {m['held_out_chance']:.1%}; train {m['train_accuracy']:.1%}; "
              f"fit {time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
