"""The first screen: who is training, on which scenario, and an unfinished
round from a crash offered for resumption."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from engine.scenario import load_scenario
from gui import theme
from gui.scenario_menu import RESEARCH_SEQUENCE, scenario_menu



def _panel(title: str, subtitle: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("panel")
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(16, 14, 16, 16)
    lay.setSpacing(8)
    t = QLabel(title)
    t.setObjectName("section")
    s = QLabel(subtitle)
    s.setObjectName("muted")
    s.setWordWrap(True)
    lay.addWidget(t)
    lay.addWidget(s)
    return frame, lay


class StartScreen(QWidget):
    startRequested = Signal(str, str)      # trainee name, scenario key
    resumeRequested = Signal(int)          # round id
    discardRequested = Signal(int)         # round id
    traineeChanged = Signal(str)
    scenarioChanged = Signal(str)          # scenario key
    settingsRequested = Signal()
    supervisorRequested = Signal()
    studyRequested = Signal()              # "Join a study" (gui/study_join.py)
    myRoundsRequested = Signal()           # the trainee's rounds, to review (gui/review.py)
    drillRequested = Signal()              # a drill of the trainee's due mistakes (gui/drill.py)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self._unfinished: list = []
        self.records_ready = False  # no round starts before the records are open (or known to be unusable)
        self._history: list = []
        self.accuracies: dict = {}   # round id -> accuracy (engine/accuracy.py)
        root = QVBoxLayout(self)
        root.setContentsMargins(32, 24, 32, 24)
        root.setSpacing(theme.SPACING + 4)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        title = QLabel("Kitchen Coach")
        title.setObjectName("title")
        sub = QLabel("Practise running a kitchen, one tick at a time, and see how an expert would have played.")
        sub.setObjectName("subtitle")
        sub.setWordWrap(True)  # beside three buttons it would be cut at 1024 px wide
        titles.addWidget(title)
        titles.addWidget(sub)
        self.condition = QLabel()  # the tip condition, set by the supervisor or locked by a study
        self.condition.setObjectName("muted")
        titles.addWidget(self.condition)
        head.addLayout(titles, 1)
        # the supervisor's door sits beside Settings: out of a trainee's way, behind a password
        self.supervisor_button = QPushButton("Supervisor…")
        self.supervisor_button.setToolTip("The supervisor's desk: trainees' progress, replays, reports, fixed tips "
                                          "(asks for the supervisor's password)")
        self.supervisor_button.clicked.connect(self.supervisorRequested)
        self.study_button = QPushButton("Join a study…")
        self.study_button.setToolTip("Take part in a researcher's study with the code you were given")
        self.study_button.clicked.connect(self.studyRequested)
        head.addWidget(self.study_button, 0, Qt.AlignTop)
        head.addWidget(self.supervisor_button, 0, Qt.AlignTop)
        settings = QPushButton("Settings…")
        settings.clicked.connect(self.settingsRequested)
        head.addWidget(settings, 0, Qt.AlignTop)
        root.addLayout(head)

        self.resume_box = QFrame()
        self.resume_box.setObjectName("panel")
        self.resume_box.setStyleSheet("QFrame#panel { background: #fff4e6; border: 1px solid #ffc078; }")
        rb = QHBoxLayout(self.resume_box)
        rb.setContentsMargins(16, 10, 16, 10)
        self.resume_label = QLabel()
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton("Resume round")
        self.resume_button.setObjectName("primary")
        self.discard_button = QPushButton("Discard")
        self.resume_button.clicked.connect(lambda: self._unfinished and self.resumeRequested.emit(self._unfinished[-1].id))
        self.discard_button.clicked.connect(lambda: self._unfinished and self.discardRequested.emit(self._unfinished[-1].id))
        rb.addWidget(self.resume_label, 1)
        rb.addWidget(self.discard_button)
        rb.addWidget(self.resume_button)
        self.resume_box.hide()
        root.addWidget(self.resume_box)

        cols = QHBoxLayout()
        cols.setSpacing(theme.SPACING + 4)
        people, pl = _panel("1. Who is training?", "Choose your profile, or type your name to create one.")
        self.people = QListWidget()
        self.people.currentTextChanged.connect(self._person_changed)
        pl.addWidget(self.people, 1)
        add_row = QHBoxLayout()
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("New trainee's name")
        self.new_name.returnPressed.connect(self._add_person)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self._add_person)
        add_row.addWidget(self.new_name, 1)
        add_row.addWidget(self.add_button)
        pl.addLayout(add_row)
        cols.addWidget(people, 1)

        scen, sl = _panel("2. Choose a scenario", "The research sequence comes first: play it in order.")
        self.scenarios = QListWidget()
        self.scenarios.itemActivated.connect(lambda _: self._start())  # Enter or double click
        sl.addWidget(self.scenarios, 1)
        cols.addWidget(scen, 1)

        go, gl = _panel("3. Play", "Each tick, drag open tasks onto idle workers (or use the keyboard), "
                                   "then end the tick before the clock runs out.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        gl.addWidget(self.summary, 1)
        self.start_button = QPushButton("Start round")
        self.start_button.setObjectName("primary")
        self.start_button.setMinimumHeight(40)
        self.start_button.clicked.connect(self._start)
        gl.addWidget(self.start_button)
        learn = QHBoxLayout()
        self.my_rounds_button = QPushButton("My rounds…")
        self.my_rounds_button.setToolTip("Review your rounds move by move and retry your mistakes")
        self.my_rounds_button.clicked.connect(self.myRoundsRequested)
        self.drill_button = QPushButton("Drill my mistakes")
        self.drill_button.setToolTip("Your own mistakes and blunders, brought back on a spaced-repetition schedule")
        self.drill_button.clicked.connect(self.drillRequested)
        learn.addWidget(self.my_rounds_button)
        learn.addWidget(self.drill_button)
        gl.addLayout(learn)
        cols.addWidget(go, 1)
        root.addLayout(cols, 1)
        self.status = QLabel()
        self.status.setObjectName("muted")
        root.addWidget(self.status)
        self.scenarios.currentItemChanged.connect(self._scenario_changed)
        self._fill_scenarios()

    def _header(self, text: str) -> None:
        header = QListWidgetItem(text)
        header.setFlags(Qt.NoItemFlags)
        f = header.font()
        f.setBold(True)
        header.setFont(f)
        self.scenarios.addItem(header)

    def _fill_scenarios(self) -> None:
        self.scenarios.clear()
        step = 0
        shown_more = False
        self._header("Research sequence")
        for key, name, in_seq in scenario_menu():
            if in_seq:
                step += 1
                text = f"    {step}. {name}"
            else:
                if not shown_more:
                    self._header("More scenarios")
                    shown_more = True
                text = f"    {name}"
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, key)
            self.scenarios.addItem(item)
        self.select_scenario(RESEARCH_SEQUENCE[0])

    # -- what the window fills in ---------------------------------------------
    def set_people(self, names: list[str], current: str | None = None) -> None:
        self.people.blockSignals(True)
        self.people.clear()
        self.people.addItems(names)
        self.people.blockSignals(False)
        if current in names:
            self.people.setCurrentRow(names.index(current))
        elif names:
            self.people.setCurrentRow(0)
        self.refresh_summary()

    def set_unfinished(self, rounds: list) -> None:
        """RoundInfo rows of the current trainee's unfinished rounds (the last one is offered)."""
        self._unfinished = list(rounds)
        if not rounds:
            self.resume_box.hide()
            return
        r = rounds[-1]
        more = f" ({len(rounds) - 1} older unfinished round{'s' if len(rounds) > 2 else ''} too)" if len(rounds) > 1 else ""
        self.resume_label.setText(f"<b>An unfinished round was found.</b> {r.scenario_name}, "
                                  f"{r.decisions} decision{'s' if r.decisions != 1 else ''} made, "
                                  f"started {r.started_at:%d %b %H:%M}.{more} Carry on where you left off?")
        self.resume_box.show()

    def set_due(self, n: int) -> None:
        """How many of the trainee's queued mistakes are due for a drill."""
        self.drill_button.setText(f"Drill my mistakes ({n} due)" if n else "Drill my mistakes")

    def set_history(self, rounds: list, accuracies: dict | None = None) -> None:
        """RoundInfo rows of the current trainee, for their record on each scenario."""
        self._history = list(rounds)
        self.accuracies = dict(accuracies or {})
        self.refresh_summary()

    def _record_on(self, sc) -> str:
        done = [r for r in self._history if r.finished and r.scenario == sc.key and r.value is not None]
        if not done:
            return "<p><i>You have not played this scenario yet.</i></p>"
        pick = max if sc.higher_is_better else min
        unit = sc.unit
        last, best = done[-1].value, pick(r.value for r in done)
        acc = [a for a in (self.accuracies.get(r.id) for r in done[-5:]) if a is not None]
        trend = f" Accuracy, last rounds: {' → '.join(f'{a:.0f}' for a in acc)}." if acc else ""
        return (f"<p><b>Your record:</b> {len(done)} round{'s' if len(done) != 1 else ''}, "
                f"best {best:g} {unit}, last {last:g} {unit}.{trend}</p>")

    def select_scenario(self, key: str) -> None:
        for i in range(self.scenarios.count()):
            if self.scenarios.item(i).data(Qt.UserRole) == key:
                self.scenarios.setCurrentRow(i)
                return

    def current_person(self) -> str | None:
        item = self.people.currentItem()
        return item.text() if item else None

    def current_scenario(self) -> str | None:
        item = self.scenarios.currentItem()
        return item.data(Qt.UserRole) if item else None

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def set_condition(self, words: str) -> None:
        self.condition.setText(f"Tips: {words}")

    # -- reactions ---------------------------------------------------------------
    def _add_person(self) -> None:
        name = self.new_name.text().strip()
        if not name:
            self.show_status("Type a name first.")
            return
        self.new_name.clear()
        names = [self.people.item(i).text() for i in range(self.people.count())]
        if name not in names:
            names = sorted(names + [name], key=str.lower)
        self.set_people(names, name)
        self.traineeChanged.emit(name)

    def _scenario_changed(self, *_) -> None:
        self.refresh_summary()
        if self.current_scenario():
            self.scenarioChanged.emit(self.current_scenario())

    def _person_changed(self, name: str) -> None:
        self.refresh_summary()
        if name:
            self.traineeChanged.emit(name)

    def refresh_summary(self) -> None:
        key = self.current_scenario()
        person = self.current_person()
        self.start_button.setEnabled(bool(key and person) and self.records_ready)
        if not key:
            self.summary.setText("")
            return
        sc = load_scenario(key)
        workers = ", ".join(w.label for w in sc.workers)
        dishes = sorted({o.dish for o in sc.orders}) or sorted({a.dish for a in sc.arrivals})
        goal = "Serve every order in as few turns as you can." if sc.objective == "makespan" else \
            "Earn points for every dish served; waiting orders cost points."
        self.summary.setText(
            f"<p style='font-size:13pt'><b>{sc.name}</b></p>"
            f"<p>{goal}</p><p><b>Workers:</b> {workers}</p>"
            f"<p><b>Orders:</b> {len(sc.orders) or 'random'} ({', '.join(dishes)}), at most {sc.ticks} ticks.</p>"
            + ("<p>Work times are shown on the board.</p>" if sc.show_durations else
               "<p>Work times are hidden: learn who is quick at what.</p>")
            + (f"<p><b>Trainee:</b> {person}</p>{self._record_on(sc)}" if person else
               "<p><i>Choose or add a trainee first.</i></p>"))

    def _start(self) -> None:
        person, key = self.current_person(), self.current_scenario()
        if not person:
            self.show_status("Choose or add a trainee first.")
            return
        if key:
            self.startRequested.emit(person, key)
