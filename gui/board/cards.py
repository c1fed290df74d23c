"""Order cards and their task chips. A chip paints one task in its state; an
open (or just assigned) chip can be dragged onto a worker lane. The chips know
nothing of the rules: they carry a task index in the drag's mime data."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

from gui import theme
from gui.board.shapes import draw_task_icon

TASK_MIME = "application/x-kitchen-coach-task"
CHIP_HEIGHT = 34
CARD_WIDTH = 212
# a busy kitchen (rush: 12 orders, 5 workers) on a 1024x700 screen: smaller cards, so more fit
COMPACT_CHIP_HEIGHT = 26
COMPACT_CARD_WIDTH = 172


def task_mime(task: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(TASK_MIME, str(task).encode())
    return mime


def task_from_mime(mime: QMimeData) -> int | None:
    if not mime.hasFormat(TASK_MIME):
        return None
    try:
        return int(bytes(mime.data(TASK_MIME)).decode())
    except ValueError:
        return None


class TaskChip(QWidget):
    """One task: icon, name, state word; `clicked` selects it, dragging starts a QDrag."""
    clicked = Signal(int)

    def __init__(self, task: int, name: str, task_type: str, parent=None, hint_width: int = 0):
        super().__init__(parent)
        self.hint_width = hint_width or CARD_WIDTH - 2 * theme.PAD
        self.task, self.name, self.task_type = task, name, task_type
        self.state_key, self.detail, self.selected, self.draggable = "waiting", "", False, False
        self._press: QPoint | None = None
        self.setFixedHeight(CHIP_HEIGHT)
        self.setMinimumWidth(140)
        self.setAttribute(Qt.WA_Hover)

    def sizeHint(self):
        return QSize(self.hint_width, self.height())

    def set_compact(self, on: bool) -> None:
        self.setFixedHeight(COMPACT_CHIP_HEIGHT if on else CHIP_HEIGHT)
        self.setMinimumWidth(120 if on else 140)
        if self.hint_width in (CARD_WIDTH - 2 * theme.PAD, COMPACT_CARD_WIDTH - 12):
            self.hint_width = (COMPACT_CARD_WIDTH - 12) if on else CARD_WIDTH - 2 * theme.PAD

    def show_state(self, state_key: str, detail: str, selected: bool, draggable: bool) -> None:
        if (state_key, detail, selected, draggable) != (self.state_key, self.detail, self.selected, self.draggable):
            self.state_key, self.detail, self.selected, self.draggable = state_key, detail, selected, draggable
            self.setCursor(Qt.OpenHandCursor if draggable else Qt.ArrowCursor)
            self.setToolTip(f"{self.name} ({self.task_type}): {theme.STATE_WORD[state_key]}"
                            + (f", {detail}" if detail else ""))
            self.update()

    def paintEvent(self, _):
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        r = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        edge = QColor(theme.ACCENT if self.selected else theme.STATE_EDGE[self.state_key])
        p.setPen(QPen(edge, 3 if self.selected else 1.2))
        p.setBrush(QColor(theme.STATE_FILL[self.state_key]))
        p.drawRoundedRect(r, 6, 6)
        side = min(20.0, r.height() - 6)
        icon = QRectF(r.x() + 7, r.center().y() - side / 2, side, side)
        faded = self.state_key in ("waiting", "done")
        draw_task_icon(p, icon, self.task_type, faded=faded)
        text_left = icon.right() + 8
        f = QFont(self.font())
        f.setBold(True)
        p.setFont(f)
        p.setPen(QColor(theme.MUTED if faded else theme.INK))
        name_w = p.fontMetrics().horizontalAdvance(self.name)
        p.drawText(QRectF(text_left, r.y(), name_w + 2, r.height()), Qt.AlignVCenter | Qt.AlignLeft, self.name)
        f.setBold(False)
        f.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        p.setFont(f)
        p.setPen(QColor(theme.INK if self.state_key in ("busy", "pending") else theme.MUTED))
        word = self.detail or theme.STATE_WORD[self.state_key]
        if self.state_key == "done":
            word = "✓ done"
        right = QRectF(text_left + name_w + 8, r.y(), r.right() - 8 - (text_left + name_w + 8), r.height())
        word = p.fontMetrics().elidedText(word, Qt.ElideRight, int(right.width()))
        p.drawText(right, Qt.AlignVCenter | Qt.AlignRight, word)

    def mousePressEvent(self, e):
        if e.button() == Qt.LeftButton:
            self._press = e.position().toPoint()
            self.clicked.emit(self.task)

    def mouseMoveEvent(self, e):
        if not self.draggable or self._press is None or not (e.buttons() & Qt.LeftButton):
            return
        if (e.position().toPoint() - self._press).manhattanLength() < QApplication.startDragDistance():
            return
        self._press = None
        drag = QDrag(self)
        drag.setMimeData(task_mime(self.task))
        pix = QPixmap(self.size() * self.devicePixelRatioF())
        pix.setDevicePixelRatio(self.devicePixelRatioF())
        pix.fill(Qt.transparent)
        self.render(pix)
        drag.setPixmap(pix)
        drag.setHotSpot(QPoint(20, self.height() // 2))
        drag.exec(Qt.MoveAction)

    def mouseReleaseEvent(self, e):
        self._press = None


class OrderCard(QFrame):
    """An order: dish, where it stands (arriving, queued, cooking, served) and its task chips."""

    def __init__(self, order: int, dish: str, chips: list[TaskChip], parent=None):
        super().__init__(parent)
        self.order = order
        self.setObjectName("panel")
        self.setFixedWidth(CARD_WIDTH)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(theme.PAD, theme.PAD, theme.PAD, theme.PAD)
        lay.setSpacing(6)
        self.title = QLabel(f"Order {order + 1} · {dish}")
        self.title.setObjectName("section")
        self.status = QLabel()
        self.status.setObjectName("muted")
        lay.addWidget(self.title)
        lay.addWidget(self.status)
        self.chips = chips
        for c in chips:
            lay.addWidget(c)

    def sizeHint(self):
        return QSize(self.width(), super().sizeHint().height())

    def set_compact(self, on: bool) -> None:
        self.setFixedWidth(COMPACT_CARD_WIDTH if on else CARD_WIDTH)
        pad = 6 if on else theme.PAD
        self.layout().setContentsMargins(pad, pad, pad, pad)
        self.layout().setSpacing(3 if on else 6)
        for c in self.chips:
            c.set_compact(on)

    def show_status(self, text: str, dim: bool) -> None:
        self.status.setText(text)
        self.setStyleSheet("" if not dim else
                           f"QFrame#panel {{ background: {theme.PAPER}; border: 1px dashed {theme.LINE}; }}")
