"""Shared by the GUI tests: a quick, deterministic stand-in for MoveScorer,
constructed drag-and-drop events, and the app window on a fresh database."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import pytest

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from engine.policies import dispatch_policy
from engine.simulator import IDLE
from gui.board.cards import task_mime


@dataclass
class FakeScore:
    expert_decision: dict
    regret: float
    verdict: str
    per_worker: dict = field(default_factory=dict)
    better_than_expert: bool = False
    value: float = 0.0
    expert_value: float = 0.0
    optimal_regret: float | None = None

    def to_dict(self):
        return asdict(self)


class FakeScorer:
    """The dispatch rule plays the expert; each worker whose choice differs costs one turn."""
    expert = staticmethod(dispatch_policy)

    def __init__(self, scenario=None):
        self.calls = 0

    def score(self, kitchen, state, decision):
        self.calls += 1
        expert = dispatch_policy(kitchen, state)
        differ = [w for w in kitchen.idle_workers(state) if decision.get(w, IDLE) != expert.get(w, IDLE)]
        regret = float(len(differ))
        verdict = "best" if not differ else ("mistake" if len(differ) == 1 else "blunder")
        return FakeScore(dict(expert), regret, verdict, {w: 1.0 for w in differ})


def drop(widget, task: int) -> None:
    """A drop of `task` on `widget`, as Qt delivers it at the end of a drag."""
    mime = task_mime(task)  # held here: the events do not keep it alive
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    enter = QDragEnterEvent(centre.toPoint(), Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, enter)
    event = QDropEvent(centre, Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, event)


def open_main_window(qtbot, tmp_path, seconds_per_tick=None):
    """The app on a fresh database in tmp_path, shown, with its records open.
    seconds_per_tick None = the scenario's own clock; 0 = untimed."""
    from gui.main_window import MainWindow

    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"seconds_per_tick": seconds_per_tick, "condition": "none"}))
    w = MainWindow(db=f"sqlite:///{tmp_path / 'records.db'}", settings_path=settings, scorer_factory=FakeScorer)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.store is not None, timeout=10000)
    return w


@pytest.fixture
def window(qtbot, tmp_path):
    """An untimed app on a fresh database (a fixture: import it into a test module)."""
    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)
    yield w
    w.close()
