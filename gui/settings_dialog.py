"""Settings: seconds per tick (or untimed), the experimental condition, and
where the records database lives.

The condition belongs to the supervisor: changing it needs the supervisor
password of the records database in use (engine/records/access.py's gate:
open while the database has no supervisor), and during a study it is locked
by the study (gui/study_mode.py)."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from gui.file_dialog import save_file_name
from gui.settings import CONDITIONS, Settings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, db_in_use: str, db_locked_by: str | None, parent=None,
                 store=None):
        """`store`: the records whose supervisor may change the condition
        (default: the parent window's); None: nobody can check a password."""
        super().__init__(parent)
        self.store = store if store is not None else getattr(parent, "store", None)
        self._condition = settings.condition
        study = getattr(parent, "study", None)
        self.setWindowTitle("Kitchen Coach · Settings")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.setSpacing(10)

        self.use_scenario = QCheckBox("Use each scenario's own time")
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(0, 600)
        self.seconds.setDecimals(0)
        self.seconds.setSuffix(" s per tick")
        self.seconds.setSpecialValueText("Untimed")
        timing = QWidget()
        tl = QHBoxLayout(timing)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.use_scenario)
        tl.addWidget(self.seconds)
        self.use_scenario.toggled.connect(lambda on: self.seconds.setEnabled(not on))
        self.use_scenario.setChecked(settings.seconds_per_tick is None)
        self.seconds.setValue(settings.seconds_per_tick if settings.seconds_per_tick is not None else 4)
        self.seconds.setEnabled(settings.seconds_per_tick is not None)
        form.addRow("Time per tick", timing)

        self.condition = QComboBox()
        for key, label in CONDITIONS.items():
            self.condition.addItem(label, key)
        self.condition.setCurrentIndex(list(CONDITIONS).index(settings.condition))
        form.addRow("Experimental condition", self.condition)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText("needed to change the condition")
        self.password_label = QLabel("Supervisor password")
        form.addRow(self.password_label, self.password)
        self.condition_note = QLabel()
        self.condition_note.setObjectName("muted")
        self.condition_note.setWordWrap(True)
        form.addRow("", self.condition_note)
        if study is not None:
            self.condition.setEnabled(False)
            self.condition_note.setText(f"Locked while the study “{study.study.name}” is under way: the study "
                                        "sets its participant's tips. This setting applies again after it.")
        elif self.store is not None and not _has_supervisor(self.store):
            self.condition_note.setText("Only a supervisor should change this. This database has no supervisor "
                                        "yet (set one up under Supervisor…), so no password is asked.")
        self.condition.currentIndexChanged.connect(self._condition_changed)
        self._condition_changed()

        self._db_in_use = db_in_use
        self.database = QLineEdit(settings.database)
        self.database.setPlaceholderText("default: " + db_in_use)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        db = QWidget()
        dl = QHBoxLayout(db)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.database, 1)
        dl.addWidget(browse)
        form.addRow("Database", db)
        lay.addLayout(form)
        if db_locked_by:
            note = QLabel(f"The database in use is set by {db_locked_by}, which wins over this setting.")
            note.setObjectName("muted")
            note.setWordWrap(True)
            lay.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        # start where the records are: the typed file, else the one in use, not the app's working folder
        in_use = self._db_in_use.removeprefix("sqlite:///") if self._db_in_use.startswith("sqlite:///") else ""
        path = save_file_name(self, "Records database", self.database.text().strip() or in_use or "records.db",
                              "SQLite database (*.db *.sqlite);;All files (*)", confirm_overwrite=False)
        if path:
            self.database.setText(path)

    def _condition_changed(self, *_) -> None:
        ask = self.condition.currentData() != self._condition and self._needs_password()
        self.password_label.setVisible(ask)
        self.password.setVisible(ask)

    def _needs_password(self) -> bool:
        return self.store is None or _has_supervisor(self.store)

    def try_accept(self) -> None:
        """Save, unless the condition changed without the supervisor's password."""
        if self.condition.currentData() != self._condition and self._needs_password():
            from engine.records.access import supervisor_gate
            from engine.records.store import StoreError

            if self.store is None:
                return self._refuse("The records database is not open, so no supervisor can approve a new "
                                    "condition.")
            try:
                supervisor_gate(self.store, self.password.text(), "changing the condition")
            except StoreError:
                self.password.clear()
                return self._refuse("Wrong password: the condition was not changed.")
        self.accept()

    def _refuse(self, text: str) -> None:
        self.condition_note.setStyleSheet("color: #a61e1e;")
        self.condition_note.setText(text)
        self.password.setFocus()
        self.adjustSize()  # room for the message's lines

    def result_settings(self) -> Settings:
        return Settings(seconds_per_tick=None if self.use_scenario.isChecked() else float(self.seconds.value()),
                        condition=self.condition.currentData(),
                        database=self.database.text().strip())


def _has_supervisor(store) -> bool:
    from engine.records.models import SUPERVISOR

    return any(p.has_password for p in store.people(SUPERVISOR))
