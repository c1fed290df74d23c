"""Scoring off the GUI thread.

An `EngineWorker` lives in its own QThread: it loads the expert (torch is
imported there, never on the GUI thread) and answers scoring requests. The
`EngineClient` on the GUI side tags each request with an id and passes on only
answers whose id is still live: leaving a round forgets that round's ids, so
a late answer for an old round is dropped (as a chess GUI drops an engine's
answer for a position no longer on the board). Requests the worker has not
started yet are skipped as soon as they go stale.

While the trainee thinks, the worker prepares the state on the board (as a
chess engine ponders): the expert's side of the next score, which the move
does not change, so the verdict after the move waits only for the move's own
side. A newer board state makes an older preparation stale. The worker never touches
the database; the GUI stores what comes back.
"""
from __future__ import annotations

import itertools
import sys
import traceback
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

# scorer_factory(scenario) -> object with .score(kitchen, state, decision) -> MoveScore
# and, optionally, .expert (a policy) for playing a whole round and
# .prepare(kitchen, state) (the part of scoring that the move does not change).
ScorerFactory = Callable[[Any], Any]


def shipped_scorer(scenario):
    """The bundled expert for this scenario, wrapped in a MoveScorer."""
    from engine.expert.trained import shipped_expert
    from engine.expert.scoring import MoveScorer

    if "torch" in sys.modules:
        # two cores shared with the GUI: one thread keeps the board responsive
        sys.modules["torch"].set_num_threads(1)
    # a deterministic kitchen is searched after a costly-looking move: a second
    # process does that while this one plays the move out (engine/expert/helper.py)
    return MoveScorer(shipped_expert(scenario), helper=not scenario.stochastic)


def round_benchmarks(scenario, kitchen, expert) -> dict:
    """What a finished round is compared with: the expert's round on the same
    seed and the proven optimum, each None when it cannot be had."""
    out: dict = {"expert": None, "optimum": None}
    if expert is not None:
        from engine.policies import play_round
        import numpy as np

        out["expert"] = kitchen.value(play_round(kitchen, expert, np.random.default_rng(kitchen.seed)))
    try:
        from engine.optimum import optimal_value
    except ImportError:
        return out
    if not scenario.stochastic:
        out["optimum"] = optimal_value(scenario)
    return out


class EngineWorker(QObject):
    loaded = Signal(int, str)           # generation, expert description
    loadFailed = Signal(int, str)       # generation, one-line reason
    scored = Signal(int, object)        # request id, MoveScore
    scoreFailed = Signal(int, str)
    summarised = Signal(int, object)    # request id, {"expert", "optimum"}

    def __init__(self, factory: ScorerFactory, is_live: Callable[[int], bool]):
        super().__init__()
        self.factory, self.is_live = factory, is_live
        self.scorer = None
        self.scenario = None

    @Slot(int, object)
    def load(self, generation: int, scenario) -> None:
        self.close_scorer()
        self.scorer, self.scenario = None, scenario
        try:
            self.scorer = self.factory(scenario)
        except Exception as e:  # a missing or broken expert must not take the app down
            self.loadFailed.emit(generation, _one_line(e))
            return
        self.loaded.emit(generation, type(getattr(self.scorer, "expert", self.scorer)).__name__)

    def close_scorer(self) -> None:
        """Stop what the scorer runs beside this thread (its search helper)."""
        close = getattr(self.scorer, "close", None)
        if close is not None:
            close()

    @Slot(int, object, object, object)
    def score(self, request_id: int, kitchen, state, decision) -> None:
        if not self.is_live(request_id):
            return
        if self.scorer is None:
            self.scoreFailed.emit(request_id, "no expert is loaded")
            return
        try:
            result = self.scorer.score(kitchen, state, decision)
        except Exception as e:
            traceback.print_exc()
            self.scoreFailed.emit(request_id, _one_line(e))
            return
        self.scored.emit(request_id, result)

    @Slot(int, object, object)
    def prepare(self, request_id: int, kitchen, state) -> None:
        prepare = getattr(self.scorer, "prepare", None)
        if prepare is None or not self.is_live(request_id):
            return
        try:
            prepare(kitchen, state)
        except Exception:
            # nothing is lost: the score at this state does the same work and
            # reports what goes wrong
            traceback.print_exc()

    @Slot(int, object)
    def summarise(self, request_id: int, kitchen) -> None:
        if not self.is_live(request_id):
            return
        try:
            result = round_benchmarks(kitchen.scenario, kitchen, getattr(self.scorer, "expert", None))
        except Exception as e:
            traceback.print_exc()
            result = {"expert": None, "optimum": None, "error": _one_line(e)}
        self.summarised.emit(request_id, result)


