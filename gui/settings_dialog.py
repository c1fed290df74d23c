"""Settings: seconds per tick (or untimed), the experimental condition, and
where the records database lives."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from gui.file_dialog import save_file_name
from gui.settings import CONDITIONS, Settings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, db_in_use: str, db_locked_by: str | None, parent=None):
        super().__init__(parent)
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
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        # start where the records are: the typed file, else the one in use, not the app's working folder
        in_use = self._db_in_use.removeprefix("sqlite:///") if self._db_in_use.startswith("sqlite:///") else ""
        path = save_file_name(self, "Records database", self.database.text().strip() or in_use or "records.db",
                              "SQLite database (*.db *.sqlite);;All files (*)", confirm_overwrite=False)
        if path:
            self.database.setText(path)

    def result_settings(self) -> Settings:
        return Settings(seconds_per_tick=None if self.use_scenario.isChecked() else float(self.seconds.value()),
                        condition=self.condition.currentData(),
                        database=self.database.text().strip())
