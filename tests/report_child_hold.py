"""A stand-in for gui/reports/child.py that writes the first trainee of the
report and then waits, as a long report would still be running: the desk's
Cancel must then kill it and leave no file (tests/test_desk_loading.py)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gui.reports import stream  # noqa: E402

real = stream.full_reports


def held(*args, **kwargs):
    for i, t in enumerate(real(*args, **kwargs)):
        if i == 1:
            time.sleep(600)
        yield t


stream.full_reports = held

if __name__ == "__main__":
    from gui.reports.child import main
    sys.exit(main())
