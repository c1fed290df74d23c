"""Supervisor's desk: a report for 50 trainees with 20 rounds each (goal:
under 10 s as PDF), and opening a round in the replay viewer (goal: under
200 ms). Prints its figures.

The records are seeded once (simulated trainees, gui/reports/sample_data.py)
into a file kept in the temporary folder, so later runs time only the desk.
    .venv/bin/python benchmarks/supervisor_bench.py [--trainees 50] [--rounds 20]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEED_VERSION = 1


def seeded(trainees: int, rounds: int) -> Path:
    from engine.records.store import open_store
    from engine.scenario import load_scenario
    from gui.reports.sample_data import seed_trainees

    scenario = load_scenario("burger")
    folder = Path(tempfile.gettempdir()) / "kitchen-coach-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"supervisor-v{SEED_VERSION}-{trainees}x{rounds}-{scenario.content_hash[:12]}.db"
    if not path.exists():
        t0 = time.perf_counter()
        part = path.with_suffix(".part.db")
        part.unlink(missing_ok=True)
        with open_store(str(part)) as store:
            seed_trainees(store, scenario, trainees=trainees, rounds=rounds, seed=7)
        part.rename(path)
        print(f"seeded {trainees} trainees x {rounds} rounds in {time.perf_counter() - t0:.1f} s -> {path}")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainees", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    db = seeded(args.trainees, args.rounds)

    from gui.reports.export import ensure_qt_app
    app = ensure_qt_app()
    from engine.records.store import open_store
    from gui.reports.data import gather
    from gui.reports.export import export_report
    from gui.replay_view import ReplayViewer

    out = Path(tempfile.mkdtemp(prefix="kitchen-coach-report-"))
    with open_store(str(db)) as store:
        t0 = time.perf_counter()
        data = gather(store)
        t_gather = time.perf_counter() - t0
        n_rounds = len(data.rounds)
        n_decisions = sum(r.decisions for r in data.rounds)
        t0 = time.perf_counter()
        pdf = export_report(store, out / "all.pdf")
        t_pdf = time.perf_counter() - t0
        t0 = time.perf_counter()
        csv = export_report(store, out / "all.csv")
        t_csv = time.perf_counter() - t0
        name = data.trainees[0].name
        t0 = time.perf_counter()
        one = export_report(store, out / "one.pdf", name)
        t_one = time.perf_counter() - t0

    # Replay: a fresh store each time, so the kitchen is rebuilt from the stored text, as on a first open.
    opens = []
    ids = [r.id for r in data.rounds[:: max(1, n_rounds // 12)]][:12]
    for rid in ids:
        with open_store(str(db)) as store:
            t0 = time.perf_counter()
            viewer = ReplayViewer(store, rid)
            viewer.resize(1200, 760)
            viewer.show()
            app.processEvents()
            opens.append(time.perf_counter() - t0)
            viewer.close()
            viewer.deleteLater()
            app.processEvents()
    pdf_size = (out / "all.pdf").stat().st_size / 1e6

    print(f"records: {len(data.trainees)} trainees, {n_rounds} rounds, {n_decisions} decisions ({db.name})")
    print(f"gather figures (bulk queries):   {t_gather:6.2f} s")
    print(f"report --all as PDF:             {t_pdf:6.2f} s  ({pdf['pages']} pages, {pdf_size:.1f} MB)  "
          f"goal < 10 s: {'met' if t_pdf < 10 else 'MISSED'}")
    print(f"report --all as CSV:             {t_csv:6.2f} s  ({csv['rows']} rows)")
    print(f"report for one trainee as PDF:   {t_one:6.2f} s  ({one['pages']} pages)")
    print(f"replay viewer opens a round:     median {1000 * statistics.median(opens):.0f} ms, "
          f"max {1000 * max(opens):.0f} ms over {len(opens)} rounds  "
          f"goal < 200 ms: {'met' if max(opens) < 0.2 else 'MISSED'}")
    print(f"files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
