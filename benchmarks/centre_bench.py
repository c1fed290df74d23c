"""A training centre's seats at once (issue 17): N `kitchen-coach play`
processes started together on one database, on SQLite and on PostgreSQL,
fresh (nothing there yet: the first seats create the schema while the others
look) and existing (the schema made, nothing else: the seats race to create
the scenario, expert and people rows). Prints, per database and run, how
many seats succeeded and failed, the seats' times, the first line of each
distinct failure, and whether every seat's round is stored exactly once
with all its decisions (no decision lost or doubled).

Each seat is a process of its own that imports what `play` needs (torch:
seconds), says it is ready, and on "go URL" runs `kitchen-coach play burger
--policy greedy --trainee seatNN --db URL` (the command's own `main`), so the
seats really meet at the database instead of being spread out by their
start-up. A seat serves every run in turn (runs are one after another), so
30 seats import torch once, not 12 times: on 2 cores that start-up alone
takes minutes. Every run gets a new database: a new SQLite file, or a new
PostgreSQL database on the server of --pg (default KITCHEN_COACH_TEST_PG,
which `source scripts/postgres` sets; without it PostgreSQL is skipped).

    source scripts/postgres; .venv/bin/python benchmarks/centre_bench.py [--seats 30] [--runs 3]

The desk's open time and the all-trainees report's time and memory are
benchmarks/desk_bench.py's; --desk runs it after the seats.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCENARIO = "burger"


# -- a seat ----------------------------------------------------------------------
def seat(index: int) -> int:
    """A seat's process: ready, then one `play` per "go URL" line, answered
    with one JSON line {"rc", "seconds", "error", "decisions"}."""
    import engine.expert.trained  # noqa: F401  (torch: seconds to import, so before the start)
    import engine.optimum  # noqa: F401
    import engine.records.commands  # noqa: F401
    import engine.records.play  # noqa: F401
    import engine.expert.scoring  # noqa: F401
    from gui.cli import main

    out = sys.stdout
    print("ready", file=out, flush=True)
    for line in sys.stdin:
        if not line.startswith("go "):
            break
        url = line[3:].strip().replace("{seat}", f"{index:02d}")
        argv = ["play", SCENARIO, "--policy", "greedy", "--trainee", f"seat{index:02d}", "--db", url,
                "--seed", str(index), "--json"]
        got_out, got_err = io.StringIO(), io.StringIO()
        t0 = time.perf_counter()
        try:
            with contextlib.redirect_stdout(got_out), contextlib.redirect_stderr(got_err):
                rc = main(argv)
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        except BaseException:  # a traceback is a failure to count, not the end of the seat
            rc = -1
            got_err.write(traceback.format_exc())
        seconds = time.perf_counter() - t0
        lines = got_out.getvalue().strip().splitlines()
        decisions = None
        if rc == 0 and lines:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                decisions = json.loads(lines[-1])["decisions"]
        err = got_err.getvalue().strip().splitlines()
        print(json.dumps({"rc": rc, "seconds": round(seconds, 3), "decisions": decisions,
                          "error": _error_line(err)}), file=out, flush=True)
    return 0


def _error_line(lines: list[str]) -> str:
    """The line that says what went wrong: a traceback's last, else the first."""
    if not lines:
        return ""
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


