"""The trainee's review of a stored round, and the list of their rounds.

`ReviewScreen` is a page of the trainee's window around the one replay
widget (gui/replay_view.py, the desk's too): board, decision list with
verdicts, evaluation graph, arrow keys, "next mistake", and "Retry this
tick" on a mistake or a blunder. `MyRoundsDialog` lists the trainee's
rounds with their outcome and accuracy; a double click (or Review) opens one.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from gui.replay_view import ReplayViewer


class ReviewScreen(QWidget):
    backRequested = Signal()
    retryRequested = Signal(int, int)    # round id, tick

    def __init__(self, store, round_id: int, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self.round_id = round_id
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 6, 12, 6)
        lay.setSpacing(2)
        top = QHBoxLayout()
        self.back_button = QPushButton("◀ Back")
        self.back_button.setFocusPolicy(Qt.NoFocus)
        self.back_button.clicked.connect(self.backRequested)
        title = QLabel("Review of your round")
        title.setObjectName("section")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.back_button)
        lay.addLayout(top)
        self.viewer = ReplayViewer(store, round_id, trainee=True)
        self.viewer.retryRequested.connect(lambda tick: self.retryRequested.emit(round_id, tick))
        lay.addWidget(self.viewer, 1)

    def showEvent(self, e):
        super().showEvent(e)
        self.viewer.setFocus()


class MyRoundsDialog(QDialog):
    """The trainee's rounds, newest first, with outcome, accuracy and mistakes."""
    reviewRequested = Signal(int)   # round id

    def __init__(self, store, person, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Kitchen Coach · rounds of {person.name}")
        self.resize(760, 480)
        rounds = [r for r in reversed(store.history(person)) if r.decisions]
        accuracy = store.round_accuracies(person)
        queued = {}
        for m in store.mistakes(person):
            queued[m.round_id] = queued.get(m.round_id, 0) + 1
        lay = QVBoxLayout(self)
        head = QLabel("Your rounds: open one to step through it, see each move's verdict and retry your mistakes.")
        head.setWordWrap(True)
        lay.addWidget(head)
        self.table = QTableWidget(len(rounds), 5)
        self.table.setHorizontalHeaderLabels(["started", "scenario", "outcome", "accuracy", "mistakes"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.round_ids = [r.id for r in rounds]
        for row, r in enumerate(rounds):
            unit = store.kitchen(r.id).scenario.unit
            outcome = "unfinished" if not r.finished else ("–" if r.value is None else f"{r.value:g} {unit}")
            acc = accuracy.get(r.id)
            cells = [f"{r.started_at:%d %b %H:%M}", r.scenario_name, outcome,
                     "–" if acc is None else f"{acc:.0f}", str(queued.get(r.id, 0))]
            for c, text in enumerate(cells):
                self.table.setItem(row, c, QTableWidgetItem(text))
        if rounds:
            self.table.selectRow(0)
        self.table.itemDoubleClicked.connect(lambda _: self._review())
        lay.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.empty = QLabel("" if rounds else "No rounds yet: play one first.")
        self.empty.setObjectName("muted")
        buttons.addWidget(self.empty, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        self.review_button = QPushButton("Review")
        self.review_button.setObjectName("primary")
        self.review_button.setEnabled(bool(rounds))
        self.review_button.clicked.connect(self._review)
        buttons.addWidget(close)
        buttons.addWidget(self.review_button)
        lay.addLayout(buttons)

    def _review(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.reviewRequested.emit(self.round_ids[rows[0].row()])
            self.accept()
