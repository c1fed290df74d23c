"""Slow work that is neither scoring nor drawing (the tips between rounds) on
one background thread, its answer delivered on the GUI thread. Like the
engine thread, each job has an id and an answer for a forgotten id is dropped.
The thread is a daemon: closing the app never waits for a job."""
from __future__ import annotations

import itertools
import queue
import threading
import traceback
from typing import Callable

from PySide6.QtCore import QObject, Signal


class Background(QObject):
    finished = Signal(int, object, str)   # job id, result, error ("" when fine)
    _relay = Signal(int, object, str)     # emitted on the worker thread, delivered queued on the GUI thread

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._live: set[int] = set()
        self._jobs: queue.Queue = queue.Queue()
        self._relay.connect(self._deliver)
        self._thread = threading.Thread(target=self._loop, name="kitchen-coach background", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable, *args) -> int:
        job = next(self._ids)
        self._live.add(job)
        self._jobs.put((job, fn, args))
        return job

    def forget(self, job: int) -> None:
        self._live.discard(job)

    def _loop(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, fn, args = item
            if job not in self._live:
                continue
            try:
                result, error = fn(*args), ""
            except Exception as e:  # the job's owner decides what to show
                traceback.print_exc()
                result, error = None, (str(e).splitlines() or [type(e).__name__])[0]
            if job in self._live:
                try:
                    self._relay.emit(job, result, error)
                except RuntimeError:
                    return  # the window closed while the job ran: nobody is waiting

    def _deliver(self, job: int, result, error: str) -> None:
        if job in self._live:
            self._live.discard(job)
            self.finished.emit(job, result, error)

    def shutdown(self) -> None:
        self._live.clear()
        self._jobs.put(None)
