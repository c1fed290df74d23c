"""The board: order cards, worker lanes and the round's counters, drawn from
(Kitchen, State, pending assignments) alone. With `read_only=True` it is a
picture of a moment (the supervisor's replays); otherwise it emits requests
(`assignRequested`, `unassignRequested`, `endTickRequested`) and lets the
round model decide. Keyboard: Tab or arrows select a task, a worker's number
assigns it, Backspace takes back the selected task (or, with none selected,
the last one assigned), Enter ends the tick. Any task not yet started can be
dragged: a drop the rules refuse (a task still waiting, say) is answered with
the round model's reason, and a worker lane lights up under a dragged task."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from engine.simulator import Kitchen, State
from gui import theme
from gui.board.cards import OrderCard, TaskChip, task_from_mime
from gui.board.flow_layout import FlowLayout
from gui.board.lanes import WorkerLane


def shown_tick(t: int) -> int:
    """Ticks are 0-based in the engine and 1-based on screen ("Tick 1 / 23" is the first)."""
    return t + 1


class _OrdersArea(QWidget):
    """Holds the cards; dropping an assigned task back here takes it back."""
    taskDropped = Signal(int)

    def __init__(self):
        super().__init__()
        self.setAcceptDrops(True)
        self.flow = FlowLayout(self, spacing=theme.SPACING)
        self.flow.setContentsMargins(0, 0, 0, 0)

    def dragEnterEvent(self, e):
        if task_from_mime(e.mimeData()) is not None and self.acceptDrops():
            e.acceptProposedAction()

    def dropEvent(self, e):
        task = task_from_mime(e.mimeData())
        if task is not None:
            e.acceptProposedAction()
            self.taskDropped.emit(task)


def _stat(label: str) -> tuple[QWidget, QLabel]:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    value = QLabel("–")
    value.setObjectName("stat")
    name = QLabel(label)
    name.setObjectName("statLabel")
    lay.addWidget(value)
    lay.addWidget(name)
    return box, value


class BoardView(QWidget):
    assignRequested = Signal(int, int)   # task, worker
    unassignRequested = Signal(int)      # task
    clearRequested = Signal()
    endTickRequested = Signal()

    def __init__(self, read_only: bool = False, parent=None):
        super().__init__(parent)
        self.read_only = read_only
        self.kitchen: Kitchen | None = None
        self.state: State | None = None
        self.pending: dict[int, int] = {}
        self.selected: int | None = None
        self.compact = False
        self.chips: dict[int, TaskChip] = {}
        self.cards: list[OrderCard] = []
        self.lanes: list[WorkerLane] = []
        self.setFocusPolicy(Qt.StrongFocus)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(theme.SPACING)
        header = QFrame()
        header.setObjectName("panel")
        h = QHBoxLayout(header)
        h.setContentsMargins(16, 10, 16, 10)
        h.setSpacing(20)
        tick_box, self.tick_label = _stat("current tick")
        score_box, self.score_label = _stat("turns so far")
        self.score_name = score_box.findChildren(QLabel)[1]
        served_box, self.served_label = _stat("dishes served")
        clock = QWidget()
        c = QVBoxLayout(clock)
        c.setContentsMargins(0, 0, 0, 0)
        c.setSpacing(4)
        self.countdown_label = QLabel("untimed")
        self.countdown_label.setObjectName("stat")
        self.countdown = QProgressBar()
        self.countdown.setTextVisible(False)
        self.countdown.setFixedWidth(140)
        c.addWidget(self.countdown_label)
        c.addWidget(self.countdown)
        self.clock = clock
        for w in (tick_box, clock, score_box, served_box):
            h.addWidget(w)
        # room for the widest tick text, so the counter never gets clipped when the window narrows
        self.tick_label.setMinimumWidth(self.tick_label.fontMetrics().horizontalAdvance("Done · 888 turns") + 8)
        h.addStretch(1)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Take back every assignment of this tick (C)")
        self.clear_button.clicked.connect(self.clearRequested)
        self.end_button = QPushButton("End tick  ⏎")
        self.end_button.setToolTip("Start the assigned tasks and let the tick pass (Enter)")
        self.end_button.setObjectName("primary")
        self.end_button.clicked.connect(self.endTickRequested)
        for b in (self.clear_button, self.end_button):
            b.setMinimumWidth(b.sizeHint().width())
            b.setFocusPolicy(Qt.NoFocus)
            b.setVisible(not read_only)
            h.addWidget(b)
        root.addWidget(header)

        orders_title = QLabel("Orders")
        orders_title.setObjectName("section")
        title_row = QHBoxLayout()
        title_row.addWidget(orders_title)
        title_row.addStretch(1)
        for key in ("waiting", "open", "pending", "busy", "done"):
            swatch = QLabel(theme.STATE_WORD[key])
            swatch.setStyleSheet(f"background: {theme.STATE_FILL[key]}; border: 1px solid {theme.STATE_EDGE[key]};"
                                 " border-radius: 4px; padding: 1px 8px; font-size: 9pt;")
            title_row.addWidget(swatch)
        root.addLayout(title_row)
        self.orders_area = _OrdersArea()
        self.orders_area.setAcceptDrops(not read_only)
        self.orders_area.taskDropped.connect(self.unassignRequested)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.orders_area)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(196)
        self.orders_scroll = scroll
        scroll.viewport().setAutoFillBackground(False)
        self.orders_area.setAutoFillBackground(False)
        self.orders_area.setObjectName("ordersArea")
        self.orders_area.setStyleSheet("#ordersArea { background: transparent; }")
        root.addWidget(scroll, 1)

        workers_title = QLabel("Workers")
        workers_title.setObjectName("section")
        root.addWidget(workers_title)
        self.lanes_box = QGridLayout()
        self.lanes_box.setSpacing(8)
        root.addLayout(self.lanes_box)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(30)
        self.message.setStyleSheet("padding: 4px 10px; border-radius: 6px;")
        root.addWidget(self.message)
        self.message.setVisible(not read_only)   # a replay has no hints or refusals to show
        self._message_timer = QTimer(self, singleShot=True, interval=4000)
        self._message_timer.timeout.connect(self._hint)

    # -- building and drawing ---------------------------------------------
    def set_kitchen(self, kitchen: Kitchen) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        for lane in self.lanes:
            lane.setParent(None)
            lane.deleteLater()
        self.kitchen, self.chips, self.cards, self.lanes = kitchen, {}, [], []
        self.selected = None
        for o, order in enumerate(kitchen.orders):
            chips = []
            for j in kitchen.order_tasks[o]:
                t = kitchen.tasks[j]
                chip = TaskChip(j, t.name, t.type)
                chip.clicked.connect(self._chip_clicked)
                self.chips[j] = chip
                chips.append(chip)
            card = OrderCard(o, order.dish, chips)
            self.cards.append(card)
            self.orders_area.flow.addWidget(card)
        show = kitchen.scenario.show_durations
        types = kitchen.scenario.task_types
        # more than three workers: two columns, so the orders keep their room on a laptop screen
        columns = 1 if kitchen.n_workers <= 3 else 2
        rows = -(-kitchen.n_workers // columns)
        for w, worker in enumerate(kitchen.workers):
            durations = " · ".join(f"{t} {worker.durations.get(t, 'never')}" for t in types) if show else None
            lane = WorkerLane(w, worker.name, worker.role, durations)
            lane.setAcceptDrops(not self.read_only)
            lane.dropped.connect(self.assignRequested)
            lane.undoRequested.connect(self.unassignRequested)
            self.lanes.append(lane)
            self.lanes_box.addWidget(lane, w % rows, w // rows)
        self.set_compact(kitchen.n_orders > 6 or kitchen.n_workers > 4)
        makespan = kitchen.scenario.objective == "makespan"
        self.score_name.setText("turns so far" if makespan else "score")
        self.set_countdown(None)

    def set_compact(self, on: bool) -> None:
        """Smaller cards and lanes for a busy kitchen, so it fits a 1024x700 screen."""
        self.compact = on
        for card in self.cards:
            card.set_compact(on)
        for lane in self.lanes:
            lane.set_compact(on)
        self.orders_area.flow.setSpacing(8 if on else theme.SPACING)
        self.orders_scroll.setMinimumHeight(130 if on else 196)

    def render_state(self, state: State, pending: dict[int, int] | None = None) -> None:
        k = self.kitchen
        self.state, self.pending = state, dict(pending or {})
        by_task = {j: w for w, j in self.pending.items()}
        if self.selected is not None and self._selectable(self.selected) is False:
            self.selected = None
        t = state.tick
        self.tick_label.setText(f"Done · {t} turns" if state.done and k.scenario.objective == "makespan"
                                else f"{'Done' if state.done else 'Tick'} {min(shown_tick(t), k.ticks)} / {k.ticks}")
        self.score_label.setText(str(t) if k.scenario.objective == "makespan" else f"{k.score(state):g}")
        self.served_label.setText(f"{k.served_count(state)} / {k.n_orders}")
        for o, card in enumerate(self.cards):
            at, entered, served = k.order_at[o], state.order_entered[o], state.order_served[o]
            card.setVisible(at <= t or state.done)
            if served >= 0:
                card.show_status(f"Served at tick {shown_tick(served)} ✓", True)
            elif entered < 0 or entered > t:
                card.show_status("Arrives later" if at > t else
                                 "Queued: kitchen full" if self.compact else "Queued: the kitchen is full", True)
            else:
                card.show_status(f"{'In' if self.compact else 'In the kitchen'} since tick {shown_tick(entered)}", False)
        for j, chip in self.chips.items():
            key = k.task_state(state, j)
            detail = ""
            if j in by_task:
                key, w = "pending", by_task[j]
                detail = f"→ {w + 1} {k.workers[w].name}"
            elif key == "busy":
                left = state.task_end[j] - t
                detail = f"{k.workers[state.task_worker[j]].name} · {left} left"
            chip.show_state(key, detail, j == self.selected,
                            key in ("open", "pending", "waiting") and not self.read_only and not state.done)
        for w, lane in enumerate(self.lanes):
            self._draw_lane(w, lane, state)
        self.orders_area.flow.invalidate()
        self.orders_area.updateGeometry()
        self.end_button.setEnabled(not state.done)
        self.clear_button.setEnabled(bool(self.pending) and not state.done)
        if not self._message_timer.isActive() and not getattr(self, "_sticky", False):
            self._hint()

    def _draw_lane(self, w: int, lane: WorkerLane, state: State) -> None:
        k, t = self.kitchen, state.tick
        if w in self.pending:
            j = self.pending[w]
            task = k.tasks[j]
            lane.show_task(j, task.name, task.type, "pending", f"order {task.order + 1} · starts",
                           read_only=self.read_only)
            return
        for j, who in enumerate(state.task_worker):
            if who == w and state.task_end[j] > t:
                task = k.tasks[j]
                left = state.task_end[j] - t
                total = k.duration[w][j]
                lane.show_task(j, task.name, task.type, "busy",
                               f"order {task.order + 1} · {left} left",
                               ticks_left=left, total=total, read_only=self.read_only)
                return
        free = state.worker_free[w] <= t and not state.done
        lane.show_idle(free and len(k.choices(state, w)) > 1, self.read_only)
        if not free and not state.done:
            lane.hint.setText(f"Cleaning up · free at tick {shown_tick(state.worker_free[w])}")

    def set_countdown(self, seconds_left: float | None, total: float = 0) -> None:
        """None hides the clock (untimed rounds, replays)."""
        self.clock.setVisible(seconds_left is not None and not self.read_only)
        if seconds_left is None:
            return
        self.countdown.setRange(0, max(1, int(total * 10)))
        self.countdown.setValue(int(max(0.0, seconds_left) * 10))
        self.countdown_label.setText(f"{max(0.0, seconds_left):.0f} s left")

    def refuse(self, reason: str) -> None:
        """Show why a drop or key press was refused, for a few seconds."""
        self.message.setText("Not allowed: " + reason)
        self.message.setStyleSheet("padding: 4px 10px; border-radius: 6px; "
                                   "background: #ffe3e3; color: #a61e1e; font-weight: 600;")
        self._message_timer.start()

    def inform(self, text: str, sticky: bool = False) -> None:
        """A remark (not an error), for a few seconds, or until `clear_message` when sticky."""
        self.message.setText(text)
        self.message.setStyleSheet(f"padding: 4px 10px; border-radius: 6px; background: #e7f0ff; color: {theme.INK};")
        self._sticky = sticky
        if sticky:
            self._message_timer.stop()
        else:
            self._message_timer.start()

    def clear_message(self) -> None:
        self._sticky = False
        self._message_timer.stop()
        self._hint()

    def _hint(self) -> None:
        self.message.setStyleSheet(f"padding: 4px 10px; color: {theme.MUTED};")
        if self.read_only or self.state is None or self.state.done:
            self.message.setText("")
        else:
            self.message.setText("Drag an open task onto an idle worker, or pick it with Tab and press the "
                                 "worker's number · Backspace undoes · Enter ends the tick")

    # -- selection and keys ---------------------------------------------------
    def _selectable(self, j: int) -> bool:
        if self.state is None or self.read_only:
            return False
        return j in self.pending.values() or self.kitchen.task_state(self.state, j) == "open"

    def selectable_tasks(self) -> list[int]:
        return [j for j in sorted(self.chips) if self._selectable(j)]

    def select(self, task: int | None) -> None:
        self.selected = task
        if self.state is not None:
            self.render_state(self.state, self.pending)

    def _chip_clicked(self, task: int) -> None:
        self.setFocus(Qt.MouseFocusReason)
        if self._selectable(task):
            self.select(task)

    def _cycle(self, step: int) -> None:
        options = self.selectable_tasks()
        if not options:
            return
        if self.selected not in options:
            self.select(options[0] if step > 0 else options[-1])
        else:
            self.select(options[(options.index(self.selected) + step) % len(options)])

    def event(self, e):
        # Tab moves the task selection instead of the keyboard focus.
        if e.type() == e.Type.KeyPress and e.key() in (Qt.Key_Tab, Qt.Key_Backtab) and not self.read_only:
            self._cycle(-1 if e.key() == Qt.Key_Backtab or e.modifiers() & Qt.ShiftModifier else 1)
            return True
        return super().event(e)

    def keyPressEvent(self, e):
        if self.read_only or self.kitchen is None:
            return super().keyPressEvent(e)
        key = e.key()
        if key in (Qt.Key_Right, Qt.Key_Down):
            self._cycle(1)
        elif key in (Qt.Key_Left, Qt.Key_Up):
            self._cycle(-1)
        elif key in (Qt.Key_Return, Qt.Key_Enter):
            self.endTickRequested.emit()
        elif key == Qt.Key_Escape:
            self.select(None)
        elif key == Qt.Key_C:
            self.clearRequested.emit()
        elif key in (Qt.Key_Backspace, Qt.Key_Delete):
            if self.selected is not None and self.selected in self.pending.values():
                self.unassignRequested.emit(self.selected)
            elif self.pending:
                self.unassignRequested.emit(list(self.pending.values())[-1])   # the last one assigned
            else:
                self.refuse("Nothing is assigned this tick, so there is nothing to take back.")
        elif Qt.Key_1 <= key <= Qt.Key_9:
            w = key - Qt.Key_1
            if w >= len(self.lanes):
                self.refuse(f"There is no worker {w + 1}.")
            elif self.selected is None:
                self.refuse("Select a task first (Tab or click), then press the worker's number.")
            else:
                self.assignRequested.emit(self.selected, w)
        else:
            super().keyPressEvent(e)
