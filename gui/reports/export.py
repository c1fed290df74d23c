"""Exporting a report, headless: gui/reports/stream.py on this thread. The
app runs the same steps on a worker thread (gui/reports/job.py).

Who may export: on a database with a supervisor who has a password, that
password is needed; a database with no supervisor yet has nobody to ask.
"""
from __future__ import annotations

import os
from pathlib import Path

from engine.records.access import PASSWORD_ENV, supervisor_gate  # noqa: F401 (PASSWORD_ENV re-exported)
from engine.records.store import StoreError

FORMATS = (".pdf", ".csv")


class ReportError(Exception):
    """A report that cannot be made as asked; one line says why."""


def require_report_access(store, password: str | None) -> str | None:
    """The supervisor whose password this is, or None when the database has no
    supervisor with a password yet. Raises ReportError otherwise."""
    try:
        return supervisor_gate(store, password, "reports")
    except StoreError as e:
        raise ReportError(str(e)) from None


def report_format(out: Path) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(f"cannot tell the format of {out}: name it FILE.pdf or FILE.csv")
    if not Path(out).parent.is_dir():
        raise ReportError(f"cannot write {out}: folder {Path(out).parent} does not exist")
    return suffix[1:]


def export_report(store, out: Path, trainee: str | None = None, progress=None) -> dict:
    """Write the report for `trainee` (or every trainee) on this thread, which
    draws the plots too (headless: the main thread); returns what was written:
    {"file", "format", "trainees", "rounds", "pages" or "rows"}."""
    from gui.reports.stream import write_report

    fmt = report_format(out)
    renderer = None
    if fmt == "pdf":
        ensure_qt_app()
        from gui.reports.plots import PlotRenderer
        renderer = PlotRenderer()
    try:
        render = renderer and (lambda f: renderer.chart(f.draw, *f.args))
        return write_report(store, out, trainee, fmt, render, progress)
    except StoreError as e:
        raise ReportError(str(e)) from None
    except OSError as e:
        raise ReportError(f"cannot write {out}: {e.strerror or e}") from None
    finally:
        if renderer is not None:
            renderer.close()


def ensure_qt_app():
    """A QApplication for headless use; without a display, Qt's offscreen platform."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["kitchen-coach"])
