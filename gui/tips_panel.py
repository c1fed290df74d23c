"""The tips panel: this trainee's current tips, each naming the decisions it is
about (see `gui.tips_source`); with none, it says plainly why."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from gui import theme
from gui.tips_source import TipView


class TipsPanel(QFrame):
    def __init__(self, parent=None, title: str = "Tips for you"):
        super().__init__(parent)
        self.setObjectName("panel")
        self.setMinimumWidth(240)
        self.setMaximumWidth(340)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 12, 14, 12)
        lay.setSpacing(8)
        heading = QLabel(title)
        heading.setObjectName("section")
        lay.addWidget(heading)
        self.body = QWidget()
        self.body.setObjectName("tipsBody")
        self.body.setStyleSheet(f"#tipsBody {{ background: {theme.CARD}; }}")
        self.body_lay = QVBoxLayout(self.body)
        self.body_lay.setContentsMargins(0, 0, 0, 0)
        self.body_lay.setSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(self.body)
        scroll.setStyleSheet(f"QScrollArea {{ background: {theme.CARD}; border: none; }}")
        lay.addWidget(scroll, 1)
        self.tips: list[TipView] = []
        self.empty_text = ""
        self.show_tips([], "Working out your tips…")

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
