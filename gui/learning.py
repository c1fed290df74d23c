"""The trainee's learning loop, glued to the main window: after a round its
mistakes and blunders join the trainee's queue (tagged, on a background
thread, with the tip rule they broke); the review page; "Retry this tick";
"My rounds"; the drill session. The window creates one `Learning` and calls
it; the screens only ask.

Everything slow (CP-SAT for an exact retry verdict, the expert and the mined
rule list for tags) runs on this object's own background thread, so a
retry is never queued behind the tips for the next round."""
from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QObject, Signal

from engine.records import replay as rp
from gui.background import Background
from gui.retry_judge import mistake_tags, shipped_rules


class Learning(QObject):
    queued = Signal(int)       # round id whose mistakes were queued (and tagged, once tags arrive)

    def __init__(self, window, scorer_factory):
        super().__init__(window)
        self.window = window
        self._factory = scorer_factory
        self._scorers: dict = {}              # per scenario, built and used on the background thread only
        self.exact = True                     # exact retry verdicts where the scenario is deterministic
        self.rules = shipped_rules            # scenario -> mined rule list or None (tags and hints)
        self.background = Background(self)
        self.background.finished.connect(self._done)
        self._tag_jobs: dict[int, int] = {}
        self.review = None
        self._review_from = None
        self.dialogs: list = []               # open retry and drill windows (kept alive)

    @property
    def store(self):
        return self.window.store

    def scorer_factory(self, scenario):
        """The scorer for non-exact retry verdicts, loaded once per scenario (on the background thread)."""
        if scenario.content_hash not in self._scorers:
            self._scorers[scenario.content_hash] = self._factory(scenario)
        return self._scorers[scenario.content_hash]

    # -- after a round --------------------------------------------------------------
    def round_completed(self, round_id: int | None) -> None:
        """Queue the round's mistakes now (untagged), then tag them off the GUI thread.
        Also run when a round is reviewed, so rounds stored before the queue existed
        (or played with `kitchen-coach play`) join it then; both steps are idempotent."""
        if self.store is None or round_id is None:
            return
        from engine.records.database import StoreError

        try:
            self.store.queue_mistakes(round_id)
        except StoreError as e:
            self.window.statusBar().showMessage(f"Your mistakes could not be queued for drills: {e}")
            return
        record = self.store.load_round(round_id)
        untagged = [d for d in record.decisions if d.verdict in ("mistake", "blunder")
                    and (self.store.mistake(round_id, d.tick) or SimpleNamespace(rule="x")).rule == ""]
        if not untagged or self.rules is None or round_id in self._tag_jobs.values():
            self.queued.emit(round_id)
            return
        kitchen, states = self.store.kitchen(round_id), self.store.replay(round_id)
        job = self.background.submit(self._tags, kitchen, states, record.decisions)
        self._tag_jobs[job] = round_id

    def _tags(self, kitchen, states, decisions):
        return mistake_tags(self.rules(kitchen.scenario), kitchen, states, decisions)

    def _done(self, job: int, result, error: str) -> None:
        round_id = self._tag_jobs.pop(job, None)
        if round_id is None or self.store is None:
            return
        from engine.records.database import StoreError

        for tick, (worker, rule, text) in (result or {}).items():
            try:
                self.store.tag_mistake(round_id, tick, worker, rule, text)
            except StoreError:
                continue   # the round was removed meanwhile: nothing to tag
        self.queued.emit(round_id)

    # -- the review -------------------------------------------------------------------
    def open_review(self, round_id: int):
        from gui.review import ReviewScreen

        stack = self.window.stack
        self.round_completed(round_id)
        if self.review is not None:
            stack.removeWidget(self.review)
            self.review.deleteLater()
        else:
            self._review_from = stack.currentWidget()
        self.review = ReviewScreen(self.store, round_id)
        self.review.backRequested.connect(self.close_review)
        self.review.retryRequested.connect(self.retry)
        stack.addWidget(self.review)
        stack.setCurrentWidget(self.review)
        return self.review

    def close_review(self) -> None:
        stack = self.window.stack
        back = self._review_from if self._review_from is not None else self.window.start_screen
        stack.setCurrentWidget(back)
        if back is self.window.start_screen:
            self.window.show_start()
        stack.removeWidget(self.review)
        self.review.deleteLater()
        self.review, self._review_from = None, None

    def my_rounds(self):
        from gui.review import MyRoundsDialog

        person = self._person()
        if person is None:
            return None
        dialog = MyRoundsDialog(self.store, person, self.window)
        dialog.reviewRequested.connect(self.open_review)
        dialog.show()
        return dialog

    # -- retry and drill ------------------------------------------------------------------
    def position(self, round_id: int, tick: int, who: str = "You"):
        from gui.retry import Position

        record = self.store.load_round(round_id)
        d = next(x for x in record.decisions if x.tick == tick)
        kitchen, states = self.store.kitchen(round_id), self.store.replay(round_id)
        item = self.store.mistake(round_id, tick)
        return Position(kitchen, states[tick], dict(d.decision), rp.decode(kitchen, d.expert_decision or []),
                        d.verdict or "mistake", float(d.regret or 0.0), item.rule_text if item else "", who), item

    def panel(self, round_id: int, tick: int, who: str = "You", parent=None):
        from gui.retry import RetryPanel

        position, _ = self.position(round_id, tick, who)
        return RetryPanel(position, self.background, self.scorer_factory, self.exact, parent)

    def retry(self, round_id: int, tick: int):
        """'Retry this tick' from the review: the answer moves the queued mistake on its schedule."""
        from gui.retry import RetryDialog

        position, item = self.position(round_id, tick)
        dialog = RetryDialog(position, self.background, self.scorer_factory, self.exact, self.window)
        owner = self.store.find_person(self.store.round_info(round_id).person)
        if item is not None and owner is not None:
            dialog.panel.answered.connect(lambda ok, regret: self._answer(item.id, owner, ok, regret))
        self._keep(dialog)
        return dialog

    def _answer(self, item_id: int, person, correct: bool, regret: float) -> None:
        from engine.records.database import StoreError

        try:
            self.store.answer_mistake(item_id, person, correct, regret)
        except StoreError as e:
            self.window.statusBar().showMessage(f"Your answer could not be saved: {e}")
        self._refresh_due()

    def drill(self):
        from gui.drill import DrillDialog

        person = self._person()
        if person is None:
            return None
        dialog = DrillDialog(self.store, person, lambda item: self.panel(
            item.round_id, item.tick, "You" if item.person == person.name else "A trainee"), self.window)
        dialog.finished.connect(lambda _: self._refresh_due())
        self._keep(dialog)
        return dialog

    def _keep(self, dialog) -> None:
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _: dialog in self.dialogs and self.dialogs.remove(dialog))
        dialog.show()

    def _person(self):
        name = self.window.start_screen.current_person() or self.window.trainee
        person = self.store.find_person(name) if self.store is not None and name else None
        if person is None:
            self.window.start_screen.show_status(
                f"No rounds yet{' for ' + name if name else ''}: play one, and its mistakes come to the review "
                "and the drill." if self.store is not None else "Reviews and drills need the records database.")
        return person

    def _refresh_due(self) -> None:
        """The start screen's "Drill my mistakes (N due)" after answers."""
        self.window.start_screen.set_due(self.due_count(self.window.start_screen.current_person()))

    def due_count(self, name: str | None) -> int:
        person = self.store.find_person(name) if self.store is not None and name else None
        return len(self.store.due_mistakes(person)) if person is not None else 0
