"""Worker lanes: who each worker is, what they are doing and for how long.
A lane is a drop target; it turns a drop into `dropped(task, worker)` and
leaves the verdict on the drop to whoever listens. Under a dragged task it
lights up, so the trainee sees where the task will land."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from gui import theme
from gui.board.cards import TaskChip, task_from_mime


class NumberBadge(QWidget):
    """The worker's key (1, 2, 3...) for the keyboard path."""

    def __init__(self, number: int, parent=None):
        super().__init__(parent)
        self.number = number
        self.setFixedSize(30, 30)

    def paintEvent(self, _):
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(theme.INK))
        p.drawEllipse(QRectF(1, 1, 28, 28))
        p.setPen(QColor("white"))
        f = QFont(self.font())
        f.setBold(True)
        p.setFont(f)
        p.drawText(QRectF(0, 0, 30, 30), Qt.AlignCenter, str(self.number))


class WorkerLane(QFrame):
    dropped = Signal(int, int)       # task, worker
    undoRequested = Signal(int)      # task

    def __init__(self, worker: int, name: str, role: str, durations: str | None, parent=None):
        super().__init__(parent)
        self.worker, self.name, self.role = worker, name, role
        self.setObjectName("panel")
        self.setAcceptDrops(True)
        self.setFixedHeight(60)
        self._pending_task: int | None = None
        lay = QHBoxLayout(self)
        lay.setContentsMargins(theme.PAD, 6, theme.PAD, 6)
        lay.setSpacing(theme.SPACING)
        lay.addWidget(NumberBadge(worker + 1))
        who = QVBoxLayout()
        who.setSpacing(0)
        self.name_label = QLabel(name)
        self.name_label.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.role_label = QLabel(role)
        self.role_label.setObjectName("muted")
        who.addWidget(self.name_label)
        who.addWidget(self.role_label)
        box = QWidget()
        self.who_box = box
        box.setMinimumWidth(110)
        box.setMaximumWidth(200)
        box.setLayout(who)
        lay.addWidget(box)
        self.slot = QWidget()
        slot_lay = QHBoxLayout(self.slot)
        slot_lay.setContentsMargins(0, 0, 0, 0)
        slot_lay.setSpacing(8)
        self.chip = TaskChip(-1, "", "", self.slot, hint_width=250)
        self.chip.setMinimumWidth(130)
        self.chip.setMaximumWidth(250)
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMinimumWidth(24)
        self.progress.setMaximumWidth(140)
        self.undo = QPushButton("✕ Undo")
        self.undo.setToolTip("Take the task back (Backspace)")
        self.undo.setFocusPolicy(Qt.NoFocus)  # keys stay with the board
        self.undo.clicked.connect(lambda: self._pending_task is not None and self.undoRequested.emit(self._pending_task))
        for w in (self.chip, self.progress, self.hint, self.undo):
            slot_lay.addWidget(w)
        slot_lay.addStretch(0)
        lay.addWidget(self.slot, 1)
        # work times, only when the scenario lets trainees see them
        self.durations_label = QLabel(f"ticks: {durations}" if durations else "")
        self.durations_label.setObjectName("muted")
        self.durations_label.setVisible(bool(durations))
        lay.addWidget(self.durations_label)
        self._drop_ok = True
        self.highlighted = False
        self._frame: str | None = None

    def set_compact(self, on: bool) -> None:
        """One line for the name and role, a lower lane: five workers fit a 1024x700 screen."""
        self.setFixedHeight(44 if on else 60)
        self.layout().setContentsMargins(theme.PAD, 3 if on else 6, theme.PAD, 3 if on else 6)
        self.chip.set_compact(on)
        self.chip.setMinimumWidth(80 if on else 130)   # the chip elides its detail before the name is clipped
        self.role_label.setVisible(not on)
        self.name_label.setStyleSheet(f"font-weight: 600; font-size: {10 if on else 11}pt;")
        # the whole "name · role" line, never clipped: the task chip gives way instead
        wide = int(self.name_label.fontMetrics().horizontalAdvance(f"{self.name} · {self.role}") * 1.1) + 8
        self.who_box.setMinimumWidth(max(110, wide) if on else 110)
        self.name_label.setText(f"{self.name} <span style='font-weight: 400; color: {theme.MUTED}'>· {self.role}</span>"
                                if on else self.name)

    def show_idle(self, can_drop: bool, read_only: bool) -> None:
        self._pending_task = None
        self.chip.hide()
        self.progress.hide()
        self.undo.hide()
        self.hint.show()
        self.hint.setText("Idle" if read_only else "Idle · drop a task here")
        self._set_frame("open" if can_drop and not read_only else None)

    def show_task(self, task: int, name: str, task_type: str, state_key: str, detail: str,
                  ticks_left: int = 0, total: int = 0, read_only: bool = False) -> None:
        self.chip.task, self.chip.name, self.chip.task_type = task, name, task_type
        self.chip.show_state(state_key, detail, False, state_key == "pending" and not read_only)
        self.chip.update()
        self.chip.show()
        self.hint.hide()
        pending = state_key == "pending"
        self._pending_task = task if pending else None
        self.undo.setVisible(pending and not read_only)
        self.progress.setVisible(state_key == "busy" and total > 0)
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(total - ticks_left)
        self._set_frame("pending" if pending else "busy")

    def _set_frame(self, state_key: str | None) -> None:
        self._frame = state_key
        if state_key is None:
            self.setStyleSheet("")
            return
        self.setStyleSheet(f"QFrame#panel {{ border: 1px solid {theme.STATE_EDGE[state_key]}; "
                           f"border-left: 5px solid {theme.STATE_EDGE[state_key]}; }}")

    # -- drops ------------------------------------------------------------
    def dragEnterEvent(self, e):
        if task_from_mime(e.mimeData()) is not None and self.acceptDrops():
            e.acceptProposedAction()
            self.highlight(True)

    def dragLeaveEvent(self, e):
        self.highlight(False)

    def highlight(self, on: bool) -> None:
        """The drop-target look under a dragged task, or back to the lane's own frame."""
        self.highlighted = on
        if on:
            self.setStyleSheet(f"QFrame#panel {{ border: 2px solid {theme.ACCENT}; border-left: 6px solid {theme.ACCENT};"
                               " background: #eef4ff; }")
        else:
            self._set_frame(self._frame)

    def dragMoveEvent(self, e):
        if task_from_mime(e.mimeData()) is not None:
            e.acceptProposedAction()

    def dropEvent(self, e):
        task = task_from_mime(e.mimeData())
        if task is None:
            e.ignore()
            return
        e.acceptProposedAction()
        self.highlight(False)
        self.dropped.emit(task, self.worker)
