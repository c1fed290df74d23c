"""Exporting a report from the app without blocking the window.

The report is written by a child process (gui/reports/child.py, the same
steps as headless `kitchen-coach report`: gui/reports/stream.py, a trainee at
a time), watched by a background task (gui/background.py) that relays its
progress lines. The window's thread only shows progress: plots and PDF
painting never share the interpreter with it. `cancel()` kills the process at
once and removes the part file; a cancelled job's late answers are dropped.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from gui.background import Cancelled, Tasks, TaskState
from gui.reports.child import DB_ENV
from gui.reports.export import ReportError, report_format


class ReportJob(QObject):
    # how the child is started, after the interpreter (tests start a stand-in that pauses mid-report)
    child = ("-m", "gui.reports.child")
    progress = Signal(int, int, str)
    finished = Signal(dict)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, store, out: Path, trainee: str | None = None, parent=None):
        super().__init__(parent)
        self.store, self.out, self.trainee = store, Path(out), trainee
        self.running = False
        self.task = None
        self.process: subprocess.Popen | None = None
        self._tasks = Tasks(self)

    def start(self) -> None:
        try:
            self.format = report_format(self.out)
        except ReportError as e:
            # later, like every other answer, so a caller may connect after start()
            QTimer.singleShot(0, lambda msg=str(e): self.failed.emit(msg))
            return
        self.running = True
        self.task = self._tasks.start(self._write)
        self.task.progress.connect(self.progress)
        self.task.finished.connect(self._written)
        self.task.failed.connect(self._fail)

    def _write(self, state: TaskState) -> dict:
        url = self.store.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            raise ReportError("records kept in memory cannot be read by the report process; "
                              "open a database file to export reports")
        env = dict(os.environ, **{DB_ENV: self.store.engine.url.render_as_string(hide_password=False)})
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        # the folder that holds this app's packages, whether installed or run from a checkout
        home = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (home, env.get("PYTHONPATH")) if p)
        self.process = proc = subprocess.Popen(
            [sys.executable, *self.child, str(self.out), self.trainee or ""],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, env=env)
        watcher = threading.Thread(target=self._kill_on_cancel, args=(state, proc), daemon=True)
        watcher.start()
        answer: dict = {}
        try:
            for line in proc.stdout:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if "progress" in msg and not state.cancelled:
                    state.progress(*msg["progress"])
                answer = msg
            proc.wait()
        finally:
            proc.stdout.close()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if state.cancelled:
            self._remove_part()
            if "done" in answer:   # it finished as Cancel was pressed: Cancel wins, as the window says
                self.out.unlink(missing_ok=True)
            raise Cancelled
        if "done" in answer:
            return answer["done"]
        self._remove_part()
        raise ReportError(answer.get("error") or f"the report process stopped (exit status {proc.returncode})")

    def _kill_on_cancel(self, state: TaskState, proc: subprocess.Popen) -> None:
        while proc.poll() is None:
            if state.wait(0.05):
                proc.kill()
                proc.wait()
                self._remove_part()
                return

    def _remove_part(self) -> None:
        self.out.with_name(self.out.name + ".part").unlink(missing_ok=True)

    def cancel(self) -> None:
        """Stop now: the process is killed and leaves no file."""
        if self.task is not None and self.running:
            self.task.cancel()
            self.running = False
            self.cancelled.emit()

    def _fail(self, message: str) -> None:
        self.running = False
        self.failed.emit(message)

    def _written(self, result: dict) -> None:
        self.running = False
        self.finished.emit(result)

    def wait(self, ms: int = 10_000) -> bool:
        """Block until the task has returned (the process ended, its part file removed if cancelled)."""
        return self.task is None or self.task.wait(ms / 1000)


__all__ = ["Cancelled", "ReportJob"]
