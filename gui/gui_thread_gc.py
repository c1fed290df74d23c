"""Python's cyclic garbage collection on the GUI thread only.

Automatic collection runs on whichever thread happens to allocate. When that is
a background task (gui/background.py, the engine thread) and the garbage holds
Qt objects, their destructors disconnect signals from the wrong thread while
the GUI thread disconnects others: Qt's connection lock and Python's GIL are
then taken in opposite orders and both threads wait for ever (seen as a hung
desk test; the worker was collecting inside SQLAlchemy). So automatic
collection is turned off and a timer on the GUI thread collects instead,
generation by generation at the usual thresholds. pyqtgraph ships the same
idea (pyqtgraph.util.garbage_collector), but importing it loads all of
pyqtgraph, which the trainee app does not need at start-up.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadGC(QObject):
    def __init__(self, interval_ms: int = 500, parent: QObject | None = None):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):  # the oldest generation due, which collects the younger too
            if counts[generation] > self.threshold[generation] and \
                    all(counts[g] > self.threshold[g] for g in range(generation)):
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Back to automatic collection, after one full collection here."""
        self.timer.stop()
        gc.collect()
        gc.enable()
