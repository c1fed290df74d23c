"""A drill session: the trainee's own due mistakes, one position after
another (gui/retry.py's panel), each answer moving the position on the
spaced-repetition schedule (engine/records/drills.py). Opt-in: it runs only
when the trainee opens it, and "fresh positions" (another round's mistake
of the same rule) are served only when ticked."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


class DrillDialog(QDialog):
    finishedDrill = Signal(int, int)    # right, answered

    def __init__(self, store, person, make_panel, parent=None):
        """`make_panel(item)` -> a RetryPanel for a queued mistake (gui/learning.py builds it)."""
        super().__init__(parent)
        self.store, self.person, self.make_panel = store, person, make_panel
        self.setWindowTitle(f"Kitchen Coach · drill: {person.name}'s mistakes")
        self.resize(1180, 780)
        self.items: list = []
        self.position = -1
        self.right = self.answered = 0
        self.panel = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 14, 18, 14)
        self.status = QLabel()
        self.status.setObjectName("section")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
        lay.addWidget(self.status)
        opts = QHBoxLayout()
        self.fresh = QCheckBox("Also fresh positions of the same rule from other rounds")
        self.fresh.setToolTip("Other rounds' mistakes of the same tip rule, so the pattern is drilled, not one puzzle")
        opts.addWidget(self.fresh)
        opts.addStretch(1)
        self.start_button = QPushButton("Start drill")
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start)
        opts.addWidget(self.start_button)
        lay.addLayout(opts)
        self.area = QVBoxLayout()
        self.placeholder = QWidget()   # holds the room a position takes, before the first and after the last
        self.area.addWidget(self.placeholder, 1)
        lay.addLayout(self.area, 1)
        bottom = QHBoxLayout()
        self.score = QLabel()
        self.score.setObjectName("muted")
        bottom.addWidget(self.score, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        self.next_button = QPushButton("Next position ▶")
        self.next_button.setObjectName("primary")
        self.next_button.setEnabled(False)
        self.next_button.clicked.connect(self.next_position)
        bottom.addWidget(close)
        bottom.addWidget(self.next_button)
        lay.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        due = self.store.due_mistakes(self.person)
        queued = len(self.store.mistakes(self.person))
        if self.position < 0:
            self.status.setText(f"{len(due)} position{'s' if len(due) != 1 else ''} due of the {queued} "
                                "mistakes in your queue. A right answer brings a position back later and "
                                "later; a wrong one keeps it due." if queued else
                                "Your queue is empty: mistakes and blunders from your rounds come here.")
            self.start_button.setEnabled(bool(due))

    def start(self) -> None:
        due = self.store.due_mistakes(self.person)
        items = list(due)
        if self.fresh.isChecked():
            seen = {(m.round_id, m.tick) for m in items}
            for m in due:
                for f in self.store.fresh_positions(self.person, m.rule, limit=1, exclude_round=m.round_id):
                    if (f.round_id, f.tick) not in seen:
                        seen.add((f.round_id, f.tick))
                        items.append(f)
        self.items, self.position = items, -1
        self.start_button.setEnabled(False)
        self.fresh.setEnabled(False)
        self.next_position()

    def next_position(self) -> None:
        if self.panel is not None:
            self.panel.forget()
            self.panel.setParent(None)
            self.panel.deleteLater()
            self.panel = None
        self.position += 1
        self.next_button.setEnabled(False)
        if self.position >= len(self.items):
            self.placeholder.show()
            self.status.setText(f"Drill done: {self.right} of {self.answered} right. "
                                f"{len(self.store.due_mistakes(self.person))} position(s) still due.")
            self.finishedDrill.emit(self.right, self.answered)
            return
        item = self.items[self.position]
        mine = item.person == self.person.name
        self.status.setText(f"Position {self.position + 1} of {len(self.items)} · {item.scenario_name}"
                            + ("" if mine else f" · a fresh position from another round ({item.rule_text})"))
        self.placeholder.hide()
        self.panel = self.make_panel(item)
        self.panel.answered.connect(lambda ok, regret, item=item: self._answered(item, ok, regret))
        self.area.addWidget(self.panel, 1)
        self.panel.board.setFocus(Qt.OtherFocusReason)

    def _answered(self, item, correct: bool, regret: float) -> None:
        self.store.answer_mistake(item.id, self.person, correct, regret)
        self.answered += 1
        self.right += bool(correct)
        self.score.setText(f"{self.right} of {self.answered} right so far")
        self.next_button.setEnabled(True)
        self.next_button.setText("Next position ▶" if self.position + 1 < len(self.items) else "Finish")

    def done(self, r):
        if self.panel is not None:
            self.panel.forget()
        super().done(r)
