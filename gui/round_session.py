"""A round being played, glued to the engine thread and the records.

`RoundModel` holds the rules; this object sends each decided tick to the
engine thread for scoring, stores the decision the moment the tick ends (so
a crash never loses a decision, only at most a score still being worked
out), attaches the score when its answer comes back, turns answers into feedback
lines, and closes the round in the store once every decision is in.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from engine.records.database import StoreError
from gui.engine_thread import EngineClient
from gui.feedback import ScoredTick, feedback_line, so_far_line
from gui.round_model import AssignRefused, RoundModel, TickStep


class RoundSession(QObject):
    changed = Signal()                 # the board should redraw
    feedback = Signal(str, str)        # verdict ("" when none), sentence
    scoredTick = Signal(object)        # ScoredTick
    benchmarksReady = Signal(object)   # {"expert": value or None, "optimum": value or None}
    completed = Signal()               # round over and every decision stored
    saveProblem = Signal(str)          # a write the database refused; it is kept and retried

    def __init__(self, model: RoundModel, engine: EngineClient | None, store=None, round_id: int | None = None):
        super().__init__()
        self.model, self.engine, self.store, self.round_id = model, engine, store, round_id
        self.scored: list[ScoredTick] = []
        self.unscored: list[TickStep] = []
        self.outstanding: dict[int, tuple[TickStep, float | None]] = {}
        self.benchmarks: dict | None = None
        self._summary_id: int | None = None
        self._closed = False
        self._latest_tick = -1
        self.tick_started = time.monotonic()
        # Writes the database refused (full disk, a lock held too long, made
        # read-only): kept in order and retried before every later write and
        # at the end, so a passing problem loses no decision.
        self.unsaved: list[tuple] = []
        if engine is not None:
            engine.scoreReady.connect(self._on_score)
            engine.scoreFailed.connect(self._on_score_failed)
            engine.summaryReady.connect(self._on_summary)
            engine.unavailable.connect(self._on_unavailable)
        self._prepare()

    def record_tips(self, tips: list) -> None:
        """The tips on screen from this tick on, kept with the round (what a supervisor sees)."""
        if self.store is not None and self.round_id is not None and not self._closed:
            for tip in tips:
                self._write(self.store.record_tip, self.round_id, self.model.tick, tip.rule, tip.text)

    # -- the trainee's moves -----------------------------------------------------
    def assign(self, task: int, worker: int) -> str | None:
        """None when done; otherwise the reason it was refused."""
        try:
            self.model.assign(task, worker)
        except AssignRefused as e:
            return str(e)
        self.changed.emit()
        return None

    def unassign(self, task: int) -> None:
        if self.model.unassign(task):
            self.changed.emit()

    def clear(self) -> None:
        self.model.clear()
        self.changed.emit()

    def end_tick(self) -> list[TickStep]:
        if self.model.done:
            return []
        think = time.monotonic() - self.tick_started
        steps = self.model.end_tick()
        for step in steps:
            if step.had_choice:
                self._send(step, think)
        self.tick_started = time.monotonic()
        self._prepare()
        self.changed.emit()
        if self.model.done:
            if self.engine is not None:
                self._summary_id = self.engine.request_summary(self.model.kitchen)
            self._maybe_complete()
        return steps

    def _prepare(self) -> None:
        """The engine works out the expert's side of the coming decision while
        the trainee thinks (gui/engine_thread.py): the verdict comes sooner."""
        if self.engine is not None and not self.engine.failure and not self.model.done:
            self.engine.prepare(self.model.kitchen, self.model.state)

    def _send(self, step: TickStep, think: float | None) -> None:
        self._latest_tick = step.state.tick
        self._store(step, None, think)
        if self.engine is None or self.engine.failure:
            self.unscored.append(step)
            return
        rid = self.engine.request(self.model.kitchen, step.state, step.decision)
        self.outstanding[rid] = (step, think)

    # -- answers from the engine thread ---------------------------------------------
    def _on_score(self, rid: int, score) -> None:
        if rid not in self.outstanding:
            return
        step, think = self.outstanding.pop(rid)
        if self.store is not None and self.round_id is not None:
            self._write(self.store.set_score, self.round_id, step.state.tick, score)
        tick = ScoredTick(step.state, step.decision, score)
        self.scored.append(tick)
        self.scoredTick.emit(tick)
        if step.state.tick == self._latest_tick:
            k = self.model.kitchen
            self.feedback.emit(getattr(score, "verdict", ""),
                               f"{feedback_line(k, step.state, step.decision, score)} {so_far_line(k, self.scored)}")
        self._maybe_complete()

    def _on_score_failed(self, rid: int, why: str) -> None:
        if rid not in self.outstanding:
            return
        step, think = self.outstanding.pop(rid)
        self.unscored.append(step)
        self.feedback.emit("", f"This tick could not be scored ({why}).")
        self._maybe_complete()

    def _on_unavailable(self, why: str) -> None:
        for rid in list(self.outstanding):
            self._on_score_failed(rid, why)
        # the first clause is the reason; what follows is advice for whoever trains experts
        self.feedback.emit("", f"Moves are not scored in this round: {why.split(';')[0]}.")

    def _on_summary(self, rid: int, result) -> None:
        if rid != self._summary_id:
            return
        self.benchmarks = dict(result)
        self.benchmarksReady.emit(self.benchmarks)
        self._maybe_complete()

    # -- records ---------------------------------------------------------------------
    def _store(self, step: TickStep, score, think: float | None) -> None:
        if self.store is not None and self.round_id is not None:
            self._write(self.store.record_decision, self.round_id, step.state.tick, step.decision, score,
                        think_seconds=think)

    def _write(self, method, *args, **kwargs) -> bool:
        """Do one store write after any that are waiting; True when all are in."""
        self.unsaved.append((method, args, kwargs))
        return self.retry_unsaved()

    def retry_unsaved(self) -> bool:
        while self.unsaved:
            method, args, kwargs = self.unsaved[0]
            try:
                method(*args, **kwargs)
            except StoreError as e:
                self.saveProblem.emit(f"{e} -- {len(self.unsaved)} change(s) kept and retried "
                                      "at the next tick; keep the app open")
                return False
            self.unsaved.pop(0)
        return True

    def _maybe_complete(self) -> None:
        waiting_summary = self.engine is not None and self.benchmarks is None
        if self._closed or not self.model.done or self.outstanding or waiting_summary:
            return
        self._finish()

    def _finish(self) -> None:
        self._closed = True
        if self.store is not None and self.round_id is not None:
            optimum = (self.benchmarks or {}).get("optimum")
            if self.model.done:
                self._write(self.store.finish_round, self.round_id, optimum)
        self.completed.emit()

    def close(self) -> None:
        """Leaving the round: scores still being worked out are dropped (their
        decisions are already stored, unscored), and close the round (finished if it was played out). An unfinished round
        stays open in the store, so it can be resumed."""
        if self._closed:
            return
        for rid in list(self.outstanding):
            if self.engine is not None:
                self.engine.forget(rid)
        self.outstanding.clear()
        if self.engine is not None and self._summary_id is not None:
            self.engine.forget(self._summary_id)
        if self.engine is not None:
            self.engine.stop_preparing()
        if self.model.done:
            self._finish()
        self._closed = True
        if self.engine is not None:
            for sig, slot in ((self.engine.scoreReady, self._on_score), (self.engine.scoreFailed, self._on_score_failed),
                              (self.engine.summaryReady, self._on_summary), (self.engine.unavailable, self._on_unavailable)):
                sig.disconnect(slot)

    @property
    def pending_scores(self) -> int:
        return len(self.outstanding)
