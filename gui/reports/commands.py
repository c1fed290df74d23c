"""`kitchen-coach report` (progress reports, headless) and `kitchen-coach
supervisor` (the supervisor's desk). Qt loads only when a command runs."""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from engine.cli_support import CommandError, db_argument, emit_json, open_records, supervisor_password


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="export a progress report (PDF or CSV) for one trainee or all of them")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--trainee", metavar="NAME", help="this trainee's report")
    who.add_argument("--all", action="store_true", help="one report for every trainee")
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.csv", help="the format follows the file name")
    p.add_argument("--db", dest="records_db", metavar="URL",
                   help="database URL or file (default: KITCHEN_COACH_DB or a file in your data folder)")
    p.add_argument("--password", help="the supervisor password (or set KITCHEN_COACH_SUPERVISOR_PASSWORD); "
                                      "not needed while the database has no supervisor")
    p.add_argument("--json", action="store_true", help="print what was written as one JSON object")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("supervisor", help="open the supervisor's desk: trainees, replays, progress, reports")
    p.add_argument("--db", dest="records_db", metavar="URL",
                   help="database URL or file (default: KITCHEN_COACH_DB or a file in your data folder)")
    p.add_argument("--json", action="store_true", help="when the desk closes, print who used it as one JSON object")
    p.set_defaults(func=cmd_supervisor)




def cmd_report(args) -> int:
    from gui.reports.export import ReportError, export_report, report_format, require_report_access

    out = Path(args.out)
    try:
        report_format(out)
    except ReportError as e:
        raise CommandError(str(e)) from None
    store = open_records(args, create=False, out=out)
    try:
        t0 = time.perf_counter()
        require_report_access(store, supervisor_password(args))
        done = export_report(store, out, args.trainee.strip() if args.trainee else None)
    except ReportError as e:
        raise CommandError(str(e)) from None
    finally:
        store.close()
    done["seconds"] = round(time.perf_counter() - t0, 3)
    if args.json:
        emit_json(done)
    else:
        size = f"{done['pages']} page(s)" if "pages" in done else f"{done['rows']} row(s)"
        print(f"wrote {out} ({size}; {done['trainees']} trainee(s), {done['rounds']} round(s)) "
              f"in {done['seconds']:.1f} s")
    return 0


def cmd_supervisor(args) -> int:
    from engine.records.database import ENV_VAR
    from gui.app import make_app
    from gui.supervisor.window import open_desk

    # A database named on the command line or in KITCHEN_COACH_DB must exist (a
    # typo would open an empty desk); the default one in the data folder may be
    # new, so a supervisor can be set up before any trainee has played.
    store = open_records(args, create=db_argument(args) is None and not os.environ.get(ENV_VAR))
    try:
        app = make_app()
        window = open_desk(store)
        name = window.supervisor.name if window is not None else None
        rc = 1 if window is None else app.exec()
    finally:
        store.close()
    if args.json:  # printed once the desk has closed (or the password dialog was cancelled)
        emit_json({"db": store.url, "opened": window is not None, "supervisor": name})
    return rc
