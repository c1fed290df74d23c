"""The supervisor writes the "fixed" condition's tips: up to three short texts
per scenario, the same for every trainee (the experiment's control arm).
Kept in the records database (tips.fixed), so every seat on it shows them;
each field left empty shows that field's handcrafted tip (its placeholder),
and each written one says who wrote it and when."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from engine.scenario import load_scenario
from gui.scenario_menu import scenario_menu
from gui.theme import STYLE_SHEET
from tips.fixed import MAX_TIPS, fields, save_fixed


class FixedTipsEditor(QDialog):
    def __init__(self, store, parent=None, author: str | None = None):
        """`store`: the records store (or its URL, for a caller that has only
        that: the parent's store with that URL is used, else one is opened)."""
        super().__init__(parent)
        self._own_store = None
        if isinstance(store, str):
            held = getattr(parent, "store", None)
            if held is not None and held.url == store:
                store = held
            else:
                from engine.records.store import open_store
                store = self._own_store = open_store(store)
        self.store = store
        self.db_url = store.url
        supervisor = getattr(parent, "supervisor", None)
        self.author = author if author is not None else getattr(supervisor, "name", "") or ""
        self.pending: dict[str, list[str]] = {}   # scenario key -> edited fields not yet saved
        self.setWindowTitle("Kitchen Coach · fixed tips")
        self.setStyleSheet(STYLE_SHEET)
        self.setMinimumWidth(760)
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        intro = QLabel("<b>Fixed tips</b> are the control condition: every trainee sees the same texts, every "
                       f"round. Write up to {MAX_TIPS} short tips per scenario. A field left empty shows the "
                       "handcrafted tip greyed in it.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        self.scenario = QComboBox()
        self._scenarios = {}
        for key, name, _ in scenario_menu():
            self._scenarios[key] = load_scenario(key)
            self.scenario.addItem(name, key)
        form.addRow("Scenario", self.scenario)
        self.fields: list[QLineEdit] = []
        self.notes: list[QLabel] = []
        for i in range(MAX_TIPS):
            edit = QLineEdit()
            edit.setMaxLength(300)
            edit.setClearButtonEnabled(True)
            note = QLabel()
            note.setObjectName("muted")
            box = QWidget()
            bl = QVBoxLayout(box)
            bl.setContentsMargins(0, 0, 0, 0)
            bl.setSpacing(2)
            bl.addWidget(edit)
            bl.addWidget(note)
            self.fields.append(edit)
            self.notes.append(note)
            form.addRow(f"Tip {i + 1}", box)
        lay.addLayout(form)
        self.where = QLabel(f"Kept in the records at {self.db_url}: every seat on this database shows them.")
        self.where.setObjectName("muted")
        self.where.setWordWrap(True)
        lay.addWidget(self.where)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._shown = None
        self.scenario.currentIndexChanged.connect(self._switch)
        self._switch()

    def current_key(self) -> str:
        return self.scenario.currentData()

    def texts(self) -> list[str]:
        """The fields as typed, one per field ("" for an empty one)."""
        return [" ".join(f.text().split()) for f in self.fields]

    def _switch(self, *_) -> None:
        if self._shown is not None:
            self.pending[self._shown] = self.texts()  # edits survive a look at another scenario
        self._shown = self.current_key()
        stored = fields(self.store, self._scenarios[self._shown])
        texts = self.pending.get(self._shown, [f.text or "" for f in stored])
        for edit, note, f, text in zip(self.fields, self.notes, stored, texts):
            edit.setText(text)
            edit.setPlaceholderText(f.handcrafted)
            if f.text:
                by = f" by {f.author}" if f.author else ""
                note.setText(f"Written{by} on {f.written_at:%d %b %Y %H:%M} UTC.")
            else:
                note.setText("Empty: trainees see the handcrafted tip." if f.handcrafted else
                             "Empty: nothing is shown for this field.")

    def save(self) -> None:
        from engine.records.store import StoreError

        self.pending[self._shown] = self.texts()
        try:
            for key, texts in list(self.pending.items()):
                save_fixed(self.store, self._scenarios[key], texts, self.author)
                del self.pending[key]
        except StoreError as e:
            self.where.setStyleSheet("color: #a61e1e;")
            self.where.setText(f"The tips were not saved: {e}")
            return
        self.accept()

    def done(self, result: int) -> None:
        if self._own_store is not None:
            self._own_store.close()
            self._own_store = None
        super().done(result)
