"""The one way gui/ runs slow work off the GUI thread.

`Tasks.start(fn, *args, slot=...)` runs `fn(state, *args)` on a daemon thread
and returns a `Task` whose signals arrive on the GUI thread (in the spirit of
Orange3's `run(data, state)`): `progress(done, total, what)` and `partial(x)`
while it runs, then exactly one of `finished(result)`, `failed(message)` or
`cancelled()`. The work reads `state.cancelled` or calls `state.check()`
(raises `Cancelled`) between steps, so `task.cancel()` stops it at the next
step. Answers of a cancelled task are dropped, and starting a task in a slot
that already has one cancels the older (Nibbler's stale answers: only the
latest question about, say, the selected trainee is answered).

`Background` (submit/forget, one job after another) is the same machinery
for callers that want a job id rather than a Task object.
"""
from __future__ import annotations

import itertools
import threading
import traceback
from typing import Callable

from PySide6.QtCore import QObject, Signal


class Cancelled(Exception):
    """Raised inside a task by `TaskState.check()` once the task is cancelled."""


class TaskState:
    """What the work sees of its task: whether to stop, and where to report."""

    def __init__(self, task: "Task"):
        self._task = task
        self._stop = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def check(self) -> None:
        if self._stop.is_set():
            raise Cancelled

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when cancelled meanwhile."""
        return self._stop.wait(seconds)

    def progress(self, done: int, total: int, what: str = "") -> None:
        self.check()
        self._task._emit(self._task._progress, (int(done), int(total), str(what)))

    def partial(self, value) -> None:
        """Part of the answer, delivered before the rest (a list filled as it arrives)."""
        self.check()
        self._task._emit(self._task._partial, (value,))


def one_line(e: BaseException) -> str:
    text = str(e).splitlines()
    return text[0] if text and text[0] else type(e).__name__


class Task(QObject):
    progress = Signal(int, int, str)
    partial = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    # emitted on the worker thread, delivered queued on the GUI thread
    _progress = Signal(int, int, str)
    _partial = Signal(object)
    _done = Signal(object, str, bool)   # result, error, cancelled

    def __init__(self, fn: Callable, args: tuple, parent=None, errors: Callable[[BaseException], str] = one_line):
        super().__init__(parent)
        self.fn, self.args, self.errors = fn, args, errors
        self.state = TaskState(self)
        self.running = False
        self._ended = threading.Event()
        self._progress.connect(self._relay_progress)
        self._partial.connect(self._relay_partial)
        self._done.connect(self._deliver)
        self._thread = threading.Thread(target=self._run, name=f"kitchen-coach task {getattr(fn, '__name__', '')}",
                                         daemon=True)

    def start(self) -> "Task":
        self.running = True
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop at the work's next check; nothing more is delivered but `cancelled`."""
        if self.running and not self.state.cancelled:
            self.state._stop.set()
            self.running = False
            self.cancelled.emit()

    def wait(self, seconds: float | None = None) -> bool:
        """Block until the work has returned (tests, closing); True when it has."""
        return self._ended.wait(seconds)

    def _emit(self, signal, args: tuple) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the task's owner is gone: nobody is waiting
            self.state._stop.set()

    def _run(self) -> None:
        result, error = None, ""
        try:
            result = self.fn(self.state, *self.args)
        except Cancelled:
            pass
        except Exception as e:  # the task's owner decides what to show
            if not self.state.cancelled:
                traceback.print_exc()
            error = self.errors(e)
        finally:
            self._ended.set()
        self._emit(self._done, (result, error, self.state.cancelled))

    def _relay_progress(self, done: int, total: int, what: str) -> None:
        if not self.state.cancelled:
            self.progress.emit(done, total, what)

    def _relay_partial(self, value) -> None:
        if not self.state.cancelled:
            self.partial.emit(value)

    def _deliver(self, result, error: str, cancelled: bool) -> None:
        if cancelled or self.state.cancelled:
            return  # a stale answer: cancel() already said so
        self.running = False
        if error:
            self.failed.emit(error)
        else:
            self.finished.emit(result)


class Tasks(QObject):
    """Starts tasks; at most one live task per slot (a newer one cancels the older)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._slots: dict[str, Task] = {}
        self._all: list[Task] = []

    def start(self, fn: Callable, *args, slot: str | None = None, errors=one_line) -> Task:
        if slot is not None:
            self.cancel(slot)
        task = Task(fn, args, self, errors)
        if slot is not None:
            self._slots[slot] = task
        self._all = [t for t in self._all if t.running] + [task]
        return task.start()

    def current(self, slot: str) -> Task | None:
        t = self._slots.get(slot)
        return t if t is not None and t.running else None

    def cancel(self, slot: str) -> None:
        old = self._slots.pop(slot, None)
        if old is not None:
            old.cancel()

    def shutdown(self, seconds: float = 2.0) -> None:
        """Cancel everything and give the threads a moment to return."""
        for t in list(self._all):
            t.cancel()
        for t in list(self._all):
            t.wait(seconds)
        self._all.clear()
        self._slots.clear()


class Background(QObject):
    """Jobs run one after another on one thread; `finished(job id, result,
    error)` on the GUI thread; an answer for a forgotten id is dropped."""
    finished = Signal(int, object, str)   # job id, result, error ("" when fine)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._live: dict[int, Task] = {}
        self._turns = threading.Condition()  # one job at a time, in the order submitted
        self._serving = 1
        # answers leave in the order submitted too: a job's thread hands the turn
        # on before its answer is posted, so the next job's answer can come first
        self._issued, self._next_out = 0, 1
        self._ready: dict[int, tuple] = {}

    def submit(self, fn: Callable, *args) -> int:
        job = self._issued = next(self._ids)
        task = Task(self._serial, (job, fn, args), self)
        task.finished.connect(lambda result, job=job: self._deliver(job, result, ""))
        task.failed.connect(lambda error, job=job: self._deliver(job, None, error))
        self._live[job] = task
        task.start()
        return job

    def _serial(self, state: TaskState, job: int, fn: Callable, args: tuple):
        with self._turns:
            self._turns.wait_for(lambda: self._serving == job)
        try:
            state.check()
            return fn(*args)
        finally:
            with self._turns:
                self._serving += 1
                self._turns.notify_all()

    def forget(self, job: int) -> None:
        task = self._live.pop(job, None)
        if task is not None:
            task.cancel()
        self._flush()  # later answers may have waited for this one

    def _deliver(self, job: int, result, error: str) -> None:
        self._ready[job] = (result, error)
        self._flush()

    def _flush(self) -> None:
        while self._next_out <= self._issued:
            job = self._next_out
            if job in self._ready:
                result, error = self._ready.pop(job)
            elif job in self._live:
                return  # still running: the answers after it wait
            else:
                self._next_out += 1  # forgotten, and it said nothing
                continue
            self._next_out += 1
            if self._live.pop(job, None) is not None:
                self.finished.emit(job, result, error)

    def shutdown(self) -> None:
        for job in list(self._live):
            self.forget(job)
