"""The supervisor writes the "fixed" condition's tips: a few short texts per
scenario, the same for every trainee (the experiment's control arm). Kept by
tips.fixed for this database; empty fields fall back to the research's
handcrafted tips, shown greyed as placeholders."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout)

from engine.scenario import load_scenario
from gui.start_screen import scenario_menu
from gui.theme import STYLE_SHEET
from tips.fixed import HANDCRAFTED, MAX_TIPS, load_fixed, save_fixed


class FixedTipsEditor(QDialog):
    def __init__(self, db_url: str, parent=None, path=None):
        super().__init__(parent)
        self.db_url, self.path = db_url, path
        self.pending: dict[str, list[str]] = {}   # scenario hash -> edited texts not yet saved
        self.setWindowTitle("Kitchen Coach · fixed tips")
        self.setStyleSheet(STYLE_SHEET)
        self.setMinimumWidth(720)
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        intro = QLabel("<b>Fixed tips</b> are the control condition: every trainee sees the same texts, every "
                       f"round. Write up to {MAX_TIPS} short tips per scenario. Fields left empty mean the "
                       "research's handcrafted tips (shown greyed) are used.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.scenario = QComboBox()
        for key, name, _ in scenario_menu():
            self.scenario.addItem(name, load_scenario(key).content_hash)
        form.addRow("Scenario", self.scenario)
        self.fields = []
        for i in range(MAX_TIPS):
            edit = QLineEdit()
            edit.setMaxLength(300)
            edit.setClearButtonEnabled(True)
            self.fields.append(edit)
            form.addRow(f"Tip {i + 1}", edit)
        lay.addLayout(form)
        self.where = QLabel(f"Kept for the records at {db_url}")
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

    def current_hash(self) -> str:
        return self.scenario.currentData()

    def texts(self) -> list[str]:
        return [f.text().strip() for f in self.fields if f.text().strip()]

    def _switch(self, *_) -> None:
        if self._shown is not None:
            self.pending[self._shown] = self.texts()  # edits survive a look at another scenario
        self._shown = self.current_hash()
        texts = self.pending.get(self._shown, load_fixed(self.db_url, self._shown, self.path))
        for i, edit in enumerate(self.fields):
            edit.setText(texts[i] if i < len(texts) else "")
            edit.setPlaceholderText(HANDCRAFTED[i] if i < len(HANDCRAFTED) and not texts else "")

    def save(self) -> None:
        self.pending[self._shown] = self.texts()
        try:
            for scenario_hash, texts in list(self.pending.items()):
                save_fixed(self.db_url, scenario_hash, texts, self.path)
                del self.pending[scenario_hash]
        except OSError as e:
            self.where.setStyleSheet("color: #a61e1e;")
            self.where.setText(f"The tips were not saved: {e.strerror or e}")
            return
        self.pending.clear()
        self.accept()
