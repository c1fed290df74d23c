"""The trainee app's entry point: `kitchen-coach` with no subcommand.

Only Qt and the start screen load here; torch and the expert load on the
engine thread, SQLAlchemy on a short-lived thread, so the window is usable
at once."""
from __future__ import annotations

import sys

from engine.cli_support import CommandError


class NoDisplay(CommandError):
    """No window can open here (no display, or a library Qt needs is missing)."""


def make_app():
    """The QApplication (the existing one if any). Raises NoDisplay, one line,
    where Qt would abort the process instead."""
    from gui.display import display_problem

    try:
        from PySide6.QtWidgets import QApplication
    except ImportError as e:
        raise CommandError(f"the app needs PySide6, which cannot be loaded: {e}") from None
    app = QApplication.instance()
    if app is None:
        problem = display_problem()
        if problem:
            raise NoDisplay(problem)
        app = QApplication(sys.argv[:1])
    from PySide6.QtGui import QFont

    from gui.gui_thread_gc import GuiThreadGC

    if app.findChild(GuiThreadGC) is None:  # the app, the desk, screenshots: one each
        GuiThreadGC(parent=app)
    app.setApplicationName("Kitchen Coach")
    app.setOrganizationName("kitchen-coach")
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    return app


def run_app(db: str | None = None) -> int:
    app = make_app()
    from gui.main_window import MainWindow

    window = MainWindow(db=db)
    window.show()
    return app.exec()
