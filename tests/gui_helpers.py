"""Shared by the GUI tests: a quick, deterministic stand-in for MoveScorer and
constructed drag-and-drop events."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

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
