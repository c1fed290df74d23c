"""A report written by a child process for the desk (gui/reports/job.py):
`python -m gui.reports.child OUT [TRAINEE]`, the database URL (password
included) in KITCHEN_COACH_REPORT_DB rather than on the command line.

Why a process: drawing the plots and painting a long PDF is Python and Qt
work that, on a thread of the app, would share the interpreter's lock with
the window and stall it a tenth of a second at a time; a process has its own,
its memory goes back to the system when it ends, and Cancel is a kill.

Prints one JSON object per line on stdout: {"progress": [done, total, what]}
along the way, then {"done": {...}} or {"error": "one line"}.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

DB_ENV = "KITCHEN_COACH_REPORT_DB"


def _say(**obj) -> None:
    print(json.dumps(obj), flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out, trainee = Path(argv[0]), (argv[1] if len(argv) > 1 and argv[1] else None)
    from engine.records.store import StoreError, open_store
    from gui.reports.export import ReportError, export_report

    try:
        store = open_store(os.environ[DB_ENV], create=False)
    except StoreError as e:
        _say(error=str(e))
        return 1
    try:
        done = export_report(store, out, trainee, lambda d, t, what: _say(progress=[d, t, what]))
    except ReportError as e:
        _say(error=str(e))
        return 1
    finally:
        store.close()
    _say(done=done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
