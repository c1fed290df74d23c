"""The trainee's window: start screen, round, summary, settings. It owns the
engine thread and the records store and moves between the screens; the
screens themselves only show things and emit what the trainee asked for."""
from __future__ import annotations

import secrets
import threading
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget

from engine.scenario import load_scenario
from gui.engine_thread import EngineClient, shipped_scorer
from gui.settings import Settings, database_url, load_settings, save_settings
from gui.scenario_menu import RESEARCH_SEQUENCE, next_in_sequence
from gui.start_screen import StartScreen
from gui.theme import STYLE_SHEET

APP_TITLE = "Kitchen Coach"


class _StoreOpener(QObject):
    """Imports SQLAlchemy and opens the store off the GUI thread, so the first
    window appears at once; `opened` arrives on the GUI thread."""
    opened = Signal(object, str)   # store or None, error text

    def open(self, url: str | None) -> None:
        def work():
            try:
                from engine.records.store import open_store
                self.opened.emit(open_store(url), "")
            except Exception as e:  # StoreError and friends: one line for the trainee
                self.opened.emit(None, str(e).splitlines()[0] if str(e) else type(e).__name__)
        threading.Thread(target=work, name="kitchen-coach store", daemon=True).start()


# how often an idle app looks whether its database's log is still the one on disk
LOG_CHECK_MS = 2000


