"""A study run in the trainee app: after "Join a study" (gui/study_join.py)
the participant's condition and scenario sequence are locked: each round is
the next of the study's plan, tips follow the participant's condition (none
in the post-test round), "Play again" and the other scenarios are out of
reach, and the start screen says where they are in the study.

`StudyMode` sits beside the main window and drives it through its own
methods (start_round, resume_round, show_start); the window asks it only for
the tip condition and the next scenario. It also keeps the participants'
codes off the start screen's trainee list: a code is what lets someone in,
so it is never shown to the next person at the seat."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from gui.settings import CONDITIONS
from gui.study_join import JoinStudyDialog, StudyBanner, plan_words, scenario_name


class StudyRun:
    """One participant's run: where they are in the plan (`place`, from 0)."""

    def __init__(self, store, participant, place: int):
        self.store, self.participant, self.place = store, participant, place
        self.study = participant.study

    @property
    def code(self) -> str:
        return self.participant.code

    def done(self) -> bool:
        return self.place >= len(self.study.plan)

    def key(self) -> str | None:
        """The scenario of the round being played or next to play; None when done."""
        return None if self.done() else self.study.plan[self.place]

    def post_test(self) -> bool:
        return self.place >= len(self.study.sequence)

    def tip_condition(self) -> str:
        return "none" if self.post_test() else self.participant.condition

    def words(self) -> str:
        n = len(self.study.plan)
        if self.done():
            return f"Study “{self.study.name}”: you have played all {n} rounds. Thank you for taking part!"
        what = "the last round, without tips" if self.post_test() else f"round {self.place + 1} of {n}"
        # no code here: whoever sits down next must not read it off the screen
        return (f"<b>Study “{self.study.name}”</b> under way · next: {what}, {scenario_name(self.key())}. "
                "The participant carries on with their code.")


