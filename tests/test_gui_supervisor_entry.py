"""The way from the trainee app into the supervisor's desk: the start screen's
"Supervisor…" button asks for the password; only the right one opens the desk."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from gui.supervisor.login import LoginDialog
from gui.supervisor.window import SupervisorWindow
from tests.gui_helpers import open_main_window

PASSWORD = "desk-door-7"


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_main_window(qtbot, tmp_path)
    w.store.set_password(w.store.person("Sam", "supervisor"), PASSWORD)
    w.store.person("Ann")
    yield w
    w.close()


def _at_the_door(attempts, seen):
    """Plays the person at the login dialog once it is up (it runs its own event loop)."""
    def act():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(20, act)
            return
        for name, pw in attempts:
            dialog.name.setText(name)
            dialog.pw.setText(pw)
            dialog.try_accept()
            seen.append((dialog.result(), dialog.error.text()))
        if dialog.isVisible():
            dialog.reject()
    QTimer.singleShot(0, act)


def test_supervisor_button_asks_for_the_password(qtbot, window):
    seen = []
    _at_the_door([("Ann", PASSWORD), ("Sam", "not-it")], seen)
    qtbot.mouseClick(window.start_screen.supervisor_button, Qt.LeftButton)
    assert [r for r, _ in seen] == [0, 0] and all(err for _, err in seen)
    assert window._desk is None  # a trainee without the password stays out

    seen.clear()
    _at_the_door([("Sam", "not-it"), ("Sam", PASSWORD)], seen)
    qtbot.mouseClick(window.start_screen.supervisor_button, Qt.LeftButton)
    assert seen[0][0] == 0 and seen[1][0] == 1
    desk = window._desk
    assert isinstance(desk, SupervisorWindow) and desk.isVisible()
    assert desk.supervisor.name == "Sam" and desk.store is window.store
    assert window.open_supervisor() is desk  # a second click brings the same desk forward
    editor = desk.fixed_tips_editor()  # the desk's "Fixed tips…" edits this database's texts
    assert editor.db_url == window.store.url and desk.fixed_tips_button.isVisibleTo(desk)
    editor.deleteLater()
    desk.close()


def test_desk_needs_the_records(qtbot, window):
    window.store.close()
    window.store, window.store_error = None, "disk full"
    assert window.open_supervisor() is None
    assert "disk full" in window.start_screen.status.text()