# -- the bench -------------------------------------------------------------------
class Seats:
    def __init__(self, n: int):
        self.procs = [subprocess.Popen([sys.executable, __file__, "--seat", str(i)], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
                      for i in range(n)]
        for p in self.procs:
            if p.stdout.readline().strip() != "ready":
                raise SystemExit("a seat did not start (run one by hand: benchmarks/centre_bench.py --seat 0)")

    def play(self, url: str) -> tuple[list[dict], float]:
        """Every seat plays once on `url`, all told at once; (answers, wall seconds)."""
        t0 = time.perf_counter()
        for p in self.procs:
            p.stdin.write(f"go {url}\n")
            p.stdin.flush()
        answers = []
        for p in self.procs:
            line = p.stdout.readline()
            answers.append(json.loads(line) if line else {"rc": -9, "seconds": None, "decisions": None,
                                                          "error": "the seat's process died"})
        return answers, time.perf_counter() - t0

    def close(self) -> None:
        for p in self.procs:
            with contextlib.suppress(OSError):
                p.stdin.close()
        for p in self.procs:
            p.wait(timeout=60)


def stored(url: str, answers: list[dict]) -> tuple[int, int, int]:
    """(seats that succeeded whose one finished round is stored with all its
    decisions, decisions lost or doubled against what those seats said they
    stored, rounds that failed seats left behind)."""
    from engine.records.store import open_store

    good = off = left = 0
    with open_store(url, create=False) as st:
        for i, a in enumerate(answers):
            person = st.find_person(f"seat{i:02d}")
            rounds = st.history(person) if person is not None else []
            n = sum(r.decisions for r in rounds)
            if a["rc"] == 0:
                good += len(rounds) == 1 and rounds[0].finished and n == a["decisions"]
                off += abs(n - (a["decisions"] or 0))
            else:
                left += len(rounds)
    return good, off, left


@contextlib.contextmanager
def new_sqlite(folder: Path, existing: bool):
    path = folder / f"centre-{uuid.uuid4().hex[:8]}.db"
    if existing:
        from engine.records.store import open_store

        open_store(str(path)).close()  # the schema, nothing yet for the scenario, its expert or the seats
    yield f"sqlite:///{path}"


@contextlib.contextmanager
def new_postgres(server: str, existing: bool):
    from sqlalchemy import create_engine, text

    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"kc_centre_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        if existing:
            from engine.records.store import open_store

            open_store(url).close()
        yield url
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def report(label: str, run: int, answers: list[dict], wall: float, good: int, off: int, left: int) -> dict:
    ok = [a for a in answers if a["rc"] == 0]
    times = sorted(a["seconds"] for a in answers if a["seconds"] is not None)
    errors = sorted({a["error"] for a in answers if a["rc"] != 0})
    print(f"{label:22s} run {run}: {len(ok):2d} succeeded, {len(answers) - len(ok):2d} failed; "
          f"stored whole {good:2d}; decisions lost or doubled {off}; rounds left by failed seats {left}; "
          f"wall {wall:5.1f} s, "
          f"seat median {statistics.median(times):5.1f} s, slowest {times[-1]:5.1f} s", flush=True)
    for e in errors:
        print(f"{'':25s}failure: {e[:200]}", flush=True)
    return {"database": label, "run": run, "ok": len(ok), "failed": len(answers) - len(ok), "stored": good,
            "lost_or_doubled": off, "left_by_failed": left, "wall_s": round(wall, 2),
            "median_s": round(statistics.median(times), 2), "max_s": round(times[-1], 2), "errors": errors}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seats", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pg", default=os.environ.get("KITCHEN_COACH_TEST_PG"),
                    help="a PostgreSQL server URL the bench may create databases on (default KITCHEN_COACH_TEST_PG)")
    ap.add_argument("--only", choices=["sqlite", "postgresql"], help="one kind of database")
    ap.add_argument("--desk", action="store_true", help="then run benchmarks/desk_bench.py, if present")
    ap.add_argument("--json", action="store_true", help="last line: every run's figures as one JSON object")
    ap.add_argument("--seat", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.seat is not None:
        return seat(args.seat)

    kinds = [k for k in ("sqlite", "postgresql") if args.only in (None, k)]
    if "postgresql" in kinds and not args.pg:
        print("PostgreSQL skipped: no --pg and KITCHEN_COACH_TEST_PG is not set (source scripts/postgres)")
        kinds.remove("postgresql")
    t0 = time.perf_counter()
    seats = Seats(args.seats)
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="centre-bench-") as tmp:
            # a first round each on a file of its own: loading the expert and solving the
            # optimum once per process, so every measured run meets the database warm
            warm, _ = seats.play(f"sqlite:///{tmp}/warm-{{seat}}.db")
            print(f"{args.seats} seats started (torch, the engine, one round each on a file of its own) in "
                  f"{time.perf_counter() - t0:.1f} s ({sum(a['rc'] == 0 for a in warm)} ok); {os.cpu_count()} CPUs; "
                  f"each plays {SCENARIO} (greedy, scored, stored) when told", flush=True)
            for kind in kinds:
                for existing in (False, True):
                    label = f"{kind} {'existing' if existing else 'fresh'}"
                    for run in range(1, args.runs + 1):
                        new = new_sqlite(Path(tmp), existing) if kind == "sqlite" else new_postgres(args.pg, existing)
                        with new as url:
                            answers, wall = seats.play(url)
                            rows.append(report(label, run, answers, wall, *stored(url, answers)))
    finally:
        seats.close()
    failed = sum(r["failed"] for r in rows)
    off = sum(r["lost_or_doubled"] for r in rows)
    print(f"total: {len(rows)} runs of {args.seats} seats, {sum(r['ok'] for r in rows)} succeeded, {failed} failed, "
          f"decisions lost or doubled {off}; {time.perf_counter() - t0:.0f} s in all", flush=True)
    if args.desk:
        desk = ROOT / "benchmarks" / "desk_bench.py"
        if desk.exists():
            subprocess.run([sys.executable, str(desk)], cwd=ROOT, check=False)
        else:
            print("benchmarks/desk_bench.py is not there: desk figures skipped")
    if args.json:
        print(json.dumps({"seats": args.seats, "runs": rows}))
    return 1 if failed or off else 0


if __name__ == "__main__":
    sys.exit(main())
