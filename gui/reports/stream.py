"""Writing a report one trainee at a time: read a batch of trainees' figures,
draw a trainee's plots, paint their pages, let them go, and on to the next,
so memory stays flat however many trainees there are. Written to
FILE.part and renamed at the end: cancelled or failed, nothing is left.

`render(figure) -> QImage` draws a plot: directly on the calling thread
(headless, gui/reports/export.py) or by asking the GUI thread (the desk,
gui/reports/job.py), as pyqtgraph draws through widgets. `state` (a
gui.background.TaskState or anything with `check()`) is asked between steps,
so Cancel stops the work within one trainee's pages.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from engine.records.export import write_rows
from gui.reports.data import GroupReport, full_reports, merge_mistakes, overview, top_mistakes, trainee_refs

Progress = Callable[[int, int, str], None]


class _NoState:
    cancelled = False

    def check(self) -> None:
        pass


def write_report(store, out: Path, trainee: str | None, fmt: str, render: Callable | None = None,
                 progress: Progress | None = None, state=None) -> dict:
    """Write the PDF or CSV report; returns {"file", "format", "trainees",
    "rounds", "pages" or "rows"}. Raises StoreError for an unknown trainee,
    gui.background.Cancelled when `state` says so (no file left either way)."""
    state = state or _NoState()
    progress = progress or (lambda *a: None)
    progress(0, 0, "reading the records")
    light = overview(store, trainee_refs(store, trainee))
    state.check()
    report = GroupReport(light, datetime.now(timezone.utc), store.url)
    summary = {"file": str(out), "format": fmt, "trainees": len(light), "rounds": sum(len(t.rounds) for t in light)}
    if fmt == "csv":
        summary["rows"] = _write_csv(store, out, light, progress, state)
    else:
        summary["pages"] = _write_pdf(store, out, report, render, progress, state)
    return summary


def _write_csv(store, out: Path, light, progress: Progress, state) -> int:
    from gui.reports.csv_report import COLUMNS, trainee_rows

    def rows():
        for i, t in enumerate(full_reports(store, light, mistakes=0, state=state)):
            yield from trainee_rows(t)
            progress(i + 1, len(light), "writing the CSV")
            state.check()
    try:
        return write_rows(out, COLUMNS, rows())
    except BaseException:
        Path(out).with_name(Path(out).name + ".part").unlink(missing_ok=True)
        raise


def _write_pdf(store, out: Path, report: GroupReport, render: Callable, progress: Progress, state) -> int:
    from gui.reports.pdf import PdfDocument, group_figures, group_mistakes, group_summary, trainee_figures

    group = len(report.trainees) > 1
    name = "all trainees" if group else (report.trainees[0].name if report.trainees else "nobody")
    doc = PdfDocument(out, name)
    try:
        doc.title(name, report)
        if group:
            images = {f.key: render(f) for f in group_figures(report.trainees)}
            state.check()
            group_summary(doc.page, report, images)
        merged: dict = {}
        n = len(report.trainees)
        for i, t in enumerate(full_reports(store, report.trainees, state=state)):
            images = {}
            for f in trainee_figures(t, group):
                state.check()
                images[f.key] = f.chart or render(f)
            doc.trainee(t, images, group)
            merge_mistakes(merged, t.mistakes)
            del images, t
            progress(i + 1, n, "writing the PDF")
            state.check()
        if group:
            doc.page.new_page()
            group_mistakes(doc.page, top_mistakes(merged, 10))
        return doc.finish()
    except BaseException:
        doc.discard()
        raise
