"""The replay viewer: a stored round, tick by tick, as chess trainers replay a
game. One current-tick index drives every view: the read-only board (the
trainee's own board widget), the list of decisions and the evaluation graph
(cumulative regret, costly decisions marked). Buttons, the arrow keys, the
slider, play/pause, a row of the list, a click on the graph and "next
mistake" all just set the index.

One widget for both readers: the supervisor's desk (a tab per round) and the
trainee's own review after a round (`trainee=True`: "Your choice", and a
"Retry this tick" button on a mistake or a blunder, which only asks;
gui/review.py restores the position)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSlider, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.records import replay as rp
from gui import theme
from gui.board import BoardView, shown_tick

# Glyphs the bundled fonts draw (DejaVu has no U+23F8 "pause": it showed as an empty box)
PLAY, PAUSE = "▶ Play", "▮▮ Pause"

COSTLY = ("inaccuracy", "mistake", "blunder")
RETRYABLE = ("mistake", "blunder")
PLAY_MS = 700


def _regret_text(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}".rstrip("0").rstrip(".")


class ReplayViewer(QWidget):
    indexChanged = Signal(int)
    retryRequested = Signal(int)   # tick (trainee's review only)

    def __init__(self, store, round_id: int, parent=None, trainee: bool = False):
        super().__init__(parent)
        from engine.accuracy import record_accuracy

        self.trainee_view = trainee
        self.setObjectName("page")
        self.record = store.load_round(round_id)
        self.kitchen = store.kitchen(round_id)
        self.states = store.replay(round_id)
        self.decisions = {d.tick: d for d in self.record.decisions}
        self.index = 0
        info = self.record.info
        self.unit = self.kitchen.scenario.unit
        self.setFocusPolicy(Qt.StrongFocus)

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.setSpacing(8)
        outcome = f"{info.value:g} {self.unit}" if info.value is not None else "unfinished"
        self.accuracy = record_accuracy(self.record)
        accuracy = "" if self.accuracy is None else f" · accuracy {self.accuracy:.0f}"
        title = QLabel(f"{info.person} · {info.scenario_name} · seed {info.seed} · round {info.id} · {outcome}{accuracy}")
        title.setObjectName("section")
        root.addWidget(title)

        split = QSplitter(Qt.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        show = QHBoxLayout()
        self.show_trainee = QPushButton("Your choice" if trainee else "Trainee's choice")
        self.show_expert = QPushButton("Expert's choice")
        group = QButtonGroup(self)
        for b in (self.show_trainee, self.show_expert):
            b.setCheckable(True)
            b.setMinimumWidth(140)  # room for the bolder checked text
            b.setFocusPolicy(Qt.NoFocus)
            group.addButton(b)
            show.addWidget(b)
        self.show_trainee.setChecked(True)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        show.addWidget(self.caption, 1)
        ll.addLayout(show)
        self.board = BoardView(read_only=True)
        self.board.setFocusPolicy(Qt.NoFocus)
        self.board.set_kitchen(self.kitchen)
        ll.addWidget(self.board, 1)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(len(self.record.decisions), 5)
        self.table.setHorizontalHeaderLabels(["tick", "you" if trainee else "trainee", "expert", "regret", "verdict"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setFocusPolicy(Qt.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.row_of_tick: dict[int, int] = {}
        for row, d in enumerate(self.record.decisions):
            self.row_of_tick[d.tick] = row
            cells = [str(shown_tick(d.tick)), rp.describe(d.named),
                     rp.describe(d.expert_decision) if d.expert_decision is not None else "–",
                     _regret_text(d.regret), d.verdict or "unscored"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c in (0, 3):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if c == 4 and d.verdict in theme.VERDICT_COLOUR:
                    item.setForeground(QColor(theme.VERDICT_COLOUR[d.verdict]))
                self.table.setItem(row, c, item)
        self.table.itemSelectionChanged.connect(self._row_selected)
        rl.addWidget(self.table, 3)
        self.graph = pg.PlotWidget(background="w")
        self.graph.setMinimumHeight(200)
        rl.addWidget(self.graph, 2)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 500])
        root.addWidget(split, 1)
        self._build_graph()

        bar = QHBoxLayout()
        self.first_button = QPushButton("⇤ First")
        self.prev_button = QPushButton("◀ Back")
        self.play_button = QPushButton(PLAY)
        self.next_button = QPushButton("Forward ▶")
        self.last_button = QPushButton("Last ⇥")
        self.prev_mistake_button = QPushButton("◀ Mistake")
        self.prev_mistake_button.setToolTip("The previous costly decision (P)")
        self.next_mistake_button = QPushButton("Next mistake ▶")
        self.next_mistake_button.setToolTip("The next costly decision: inaccuracy, mistake or blunder (N)")
        for b, slot in ((self.first_button, lambda: self.set_index(0)), (self.prev_button, self.step_back),
                        (self.play_button, self.toggle_play), (self.next_button, self.step_forward),
                        (self.last_button, lambda: self.set_index(len(self.states) - 1)),
                        (self.prev_mistake_button, self.previous_mistake),
                        (self.next_mistake_button, self.next_mistake)):
            b.setFocusPolicy(Qt.NoFocus)
            b.clicked.connect(slot)
            bar.addWidget(b)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, len(self.states) - 1)
        self.slider.setFocusPolicy(Qt.NoFocus)
        self.slider.valueChanged.connect(self.set_index)
        bar.addWidget(self.slider, 1)
        self.position = QLabel()
        self.position.setMinimumWidth(140)
        bar.addWidget(self.position)
        root.addLayout(bar)
        self.retry_button = QPushButton("Retry this tick")
        self.retry_button.setObjectName("primary")
        self.retry_button.setToolTip("Play this position again with the expert's answer hidden (R)")
        self.retry_button.setFocusPolicy(Qt.NoFocus)
        self.retry_button.clicked.connect(lambda: self.retryRequested.emit(self.states[self.index].tick))
        show.addWidget(self.retry_button)
        self.retry_button.setVisible(False)
        hint = QLabel("← → step · N / P next / previous mistake · Home / End · Space play/pause"
                      + (" · R retry a mistake" if trainee else "") + " · click the graph or a decision to jump")
        hint.setObjectName("muted")
        root.addWidget(hint)

        self.timer = QTimer(self, interval=PLAY_MS)
        self.timer.timeout.connect(self._tick_timer)
        self.keys = {Qt.Key_Left: self.step_back, Qt.Key_Right: self.step_forward,
                     Qt.Key_Home: lambda: self.set_index(0),
                     Qt.Key_End: lambda: self.set_index(len(self.states) - 1), Qt.Key_Space: self.toggle_play,
                     Qt.Key_N: self.next_mistake, Qt.Key_P: self.previous_mistake,
                     Qt.Key_R: lambda: self.retry_button.isVisible() and self.retry_button.click()}
        for b in (self.show_trainee, self.show_expert):
            b.toggled.connect(lambda _: self.set_index(self.index, force=True))
        self.set_index(0, force=True)

    # -- the evaluation graph ----------------------------------------------------
    def _build_graph(self) -> None:
        p = self.graph.getPlotItem()
        p.setTitle("Cumulative regret · click to jump", color=theme.INK, size="10pt")
        p.setLabel("left", f"regret ({self.unit})")
        p.setLabel("bottom", "tick")
        p.getViewBox().setMouseEnabled(x=False, y=False)
        p.hideButtons()
        n = len(self.states)
        per_tick = np.zeros(n)
        for d in self.record.decisions:
            if d.tick < n and d.regret is not None:
                per_tick[d.tick] = max(0.0, d.regret)
        self.cumulative = np.cumsum(per_tick)
        xs = np.arange(n) + 1.0
        p.plot(xs, self.cumulative, pen=pg.mkPen(theme.ACCENT, width=2), stepMode=None)
        marks = [d for d in self.record.decisions if d.verdict in COSTLY and d.tick < n]
        self.marks = pg.ScatterPlotItem(
            x=[shown_tick(d.tick) for d in marks], y=[self.cumulative[d.tick] for d in marks], size=12,
            brush=[pg.mkBrush(theme.VERDICT_COLOUR[d.verdict]) for d in marks], pen=pg.mkPen("w"),
            data=[d.tick for d in marks], hoverable=True, tip=None)
        self.marks.sigClicked.connect(lambda _, points, __=None: points and self.set_index(int(points[0].data())))
        p.addItem(self.marks)
        self.cursor = pg.InfiniteLine(pos=1, angle=90, pen=pg.mkPen(theme.MUTED, width=1.5, style=Qt.DashLine))
        p.addItem(self.cursor)
        p.setXRange(0.5, n + 0.5, padding=0)
        self.graph.scene().sigMouseClicked.connect(self._graph_clicked)

    def _graph_clicked(self, event) -> None:
        vb = self.graph.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        self.jump_to_x(vb.mapSceneToView(event.scenePos()).x())

    def jump_to_x(self, x: float) -> None:
        """A graph x (1-based tick, as on screen) to the index."""
        self.set_index(int(round(x)) - 1)

    # -- the index ------------------------------------------------------------------
    def set_index(self, i: int, force: bool = False) -> None:
        i = max(0, min(int(i), len(self.states) - 1))
        if i == self.index and not force:
            return
        self.index = i
        state = self.states[i]
        d = self.decisions.get(state.tick)
        expert = self.show_expert.isChecked()
        if d is None:
            shown, caption = {}, "Nothing decided at this tick." if not state.done else "The round is over."
        elif expert and d.expert_decision is not None:
            shown = rp.decode(self.kitchen, d.expert_decision)
            caption = f"Expert: {rp.describe(d.expert_decision)}"
        else:
            shown = dict(d.decision)
            unit = self.unit[:-1] if _regret_text(d.regret) == "1" else self.unit
            verdict = f" · {d.verdict}, regret {_regret_text(d.regret)} {unit}" if d.verdict else ""
            caption = f"{'You' if self.trainee_view else 'Trainee'}: {rp.describe(d.named)}{verdict}"
        self.board.render_state(state, shown)
        self.caption.setText(caption)
        self.slider.blockSignals(True)
        self.slider.setValue(i)
        self.slider.blockSignals(False)
        self.table.blockSignals(True)
        row = self.row_of_tick.get(state.tick)
        if row is None:
            self.table.clearSelection()
        else:
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))
        self.table.blockSignals(False)
        self.cursor.setValue(shown_tick(i))
        self.position.setText(f"tick {shown_tick(i)} of {len(self.states)} played")
        self.prev_button.setEnabled(i > 0)
        self.first_button.setEnabled(i > 0)
        self.next_button.setEnabled(i < len(self.states) - 1)
        self.last_button.setEnabled(i < len(self.states) - 1)
        self.next_mistake_button.setEnabled(any(t > state.tick for t in self.mistake_ticks))
        self.prev_mistake_button.setEnabled(any(t < state.tick for t in self.mistake_ticks))
        self.retry_button.setVisible(self.trainee_view and d is not None and d.verdict in RETRYABLE)
        self.indexChanged.emit(i)

    @property
    def mistake_ticks(self) -> list[int]:
        return [d.tick for d in self.record.decisions if d.verdict in COSTLY and d.tick < len(self.states)]

    def next_mistake(self) -> None:
        later = [t for t in self.mistake_ticks if t > self.states[self.index].tick]
        if later:
            self.set_index(later[0])

    def previous_mistake(self) -> None:
        earlier = [t for t in self.mistake_ticks if t < self.states[self.index].tick]
        if earlier:
            self.set_index(earlier[-1])

    def step_forward(self) -> None:
        self.set_index(self.index + 1)

    def step_back(self) -> None:
        self.set_index(self.index - 1)

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
        else:
            if self.index >= len(self.states) - 1:
                self.set_index(0)
            self.timer.start()
        self.play_button.setText(PAUSE if self.timer.isActive() else PLAY)

    def _tick_timer(self) -> None:
        self.step_forward()
        if self.index >= len(self.states) - 1:
            self.toggle_play()

    def _row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.set_index(self.record.decisions[rows[0].row()].tick)

    def keyPressEvent(self, e):
        action = self.keys.get(e.key())
        if action is None:
            return super().keyPressEvent(e)
        action()

    def hideEvent(self, e):
        self.timer.stop()
        self.play_button.setText(PLAY)
        super().hideEvent(e)