class MainWindow(QMainWindow):
    storeReady = Signal()
    storeNotice = Signal(str)  # from any thread that commits; shown on the GUI thread

    def __init__(self, db: str | None = None, settings_path: Path | None = None,
                 scorer_factory=shipped_scorer, seed: int | None = None):
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.setStyleSheet(STYLE_SHEET)
        self.resize(1280, 800)
        self.setMinimumSize(1000, 680)  # a 1024x700 laptop screen (issue 15); the board scrolls
        self.cli_db = db
        self.settings_path = settings_path
        self.settings: Settings = load_settings(settings_path)
        self.fixed_seed = seed
        self.store = None
        self.store_error = ""
        self.engine = EngineClient(scorer_factory, self)
        self.engine.ready.connect(lambda _: self._expert_status("Expert ready"))
        self.engine.unavailable.connect(lambda why: self._expert_status("Expert unavailable"))
        self.loaded_scenario = None
        from gui.background import Background
        self.background = Background(self)
        self.background.finished.connect(self._tips_ready)
        self._tips_job = None
        self._adherence_job = None
        self.training_sessions: dict[str, object] = {}
        self.session = None
        self.trainee: str | None = None
        self.scenario_key: str | None = None

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.start_screen = StartScreen()
        self.stack.addWidget(self.start_screen)
        self._round_screen = None
        self._summary_screen = None
        self.start_screen.startRequested.connect(self.start_round)
        self.start_screen.resumeRequested.connect(self.resume_round)
        self.start_screen.discardRequested.connect(self.discard_round)
        self.start_screen.traineeChanged.connect(self._trainee_changed)
        self.start_screen.settingsRequested.connect(self.open_settings)
        self.start_screen.supervisorRequested.connect(self.open_supervisor)
        self._desk = None
        from gui.learning import Learning  # review, retry, the mistake queue and drills (issue 15)
        self.learning = Learning(self, scorer_factory)
        self.start_screen.myRoundsRequested.connect(self.learning.my_rounds)
        self.start_screen.drillRequested.connect(self.learning.drill)
        self.start_screen.scenarioChanged.connect(self._preload_expert)
        from gui.study_mode import StudyMode  # "Join a study": consent, a locked condition and sequence
        self.study_mode = StudyMode(self)
        self.start_screen.show_status("Opening your records…")
        self._opener = _StoreOpener(self)
        self._opener.opened.connect(self._store_opened)
        self._opener.open(database_url(self.cli_db, self.settings))
        self.storeNotice.connect(self._store_notice)
        # commits check the log themselves; this catches a deletion while nothing is
        # written, before the next commit has to be rescued (engine/records/wal_watch.py)
        self._log_check = QTimer(self)
        self._log_check.setInterval(LOG_CHECK_MS)
        self._log_check.timeout.connect(lambda: self.store is not None and self.store.check_log())
        self._log_check.start()

    # -- screens built on first use (keeps start-up quick) ----------------------------
    @property
    def round_screen(self):
        if self._round_screen is None:
            from gui.round_screen import RoundScreen
            self._round_screen = RoundScreen()
            self._round_screen.roundOver.connect(self._show_summary)
            self._round_screen.leaveRequested.connect(self.leave_round)
            self.stack.addWidget(self._round_screen)
        return self._round_screen

    @property
    def summary_screen(self):
        if self._summary_screen is None:
            from gui.summary_screen import SummaryScreen
            self._summary_screen = SummaryScreen()
            self._summary_screen.nextRequested.connect(self._next_round)
            self._summary_screen.againRequested.connect(lambda: self.start_round(self.trainee, self.scenario_key))
            self._summary_screen.reviewRequested.connect(lambda: self.learning.open_review(self.session.round_id))
            self._summary_screen.retryRequested.connect(lambda tick: self.learning.retry(self.session.round_id, tick))
            self._summary_screen.backRequested.connect(self.show_start)
            self.stack.addWidget(self._summary_screen)
        return self._summary_screen

    # -- records ----------------------------------------------------------------------
    def _store_opened(self, store, error: str) -> None:
        if self._desk is not None and self._desk.store is not store:
            self._desk.close()  # it reads the store about to be closed
            self._desk = None
        if self.store is not None:
            self.store.close()
        self.store, self.store_error = store, error
        if store is not None:
            store.on_notice = self.storeNotice.emit
        self.training_sessions = {}
        self.start_screen.records_ready = True
        if store is None:
            self.start_screen.show_status(f"Your rounds will not be saved: {error}")
            QMessageBox.warning(self, APP_TITLE, f"The records database could not be opened:\n{error}\n\n"
                                "You can still play; rounds will not be saved. Choose another database in Settings.")
        else:
            from engine.records.models import TRAINEE
            names = [p.name for p in self.store.people(TRAINEE)]
            self.start_screen.set_people(names, self.trainee)
            self.start_screen.show_status(f"Records: {store.url}")
            self._trainee_changed(self.start_screen.current_person() or "")
        self.start_screen.refresh_summary()
        if self.start_screen.current_scenario():
            self._preload_expert(self.start_screen.current_scenario())
        self.storeReady.emit()

    def _store_notice(self, message: str) -> None:
        self.start_screen.show_status(f"Records: {message}")
        self.statusBar().showMessage(message)

    def _trainee_changed(self, name: str) -> None:
        self.trainee = name or None
        person = self.store.find_person(name) if self.store is not None and name else None
        if person is None:
            self.start_screen.set_unfinished([])
            self.start_screen.set_history([])
            return
        self.start_screen.set_unfinished(self.store.unfinished_rounds(person))
        history = self.store.history(person)
        self.start_screen.set_history(history, self.store.round_accuracies(person))
        self.start_screen.set_due(self.learning.due_count(name))
        finished = {r.scenario for r in history if r.finished}
        self.start_screen.select_scenario(self.scenario_key or next_in_sequence(finished))

    def _training_session(self, name: str):
        if name not in self.training_sessions:
            person = self.store.person(name)
            self.training_sessions[name] = self.store.start_session(person, self.settings.condition)
        return self.training_sessions[name]

    # -- rounds ------------------------------------------------------------------------
    def _load_expert(self, scenario) -> None:
        if self.loaded_scenario is None or self.loaded_scenario.content_hash != scenario.content_hash:
            self.loaded_scenario = scenario
            self._expert_status("Loading the expert…")
            self.engine.load(scenario)

    def _preload_expert(self, key: str) -> None:
        """Load the expert of the scenario on show while the trainee is still choosing, so
        torch is in memory before the first tick (after the records: one import at a time)."""
        if self.start_screen.records_ready:
            self._load_expert(load_scenario(key))

    def _expert_status(self, text: str) -> None:
        if self._round_screen is not None:
            self._round_screen.set_expert_status(text, self.engine.failure or "")
        self._expert_text = text

    def start_round(self, trainee: str, key: str) -> None:
        from engine.simulator import Kitchen
        from gui.round_model import RoundModel

        scenario = load_scenario(key)
        seed = self.fixed_seed if self.fixed_seed is not None else (secrets.randbelow(2**31) if scenario.stochastic else 0)
        round_id = None
        if self.store is not None:
            from engine.records.store import StoreError
            try:
                round_id = self.store.start_round(self._training_session(trainee), scenario, seed)
            except StoreError as e:  # e.g. the supervisor's name typed as a trainee's
                self.start_screen.show_status(str(e))
                return
        model = RoundModel(Kitchen(scenario, seed))
        model.skip_dead_ticks()
        self._play(trainee, key, scenario, model, round_id)

    def resume_round(self, round_id: int) -> None:
        from gui.feedback import ScoredTick
        from gui.round_model import RoundModel

        kitchen, state = self.store.resume(round_id)
        record = self.store.load_round(round_id)
        states = self.store.replay(round_id)
        model = RoundModel(kitchen, state)
        scenario = kitchen.scenario
        key = record.info.scenario
        self._play(self.trainee or record.info.person, key, scenario, model, round_id)
        for d in record.decisions:
            if d.score and d.tick < len(states):
                self.session.scored.append(ScoredTick(states[d.tick], d.decision, _stored_score(d)))

    def discard_round(self, round_id: int) -> None:
        if self.store is not None:
            self.store.close_round(round_id)
            self._trainee_changed(self.trainee or "")

    def _play(self, trainee: str, key: str, scenario, model, round_id) -> None:
        from gui.round_session import RoundSession

        if self.session is not None:
            self.session.close()
        self.trainee, self.scenario_key = trainee, key
        self._load_expert(scenario)
        self.session = RoundSession(model, self.engine, self.store, round_id)
        self.session.saveProblem.connect(self._store_notice)
        screen = self.round_screen
        screen.start(self.session, self.settings.tick_seconds(scenario), trainee, [], "Working out your tips…")
        self._expert_status(getattr(self, "_expert_text", ""))
        self._request_tips(trainee, scenario)
        self.stack.setCurrentWidget(screen)
        if model.done:
            screen.roundOver.emit()

    def _request_tips(self, trainee: str, scenario, panel=None) -> None:
        """Tips for the round screen (recorded with the round) or, after a round, for the summary."""
        from gui.tips_source import compute_tips

        if self._tips_job is not None:
            self.background.forget(self._tips_job[0])
        job = self.background.submit(compute_tips, self.store, trainee, scenario, self.study_mode.condition())
        self._tips_job = (job, panel)

    def _request_adherence(self) -> None:
        """How this round's tips were followed, for the summary (decided in tips/adherence.py)."""
        from gui.tips_source import compute_adherence

        self._adherence_job = self.background.submit(compute_adherence, self.store, self.session.round_id)

    def _tips_ready(self, job: int, result, error: str) -> None:
        if job == self._adherence_job:
            self._adherence_job = None
            self.summary_screen.show_adherence(result or [])
            return
        if self._tips_job is None or job != self._tips_job[0]:
            return
        panel = self._tips_job[1] or self.round_screen.tips
        self._tips_job = None
        tips, empty = result if result is not None else ([], f"Tips could not be worked out: {error}")
        panel.show_tips(tips, empty)
        if panel is self.round_screen.tips and self.session is not None:
            self.session.record_tips(tips)

    def _next_key(self) -> str:
        if self.study_mode.active():
            return self.study_mode.next_key()
        key = self.scenario_key
        if key in RESEARCH_SEQUENCE and key != RESEARCH_SEQUENCE[-1]:
            return RESEARCH_SEQUENCE[RESEARCH_SEQUENCE.index(key) + 1]
        return key

    def _show_summary(self) -> None:
        nxt = self._next_key()
        name = load_scenario(nxt).name if nxt != self.scenario_key else None
        self.summary_screen.show_session(self.session, self.trainee or "", name)
        self.stack.setCurrentWidget(self.summary_screen)
        panel = self.summary_screen.tips
        panel.show_tips([], "Working out your tips for the next round…")
        self.session.completed.connect(
            lambda: self._request_tips(self.trainee, self.session.model.kitchen.scenario, panel))
        self.session.completed.connect(self._request_adherence)
        rid = self.session.round_id
        self.session.completed.connect(lambda: self.learning.round_completed(rid))
        if self.session._closed:
            self._request_tips(self.trainee, self.session.model.kitchen.scenario, panel)
            self._request_adherence()
            self.learning.round_completed(rid)

    def _next_round(self) -> None:
        self.start_round(self.trainee, self._next_key())

    def leave_round(self) -> None:
        """Back to the start; an unfinished round stays open in the records, offered for resumption."""
        if self.session is not None:
            self.session.close()
            self.session = None
        self.show_start()

    def show_start(self) -> None:
        if self._round_screen is not None:
            self._round_screen.stop()
        self._trainee_changed(self.trainee or "")
        self.stack.setCurrentWidget(self.start_screen)

    # -- the supervisor's desk -------------------------------------------------------------
    def open_supervisor(self):
        """The desk, after the supervisor's password (asked by the login dialog); None if refused or cancelled."""
        if self.store is None:
            self.start_screen.show_status("The supervisor's desk needs the records database: "
                                          + (self.store_error or "it is still opening."))
            return None
        if self._desk is not None and self._desk.store is self.store and self._desk.isVisible():
            self._desk.raise_()
            self._desk.activateWindow()
            return self._desk
        from gui.supervisor.window import open_desk

        self._desk = open_desk(self.store, self)
        return self._desk

    # -- settings ------------------------------------------------------------------------
    def open_settings(self) -> None:
        import os
        from gui.settings_dialog import SettingsDialog

        locked = "--db" if self.cli_db else ("KITCHEN_COACH_DB" if os.environ.get("KITCHEN_COACH_DB") else None)
        dialog = SettingsDialog(self.settings, self.store.url if self.store else "the default file", locked, self)
        if dialog.exec():
            old_db = database_url(self.cli_db, self.settings)
            self.settings = dialog.result_settings()
            save_settings(self.settings, self.settings_path)
            self.training_sessions = {}  # a new condition starts a new sitting
            if database_url(self.cli_db, self.settings) != old_db:
                self.start_screen.records_ready = False
                self.start_screen.refresh_summary()
                self.start_screen.show_status("Opening your records…")
                self._opener.open(database_url(self.cli_db, self.settings))

    def closeEvent(self, e):
        if self._desk is not None:
            self._desk.close()  # waits for a report export, which reads the store closed below
        if self.session is not None:
            self.session.close()
            if not self.session.retry_unsaved() and not self._confirm_losing(len(self.session.unsaved)):
                e.ignore()  # stay open: the trainee can free the disk or the lock and close again
                return
        if self._round_screen is not None:
            self._round_screen.stop()
        self.engine.shutdown()
        self.background.shutdown()
        super().closeEvent(e)

    def _confirm_losing(self, n: int) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.warning(
            self, "Not saved", f"{n} change(s) of this round could not be saved to the records database "
            "(see the status line). Quit anyway and lose them, or stay and try again?",
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Retry)
        return answer == QMessageBox.StandardButton.Discard


def _stored_score(d) -> SimpleNamespace:
    """A stored MoveScore dict, readable like a MoveScore by the summary."""
    s = dict(d.score or {})
    return SimpleNamespace(verdict=d.verdict or s.get("verdict", "good"), regret=d.regret or 0.0,
                           expert_decision={int(w): int(j) for w, j in dict(s.get("expert_decision") or {}).items()},
                           per_worker={int(w): r for w, r in dict(s.get("per_worker") or {}).items()
                                       if str(w).lstrip("-").isdigit()},
                           better_than_expert=bool(s.get("better_than_expert", False)))
