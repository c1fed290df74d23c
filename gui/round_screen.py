"""The round screen: the board, the tick's clock, the feedback line and the
tips. It wires the board's requests to a `RoundSession` and redraws; when the
clock runs out the tick ends with whatever is assigned.

A timed round waits for the trainee: the tips are on screen and the board is
shown, but the clock starts only when they press Start (and nothing can be
assigned before, so no tick passes unread). Pause stops the clock and covers
the board; "Untimed" turns the clock off for the rest of the round."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui import theme
from gui.board import BoardView
from gui.round_session import RoundSession
from gui.tips_panel import TipsPanel
from gui.tips_source import TipView


class RoundScreen(QWidget):
    roundOver = Signal()
    leaveRequested = Signal()

    CLOCK_STEP_MS = 100

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self.setFocusPolicy(Qt.StrongFocus)
        self.session: RoundSession | None = None
        self.seconds_per_tick = 0.0
        self.timed_seconds = 0.0        # the round's clock when "Untimed" is not ticked
        self.running = True             # False before Start and while paused
        self._deadline: float | None = None
        self._left: float | None = None  # seconds left in the tick when paused
        root = QHBoxLayout(self)
        root.setContentsMargins(20, 16, 20, 16)
        root.setSpacing(16)
        left = QVBoxLayout()
        left.setSpacing(10)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setMinimumWidth(0)
        self.who = QLabel()
        self.who.setObjectName("subtitle")
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.who, 1, Qt.AlignBottom)
        self.expert_status = QLabel()
        self.expert_status.setObjectName("muted")
        top.addWidget(self.expert_status, 0, Qt.AlignBottom)
        top.addSpacing(12)
        self.untimed_box = QCheckBox("Untimed")
        self.untimed_box.setToolTip("No clock: each tick waits for you to end it (Enter)")
        self.untimed_box.setFocusPolicy(Qt.NoFocus)
        self.untimed_box.toggled.connect(self.set_untimed)
        top.addWidget(self.untimed_box, 0, Qt.AlignBottom)
        self.pause_button = QPushButton("▮▮ Pause")
        self.pause_button.setToolTip("Stop the clock (the board is locked while paused)")
        self.pause_button.setFocusPolicy(Qt.NoFocus)
        self.pause_button.clicked.connect(self.toggle_pause)
        top.addWidget(self.pause_button, 0, Qt.AlignBottom)
        self.start_button = QPushButton("Start ▶")
        self.start_button.setObjectName("primary")
        self.start_button.setToolTip("Start the clock when you have read the tips")
        self.start_button.setFocusPolicy(Qt.NoFocus)
        self.start_button.clicked.connect(self.begin)
        top.addWidget(self.start_button, 0, Qt.AlignBottom)
        self.leave_button = QPushButton("Leave round")
        self.leave_button.setToolTip("Back to the start screen; the round is kept and can be resumed")
        self.leave_button.setFocusPolicy(Qt.NoFocus)
        self.leave_button.clicked.connect(self.leaveRequested)
        top.addWidget(self.leave_button, 0, Qt.AlignBottom)
        left.addLayout(top)
        self.board = BoardView()
        left.addWidget(self.board, 1)
        self.feedback = QLabel("Your first move's verdict will appear here after you end the tick.")
        self.feedback.setWordWrap(True)
        self.feedback.setMinimumHeight(44)
        self._style_feedback("")
        left.addWidget(self.feedback)
        root.addLayout(left, 1)
        self.tips = TipsPanel()
        root.addWidget(self.tips)

        self.board.assignRequested.connect(self._assign)
        self.board.unassignRequested.connect(self._unassign)
        self.board.clearRequested.connect(self._clear)
        self.board.endTickRequested.connect(self.end_tick)
        self.clock = QTimer(self)
        self.clock.setInterval(self.CLOCK_STEP_MS)
        self.clock.timeout.connect(self._clock_step)

    # -- set-up ------------------------------------------------------------------
    def start(self, session: RoundSession, seconds_per_tick: float, trainee: str,
              tips: list[TipView], tips_empty: str) -> None:
        if self.session is not None:
            self.session.changed.disconnect(self.redraw)
            self.session.feedback.disconnect(self.show_feedback)
        self.session = session
        self.seconds_per_tick = self.timed_seconds = float(seconds_per_tick or 0)
        self.untimed_box.blockSignals(True)
        self.untimed_box.setChecked(self.seconds_per_tick <= 0)
        self.untimed_box.blockSignals(False)
        self.untimed_box.setEnabled(self.timed_seconds > 0)
        k = session.model.kitchen
        self.title.setText(k.scenario.name)
        self.who.setText(f"Trainee: {trainee}")
        self.board.set_kitchen(k)
        session.changed.connect(self.redraw)
        session.feedback.connect(self.show_feedback)
        self.tips.show_tips(tips, tips_empty)
        self.feedback.setText("Your first move's verdict will appear here after you end the tick.")
        self._style_feedback("")
        self.redraw()
        self.running = self.seconds_per_tick <= 0
        self._left = None
        if self.running:
            self._restart_clock()
        else:
            self.clock.stop()
            self._deadline = None
            self.board.set_countdown(self.seconds_per_tick, self.seconds_per_tick)
        self._show_running()
        (self.board if self.running else self).setFocus(Qt.OtherFocusReason)

    def keyPressEvent(self, e):
        # before Start (and while paused) the board is locked: Space or Enter starts the clock
        if not self.running and e.key() in (Qt.Key_Space, Qt.Key_Return, Qt.Key_Enter):
            self.begin()
            return
        super().keyPressEvent(e)

    # -- start, pause, untimed -------------------------------------------------------
    def begin(self) -> None:
        """Start: the clock runs from now."""
        if self.running or self.session is None:
            return
        self.running = True
        if self._left is not None:     # resuming after a pause: the tick's time left
            self._deadline = time.monotonic() + self._left
            self._left = None
            self.clock.start()
        else:
            self._restart_clock()
        self._show_running()
        self.board.setFocus(Qt.OtherFocusReason)

    def toggle_pause(self) -> None:
        if self.running:
            self.running = False
            if self._deadline is not None:
                self._left = max(0.0, self._deadline - time.monotonic())
            self.clock.stop()
            self._deadline = None
            self._show_running(paused=True)
            self.setFocus(Qt.OtherFocusReason)
        else:
            self.begin()

    def set_untimed(self, untimed: bool) -> None:
        self.seconds_per_tick = 0.0 if untimed else self.timed_seconds
        self._left = None
        if untimed and not self.running:
            self.running = True
        self._restart_clock()
        self._show_running()

    def _show_running(self, paused: bool = False) -> None:
        waiting = not self.running and not paused
        self.start_button.setVisible(waiting)
        self.pause_button.setVisible(self.running or paused)
        self.pause_button.setText("▶ Resume" if paused else "▮▮ Pause")
        self.board.setEnabled(self.running)
        if waiting:
            self.board.inform(f"Read your tips, then press Start (or Space): each tick then has "
                              f"{self.seconds_per_tick:g} s.", sticky=True)
        elif paused:
            self.board.inform("Paused: the clock has stopped. Press Resume to carry on.", sticky=True)
        else:
            self.board.clear_message()

    def set_expert_status(self, text: str, detail: str = "") -> None:
        self.expert_status.setText(text)
        self.expert_status.setToolTip(detail)

    # -- board requests ----------------------------------------------------------
    def _assign(self, task: int, worker: int) -> None:
        reason = self.session.assign(task, worker) if self.session else "No round is being played."
        if reason:
            self.board.refuse(reason)

    def _unassign(self, task: int) -> None:
        if self.session:
            self.session.unassign(task)

    def _clear(self) -> None:
        if self.session:
            self.session.clear()

    def end_tick(self) -> None:
        if self.session is None or self.session.model.done:
            return
        steps = self.session.end_tick()
        skipped = sum(1 for s in steps if not s.had_choice)
        if skipped and not self.session.model.done:
            self.board.inform(f"{skipped} tick{'s' if skipped != 1 else ''} passed while nobody could start a task.")
        if self.session.model.done:
            self.clock.stop()
            self.board.set_countdown(None)
            self.roundOver.emit()
        else:
            self._restart_clock()

    # -- the clock -----------------------------------------------------------------
    def _restart_clock(self) -> None:
        if self.seconds_per_tick > 0 and not self.running:
            self.clock.stop()
            self.board.set_countdown(self.seconds_per_tick, self.seconds_per_tick)
        elif self.seconds_per_tick > 0:
            self._deadline = time.monotonic() + self.seconds_per_tick
            self.board.set_countdown(self.seconds_per_tick, self.seconds_per_tick)
            self.clock.start()
        else:
            self._deadline = None
            self.clock.stop()
            self.board.set_countdown(None)

    def _clock_step(self) -> None:
        if self._deadline is None:
            return
        left = self._deadline - time.monotonic()
        self.board.set_countdown(max(0.0, left), self.seconds_per_tick)
        if left <= 0:
            self.end_tick()

    def stop(self) -> None:
        self.clock.stop()

    # -- drawing ---------------------------------------------------------------------
    def redraw(self) -> None:
        if self.session is not None:
            m = self.session.model
            self.board.render_state(m.state, m.pending)

    def show_feedback(self, verdict: str, text: str) -> None:
        self.feedback.setText(text)
        self._style_feedback(verdict)

    def _style_feedback(self, verdict: str) -> None:
        colour = theme.VERDICT_COLOUR.get(verdict, theme.MUTED)
        self.feedback.setStyleSheet(
            f"QLabel {{ background: {theme.CARD}; border: 1px solid {theme.LINE}; border-left: 6px solid {colour};"
            f" border-radius: 6px; padding: 8px 12px; font-size: 11pt; }}")
