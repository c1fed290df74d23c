"""Exporting a report from the app without blocking the window.

Three steps, each where Qt allows it: reading the records on a QThread, the
plots on the GUI thread (pyqtgraph draws through widgets; one plot per turn
of the event loop, so the window keeps answering), and the PDF or CSV on a
QThread again. `progress(done, total, what)` reports along the way; a job can
be cancelled, and a cancelled job's late results are dropped.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from gui.reports.export import ReportError, report_format


class _Worker(QThread):
    result = Signal(object)
    error = Signal(str)

    def __init__(self, fn, parent=None):
        super().__init__(parent)
        self.fn = fn

    def run(self):
        try:
            self.result.emit(self.fn())
        except ReportError as e:
            self.error.emit(str(e))
        except OSError as e:
            self.error.emit(f"cannot write the report: {e.strerror or e}")
        except Exception as e:  # shown to the supervisor as one line; the window stays up
            self.error.emit(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")


class ReportJob(QObject):
    progress = Signal(int, int, str)
    finished = Signal(dict)
    failed = Signal(str)

    def __init__(self, store, out: Path, trainee: str | None = None, parent=None):
        super().__init__(parent)
        self.store, self.out, self.trainee = store, Path(out), trainee
        self.cancelled = False
        self.running = False
        self._threads: list[_Worker] = []
        self._renderer = None

    def start(self) -> None:
        try:
            self.format = report_format(self.out)
        except ReportError as e:
            # later, like every other answer, so a caller may connect after start()
            QTimer.singleShot(0, lambda msg=str(e): self.failed.emit(msg))
            return
        self.running = True
        self.progress.emit(0, 0, "reading the records")
        from gui.reports.data import gather
        self._run(lambda: gather(self.store, self.trainee), self._gathered)

    def cancel(self) -> None:
        self.cancelled = True
        self.running = False
        self._close_renderer()

    def _run(self, fn, then) -> None:
        w = _Worker(fn, self)
        w.result.connect(lambda r: None if self.cancelled else then(r))
        w.error.connect(self._fail)
        w.finished.connect(lambda: self._threads.remove(w) if w in self._threads else None)
        self._threads.append(w)
        w.start()

    def _fail(self, message: str) -> None:
        self.running = False
        self._close_renderer()
        if not self.cancelled:
            self.failed.emit(message)

    def _gathered(self, report) -> None:
        self.report = report
        if self.format == "csv":
            from gui.reports.csv_report import write_csv
            self._run(lambda: {"rows": write_csv(report, self.out)}, self._written)
            return
        from gui.reports.pdf import figures_for
        from gui.reports.plots import PlotRenderer
        self._figures = figures_for(report)
        self._images = {}
        self._renderer = PlotRenderer()
        QTimer.singleShot(0, self._draw_next)

    def _draw_next(self) -> None:
        if self.cancelled:
            return
        if len(self._images) == len(self._figures):
            self._close_renderer()
            from gui.reports.pdf import write_pdf
            self._run(lambda: {"pages": write_pdf(self.report, self._images, self.out, self._pdf_progress)},
                      self._written)
            return
        f = self._figures[len(self._images)]
        try:
            self._images[f.key] = self._renderer.render(f.draw, *f.args, width=f.width)
        except Exception as e:  # noqa: BLE001 -- one line to the supervisor, never a crash
            self._fail(f"drawing the plots failed: {e}")
            return
        self.progress.emit(len(self._images), len(self._figures), "drawing plots")
        QTimer.singleShot(0, self._draw_next)

    def _pdf_progress(self, done: int, total: int, what: str) -> None:
        self.progress.emit(done, total, what)  # from the worker thread: Qt queues it to the window

    def _written(self, result: dict) -> None:
        self.running = False
        report = self.report
        self.finished.emit({"file": str(self.out), "format": self.format, "trainees": len(report.trainees),
                            "rounds": len(report.rounds), **result})

    def _close_renderer(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None

    def wait(self, ms: int = 10_000) -> None:
        for w in list(self._threads):
            w.wait(ms)
