"""The trainee app's entry point: `kitchen-coach` with no subcommand.

Only Qt and the start screen load here; torch and the expert load on the
engine thread, SQLAlchemy on a short-lived thread, so the window is usable
at once."""
from __future__ import annotations

import sys


def make_app():
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
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
