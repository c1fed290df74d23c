"""% suboptimal decisions per round as a bar chart painted straight onto a
PDF page with QPainter: the chart of each trainee in an all-trainees report.
pyqtgraph (gui/reports/plots.py) takes about 40 ms to set a figure up; a
thousand trainees cannot wait for that, and these few shapes need none of
it. Same colours and marks as plots.suboptimal_plot; any thread may paint it.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from gui import theme
from gui.reports.plots import BAR_COLOUR, TIP_COLOUR


def _ticks(top: float) -> list[int]:
    step = next(s for s in (5, 10, 20, 25, 50) if top / s <= 6)
    return list(range(0, int(top) + 1, step))


class BarsChart:
    """`rows`: RoundRows (one scenario's finished rounds); `tips`: TipRows."""
    aspect = 0.32

    def __init__(self, rows, tips=(), scenario_name: str | None = None):
        self.rows = [r for r in rows if r.suboptimal_pct is not None]
        numbers = {r.number for r in self.rows}
        self.tips = sorted({t.round_number for t in tips} & numbers)
        self.title = "Suboptimal decisions per round" + (f" · {scenario_name}" if scenario_name else "")

    def paint(self, p: QPainter, rect: QRectF) -> None:
        dpi = p.device().logicalDpiY()
        pt = dpi / 72.0
        font = QFont("DejaVu Sans")
        font.setPointSizeF(7.5)
        p.save()
        p.setRenderHint(QPainter.Antialiasing, True)
        p.setFont(font)
        fm = QFontMetricsF(font, p.device())
        line = fm.height()
        bold = QFont(font)
        bold.setPointSizeF(9)
        p.setFont(bold)
        p.setPen(QColor(theme.INK))
        p.drawText(QRectF(rect.left(), rect.top(), rect.width(), line * 1.6), Qt.AlignHCenter | Qt.AlignTop, self.title)
        p.setFont(font)
        left = rect.left() + fm.horizontalAdvance("100") + 6 * pt
        area = QRectF(left, rect.top() + line * 2.2, rect.right() - left - 4 * pt, rect.height() - line * 4.2)
        if not self.rows:
            p.setPen(QColor(theme.MUTED))
            p.drawText(area, Qt.AlignCenter, "no scored, finished rounds")
            p.restore()
            return
        top = max(10.0, max(r.suboptimal_pct for r in self.rows) * 1.3)
        ticks = _ticks(top)

        def y(v: float) -> float:
            return area.bottom() - area.height() * v / top
        p.setPen(QPen(QColor(theme.LINE), 0.6 * pt))
        for t in ticks:
            p.drawLine(QPointF(area.left(), y(t)), QPointF(area.right(), y(t)))
        p.setPen(QColor(theme.MUTED))
        for t in ticks:
            p.drawText(QRectF(rect.left(), y(t) - line / 2, left - rect.left() - 3 * pt, line),
                       Qt.AlignRight | Qt.AlignVCenter, str(t))
        first, last = self.rows[0].number, self.rows[-1].number
        span = max(1, last - first + 1)
        slot = area.width() / span

        def x(n: int) -> float:
            return area.left() + (n - first + 0.5) * slot
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(BAR_COLOUR))
        for r in self.rows:
            p.drawRect(QRectF(x(r.number) - slot * 0.3, y(r.suboptimal_pct), slot * 0.6,
                              area.bottom() - y(r.suboptimal_pct)))
        p.setBrush(QColor(TIP_COLOUR))
        size = 3.2 * pt
        for n in self.tips:
            c = QPointF(x(n), area.top() + size)
            p.drawPolygon(QPolygonF([c + QPointF(-size, -size), c + QPointF(size, -size), c + QPointF(0, size)]))
        p.setPen(QPen(QColor(theme.MUTED), 0.6 * pt))
        p.drawLine(area.bottomLeft(), area.bottomRight())
        every = max(1, round(span / 20))
        for r in self.rows:
            if (r.number - first) % every == 0:
                p.drawText(QRectF(x(r.number) - slot, area.bottom() + 2 * pt, 2 * slot, line), Qt.AlignHCenter,
                           str(r.number))
        key = "% of decided ticks, per round (bars)" + (" · ▼ tip shown" if self.tips else "")
        p.drawText(QRectF(area.left(), area.bottom() + line * 1.2, area.width(), line), Qt.AlignLeft, key)
        p.restore()
