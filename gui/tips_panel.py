"""The tips panel: this trainee's current tips, each naming the decisions it is
about. Tips come from the `tips` package; while it offers none for the app,
or tips are off in this experimental condition, the panel says so plainly."""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from gui import theme


@dataclass(frozen=True)
class TipView:
    text: str
    about: list[str] = field(default_factory=list)   # the trainee's decisions it is about, in words
    rule: str = ""


def current_tips(store, person: str | None, scenario, condition: str) -> tuple[list[TipView], str]:
    """(tips, empty-state message). The tips package provides
    `tips.coach.tips_for(store, person, scenario, condition)`; any object with
    `.text` and optionally `.about` and `.rule` will do."""
    if condition == "none":
        return [], "Tips are switched off in this experimental condition."
    if importlib.util.find_spec("tips") is None or importlib.util.find_spec("tips.coach") is None:
        return [], "No tips yet: the tips module is not installed in this version."
    coach = importlib.import_module("tips.coach")
    try:
        raw = coach.tips_for(store, person, scenario, condition)
    except Exception as e:  # tips are advice; a failure must not stop the round
        return [], f"Tips could not be loaded ({type(e).__name__})."
    tips = [TipView(str(getattr(t, "text", t)), [str(a) for a in getattr(t, "about", []) or []],
                    str(getattr(t, "rule", ""))) for t in raw or ()]
    return tips, "" if tips else "No tips for you yet: play a round and they will appear here."


class TipsPanel(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("panel")
        self.setMinimumWidth(260)
        self.setMaximumWidth(340)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 12, 14, 12)
        lay.setSpacing(8)
        title = QLabel("Tips for you")
        title.setObjectName("section")
        lay.addWidget(title)
        self.body = QWidget()
        self.body_lay = QVBoxLayout(self.body)
        self.body_lay.setContentsMargins(0, 0, 0, 0)
        self.body_lay.setSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(self.body)
        lay.addWidget(scroll, 1)
        self.tips: list[TipView] = []
        self.empty_text = ""
        self.show_tips([], "No tips yet.")

    def show_tips(self, tips: list[TipView], empty: str = "") -> None:
        self.tips, self.empty_text = list(tips), empty
        while self.body_lay.count():
            item = self.body_lay.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if not tips:
            label = QLabel(empty)
            label.setObjectName("muted")
            label.setWordWrap(True)
            self.body_lay.addWidget(label)
        for i, tip in enumerate(tips, 1):
            card = QFrame()
            card.setStyleSheet(f"background: {theme.PAPER}; border-radius: 6px;")
            cl = QVBoxLayout(card)
            cl.setContentsMargins(10, 8, 10, 8)
            text = QLabel(f"<b>{i}.</b> {tip.text}")
            text.setWordWrap(True)
            cl.addWidget(text)
            if tip.about:
                about = QLabel("About your moves: " + "; ".join(tip.about))
                about.setObjectName("muted")
                about.setWordWrap(True)
                cl.addWidget(about)
            self.body_lay.addWidget(card)
        self.body_lay.addStretch(1)