class StudyMode(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        window.study = None
        screen = window.start_screen
        self.banner = StudyBanner()
        screen.layout().insertWidget(1, self.banner)
        self.banner.carryOnRequested.connect(self.join)  # the code again: the seat may have changed hands
        self.banner.leaveRequested.connect(self.leave)
        screen.studyRequested.connect(self.join)
        # after the window's own handlers (connected first): the settings were saved,
        # the store was opened, the trainee changed
        screen.settingsRequested.connect(self._settings_closed)
        screen.traineeChanged.connect(self._trainee_changed)
        window.storeReady.connect(self._store_ready)
        self._connected = False
        self.show_condition()

    # -- what the window asks ------------------------------------------------------
    def condition(self) -> str:
        """The tip condition of the round about to be played."""
        return self.w.study.tip_condition() if self.active() else self.w.settings.condition

    def active(self) -> bool:
        """Whether the rounds now played are the study's: a study is under way and
        its participant is the one playing (someone else at the seat plays as usual)."""
        return self.w.study is not None and self.w.trainee == self.w.study.code

    def next_key(self) -> str:
        return self.w.study.key() or self.w.scenario_key

    # -- joining and running -------------------------------------------------------------
    def join(self) -> JoinStudyDialog | None:
        if self.w.store is None:
            self.w.start_screen.show_status("Joining a study needs the records database: "
                                            + (self.w.store_error or "it is still opening."))
            return None
        dialog = JoinStudyDialog(self.w.store, self.w)
        self.dialog = dialog
        if dialog.exec() and dialog.participant is not None:
            self.begin(dialog.participant)
        return dialog

    def begin(self, participant) -> None:
        store = self.w.store
        progress = store.progress(participant)
        self.w.study = StudyRun(store, participant, progress.finished)
        self.w.trainee = participant.code
        self._ensure_session()
        if not self._connected:
            self.w.round_screen.roundOver.connect(self._round_over)  # after the window's summary
            self.w.summary_screen.backRequested.connect(self._back_at_start)
            self.w.round_screen.leaveRequested.connect(self._back_at_start)
            self._connected = True
        self.carry_on()

    def _ensure_session(self) -> None:
        run = self.w.study
        if run is not None and run.code not in self.w.training_sessions:
            self.w.training_sessions[run.code] = self.w.store.study_session(run.participant)

    def carry_on(self) -> None:
        run = self.w.study
        if run is None:
            return
        if run.done():
            self._finish()
            return
        self._ensure_session()
        person = self.w.store.find_person(run.code)
        open_rounds = [r for r in self.w.store.unfinished_rounds(person) if r.scenario == run.key()]
        if open_rounds:
            self.w.trainee = run.code
            self.w.resume_round(open_rounds[-1].id)
        else:
            self.w.start_round(run.code, run.key())

    def _round_over(self) -> None:
        run = self.w.study
        if not self.active():
            return
        run.place += 1
        # the row's place follows once the round is stored as finished (the session completes it)
        store, participant, session = self.w.store, run.participant, self.w.session
        if session._closed:
            store.note_progress(participant)
        else:
            session.completed.connect(lambda: store.note_progress(participant))
        summary = self.w.summary_screen
        summary.again_button.hide()
        if hasattr(summary, "review_button"):
            summary.review_button.hide()
        # no retries either: the study's arms differ in their tips only (the costly list is
        # rebuilt as scores arrive, so its Retry buttons are hidden after each rebuild)
        hide_retries = lambda *_: [b.hide() for b in getattr(summary, "retry_buttons", [])]  # noqa: E731
        hide_retries()
        session.scoredTick.connect(hide_retries)
        session.benchmarksReady.connect(hide_retries)
        if run.done():
            summary.next_button.hide()
            summary.subtitle.setText(f"Participant {run.code} · that was the last round of the study. "
                                     "Thank you for taking part!")
        else:
            what = "Last round, without tips" if run.post_test() else f"Round {run.place + 1} of {len(run.study.plan)}"
            summary.next_button.setText(f"{what}: {scenario_name(run.key())}")
            summary.next_button.show()
            summary.subtitle.setText(f"Participant {run.code} · study “{run.study.name}”")
            if run.key() != self.w.scenario_key:
                # "Tips for your next round" are the next scenario's, asked after the window's own request
                # for this round's scenario (the later request replaces it)
                self._tips_for(run.key(), session)

    def _tips_for(self, key: str, session) -> None:
        from engine.scenario import load_scenario

        scenario, panel = load_scenario(key), self.w.summary_screen.tips
        ask = lambda: self.w._request_tips(self.w.trainee, scenario, panel)  # noqa: E731
        if session._closed:
            ask()
        else:
            session.completed.connect(ask)

    def _back_at_start(self) -> None:
        run = self.w.study
        if run is not None and run.done():
            self._finish()
            return
        if run is not None:
            # the start screen is the seat's again: Start round plays as whoever is chosen there,
            # and the participant carries on from the banner
            self.w.trainee = self.w.start_screen.current_person()
            self.w._trainee_changed(self.w.trainee or "")
        self.show_condition()

    def _finish(self) -> None:
        run = self.w.study
        self.w.study = None
        self.banner.show_text(run.words(), buttons=False)
        self._leave_participant()

    def leave(self) -> None:
        run = self.w.study
        if run is None:
            return
        answer = QMessageBox.question(
            self.w, "Leave the study", "Leave the study now? Your rounds so far are kept under your code; "
            "you cannot carry on later with it.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.w.store.drop_out(run.participant)
        self.w.study = None
        self.banner.hide()
        self._leave_participant()
        self.w.start_screen.show_status("You left the study. Thank you for your time.")

    def _leave_participant(self) -> None:
        """Back to the people at the seat: the code's rounds are not offered to them."""
        self.w.trainee = self.w.start_screen.current_person()
        self.w.show_start()
        self.show_condition()

    # -- the start screen ------------------------------------------------------------------
    def show_condition(self) -> None:
        run = self.w.study
        screen = self.w.start_screen
        if run is not None:
            self.banner.show_text(run.words(), buttons=True)
        if self.active():
            screen.set_unfinished([])   # the banner's Carry on resumes the study's own round
            # participants are not told their arm: the study sets it
            screen.set_condition(f"set by the study “{run.study.name}” for its participant")
        else:
            screen.set_condition(CONDITIONS.get(self.w.settings.condition, self.w.settings.condition))

    def _settings_closed(self) -> None:
        self._ensure_session()  # saving the settings starts new sittings; the study keeps its own
        self.show_condition()

    def _trainee_changed(self, name: str) -> None:
        # someone else chosen at the seat plays as usual; the study waits behind its banner's Carry on
        if self.w.study is None:
            self.banner.hide()   # a finished participant's thank-you is not for the next person
        self.show_condition()

    def _store_ready(self) -> None:
        store = self.w.store
        if store is None:
            return
        if self.w.study is not None and self.w.study.store is not store:
            self.w.study = None  # another database: the study run belonged to the old one
            self.banner.hide()
        codes = store.study_codes()
        if codes:
            from engine.records.models import TRAINEE
            names = [p.name for p in store.people(TRAINEE) if p.name not in codes]
            current = self.w.trainee if self.w.trainee in names else None
            self.w.start_screen.set_people(names, current)
        self.show_condition()


__all__ = ["StudyMode", "StudyRun", "plan_words"]
