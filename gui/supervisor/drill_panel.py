"""The desk's view of a trainee's drills (issue 15): how many of their own
mistakes are queued and due, how many they have learnt (right twice in a
row), and their answers per tip rule, read from the records
(`Store.drill_summary`, engine/records/drills.py)."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)


def drill_words(summary) -> str:
    """One sentence for a trainee's drills, as the desk and the report say it."""
    if not summary.queued and not summary.attempts:
        return "No mistakes queued for drills yet."
    rate = "" if summary.rate is None else f" ({summary.rate:.0%} right)"
    last = "" if summary.last_at is None else f", last on {summary.last_at:%d %b %H:%M}"
    return (f"{summary.queued} mistake{'s' if summary.queued != 1 else ''} queued, {summary.due} due now, "
            f"{summary.learnt} learnt (right twice in a row); {summary.attempts} answer"
            f"{'s' if summary.attempts != 1 else ''} given{rate}{last}.")


class DrillPanel(QWidget):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.summary = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 12, 14, 12)
        self.title = QLabel("Drills of their own mistakes")
        self.title.setObjectName("section")
        self.words = QLabel("Pick a trainee.")
        self.words.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.words)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["tip rule", "answers", "right"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        lay.addWidget(self.table, 1)

    def show_person(self, name: str) -> None:
        person = self.store.find_person(name)
        self.title.setText(f"Drills of their own mistakes · {name}")
        if person is None:
            self.summary = None
            self.words.setText("No such trainee.")
            self.table.setRowCount(0)
            return
        self.summary = self.store.drill_summary(person)
        self.words.setText(drill_words(self.summary))
        self.table.setRowCount(len(self.summary.by_rule))
        for row, (rule, answers, right) in enumerate(self.summary.by_rule):
            for c, text in enumerate((rule, str(answers), str(right))):
                self.table.setItem(row, c, QTableWidgetItem(text))
