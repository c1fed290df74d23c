"""The door to the desk: the supervisor's name and password, checked by the
store (scrypt, constant time). On a database with no supervisor yet, the
first person to open the desk chooses the supervisor's name and password."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from engine.records.access import MIN_PASSWORD_LENGTH
from engine.records.models import SUPERVISOR
from engine.records.store import StoreError


def has_supervisor(store) -> bool:
    return any(p.has_password for p in store.people(SUPERVISOR))


class LoginDialog(QDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setup = not has_supervisor(store)
        self.person = None
        self.password = ""
        self.setWindowTitle("Kitchen Coach · supervisor")
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        intro = QLabel("No supervisor yet: choose the supervisor's name and a password of at least "
                       f"{MIN_PASSWORD_LENGTH} characters. They will be needed to open this desk and to export "
                       "reports." if self.setup else
                       "The supervisor's desk: trainees' rounds, replays, progress and reports.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.pw = QLineEdit()
        self.pw.setEchoMode(QLineEdit.Password)
        form.addRow("Name", self.name)
        if not self.setup:
            from gui.settings import remembered_supervisor
            self.name.setText(remembered_supervisor())
            if self.name.text():
                self.pw.setFocus()
        form.addRow("Password", self.pw)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.Password)
        if self.setup:
            form.addRow("Password again", self.confirm)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #a61e1e;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Create supervisor" if self.setup else "Open the desk")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def try_accept(self) -> None:
        name, pw = self.name.text().strip(), self.pw.text()
        try:
            if self.setup:
                if pw != self.confirm.text():
                    raise StoreError("the two passwords differ")
                # before the person is made: a refused password must not leave a supervisor without one
                if len(pw) < MIN_PASSWORD_LENGTH:
                    raise StoreError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
                person = self.store.person(name, SUPERVISOR)  # refuses a trainee's name
                self.store.set_password(person, pw)
            self.person = self.store.require_supervisor(name, pw)
        except StoreError as e:
            self.error.setText(str(e))
            self.pw.clear()
            self.confirm.clear()
            return
        self.password = pw
        self.accept()