class EngineClient(QObject):
    """The GUI side. Signals carry only answers that are still wanted."""
    ready = Signal(str)                # expert loaded
    unavailable = Signal(str)          # no expert: why
    scoreReady = Signal(int, object)   # request id, MoveScore
    scoreFailed = Signal(int, str)
    summaryReady = Signal(int, object)

    _load = Signal(int, object)
    _score = Signal(int, object, object, object)
    _prepare = Signal(int, object, object)
    _summarise = Signal(int, object)

    def __init__(self, factory: ScorerFactory = shipped_scorer, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._live: set[int] = set()
        self.generation = 0
        self.dropped = 0      # stale answers thrown away (for tests and the curious)
        self.expert_ready = False
        self.failure: str | None = None   # why no expert could be loaded
        self._preparing: int | None = None  # the live preparation's id
        self.engine_thread = QThread()
        self.engine_thread.setObjectName("kitchen-coach engine")
        self.worker = EngineWorker(factory, self._live.__contains__)
        self.worker.moveToThread(self.engine_thread)
        self._load.connect(self.worker.load)
        self._score.connect(self.worker.score)
        self._prepare.connect(self.worker.prepare)
        self._summarise.connect(self.worker.summarise)
        self.worker.loaded.connect(self._on_loaded)
        self.worker.loadFailed.connect(self._on_load_failed)
        self.worker.scored.connect(self._on_scored)
        self.worker.scoreFailed.connect(self._on_score_failed)
        self.worker.summarised.connect(self._on_summarised)
        self.engine_thread.start()
        app = QCoreApplication.instance()
        if app is not None:
            # a QThread destroyed while running aborts the process: stop it before Qt tears down
            app.aboutToQuit.connect(self.shutdown)

    def load(self, scenario) -> None:
        """Load the expert for a scenario. Requests made before are answered first, by
        the expert they were made for (the worker takes its queue in order); whoever no
        longer wants them calls `forget`."""
        self.generation += 1
        self.expert_ready, self.failure = False, None
        self._load.emit(self.generation, scenario)

    def request(self, kitchen, state, decision) -> int:
        rid = next(self._ids)
        self._live.add(rid)
        self._score.emit(rid, kitchen, state, dict(decision))
        return rid

    def prepare(self, kitchen, state) -> None:
        """Let the engine prepare scores at `state` (the board's state, while
        the trainee thinks); an earlier preparation not yet started is dropped.
        Nothing comes back: the next `request` at this state is answered sooner."""
        self.stop_preparing()
        self._preparing = rid = next(self._ids)
        self._live.add(rid)
        self._prepare.emit(rid, kitchen, state)

    def stop_preparing(self) -> None:
        if self._preparing is not None:
            self._live.discard(self._preparing)
            self._preparing = None

    def request_summary(self, kitchen) -> int:
        rid = next(self._ids)
        self._live.add(rid)
        self._summarise.emit(rid, kitchen)
        return rid

    def forget_all(self) -> None:
        self._live.clear()

    def forget(self, rid: int) -> None:
        """No answer is wanted any more; if the work has not started, it never will."""
        self._live.discard(rid)

    def is_live(self, rid: int) -> bool:
        return rid in self._live

    def _take(self, rid: int) -> bool:
        if rid in self._live:
            self._live.discard(rid)
            return True
        self.dropped += 1
        return False

    def _on_loaded(self, generation: int, what: str) -> None:
        if generation == self.generation:
            self.expert_ready = True
            self.ready.emit(what)

    def _on_load_failed(self, generation: int, why: str) -> None:
        if generation == self.generation:
            self.failure = why
            self.unavailable.emit(why)

    def _on_scored(self, rid: int, result) -> None:
        if self._take(rid):
            self.scoreReady.emit(rid, result)

    def _on_score_failed(self, rid: int, why: str) -> None:
        if self._take(rid):
            self.scoreFailed.emit(rid, why)

    def _on_summarised(self, rid: int, result) -> None:
        if self._take(rid):
            self.summaryReady.emit(rid, result)

    def shutdown(self) -> None:
        self.forget_all()
        if self.engine_thread.isRunning():
            self.engine_thread.quit()
            self.engine_thread.wait(5000)
        self.worker.close_scorer()


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__
