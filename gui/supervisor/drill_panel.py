"""The desk's view of a trainee's drills (issue 15): how many of their own
mistakes are queued and due, how many they have learnt (right twice in a
row), and their answers per tip rule, read from the records
(`Store.drill_summary`, engine/records/drills.py)."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)


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
        self.words.setText(self.summary.words())
        self.table.setRowCount(len(self.summary.by_rule))
        for row, (rule, answers, right) in enumerate(self.summary.by_rule):
            for c, text in enumerate((rule, str(answers), str(right))):
                self.table.setItem(row, c, QTableWidgetItem(text))
