"""Exporting a report from the app without blocking the window.

The report is written on a background task (gui/background.py) by
gui/reports/stream.py, a trainee at a time; only the plots are drawn on the
GUI thread (pyqtgraph draws through widgets), one per turn of the event loop,
asked for by the task and handed back to it. `progress(done, total, what)`
reports along the way. `cancel()` stops the task at its next step (within one
trainee's pages) and the part file is removed; a cancelled job's late answers
are dropped.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from engine.records.store import StoreError
from gui.background import Cancelled, Tasks, TaskState
from gui.reports.export import ReportError, report_format


class _Drawing:
    """A figure the task waits for, drawn on the GUI thread."""

    def __init__(self, figure):
        self.figure, self.image, self.error = figure, None, None
        self.done = threading.Event()


class PlotBridge(QObject):
    """Lives on the GUI thread; `render(figure)` may be called from any thread
    and waits (checking for Cancel) while the GUI thread draws."""
    _ask = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._renderer = None
        self._closed = False
        self._ask.connect(self._draw)

    def render_for(self, state: TaskState):
        def render(figure):
            job = _Drawing(figure)
            self._ask.emit(job)
            while not job.done.wait(0.05):
                state.check()
            if job.error is not None:
                raise RuntimeError(f"drawing the plots failed: {job.error}")
            return job.image
        return render

    def _draw(self, job: _Drawing) -> None:
        if self._closed:  # asked before a Cancel, delivered after it
            job.error = "cancelled"
            job.done.set()
            return
        try:
            if self._renderer is None:
                from gui.reports.plots import PlotRenderer
                self._renderer = PlotRenderer()
            f = job.figure
            job.image = self._renderer.render(f.draw, *f.args, width=f.width)
        except Exception as e:  # noqa: BLE001 -- one line to the supervisor, never a crash
            job.error = str(e) or type(e).__name__
        finally:
            job.done.set()

    def close(self) -> None:
        self._closed = True
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


def _error_line(e: BaseException) -> str:
    if isinstance(e, (ReportError, StoreError)):
        return str(e)
    if isinstance(e, OSError):
        return f"cannot write the report: {e.strerror or e}"
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


class ReportJob(QObject):
    progress = Signal(int, int, str)
    finished = Signal(dict)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, store, out: Path, trainee: str | None = None, parent=None):
        super().__init__(parent)
        self.store, self.out, self.trainee = store, Path(out), trainee
        self.running = False
        self.task = None
        self._tasks = Tasks(self)
        self._bridge = PlotBridge(self)

    def start(self) -> None:
        try:
            self.format = report_format(self.out)
        except ReportError as e:
            # later, like every other answer, so a caller may connect after start()
            QTimer.singleShot(0, lambda msg=str(e): self.failed.emit(msg))
            return
        self.running = True
        self.task = self._tasks.start(self._write, errors=_error_line)
        self.task.progress.connect(self.progress)
        self.task.finished.connect(self._written)
        self.task.failed.connect(self._fail)

    def _write(self, state: TaskState) -> dict:
        from gui.reports.stream import write_report

        return write_report(self.store, self.out, self.trainee, self.format, self._bridge.render_for(state),
                            state.progress, state)

    def cancel(self) -> None:
        """Stop now: the task ends at its next step and leaves no file."""
        if self.task is not None and self.running:
            self.task.cancel()
            self.running = False
            self._bridge.close()
            self.cancelled.emit()

    def _fail(self, message: str) -> None:
        self.running = False
        self._bridge.close()
        self.failed.emit(message)

    def _written(self, result: dict) -> None:
        self.running = False
        self._bridge.close()
        self.finished.emit(result)

    def wait(self, ms: int = 10_000) -> bool:
        """Block until the task has returned (its part file removed if cancelled)."""
        return self.task is None or self.task.wait(ms / 1000)


__all__ = ["ReportJob", "PlotBridge", "Cancelled"]
