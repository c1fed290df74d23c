"""Task-type icons drawn with QPainter: a coloured tile with a white glyph, so
types read at a glance without image files (and scale with the font)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from gui.theme import type_colour


def draw_task_icon(p: QPainter, rect: QRectF, task_type: str, faded: bool = False) -> None:
    p.save()
    p.setRenderHint(QPainter.Antialiasing)
    colour = QColor(type_colour(task_type))
    if faded:
        colour.setAlpha(110)
    p.setPen(Qt.NoPen)
    p.setBrush(colour)
    p.drawRoundedRect(rect, rect.width() * 0.25, rect.width() * 0.25)
    s = rect.width()
    x, y = rect.x(), rect.y()
    white = QColor("white")
    p.setBrush(white)
    pen = QPen(white, max(1.2, s * 0.09), Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)
    glyph = _GLYPHS.get(task_type)
    if glyph is None:
        p.setPen(white)
        f = p.font()
        f.setBold(True)
        f.setPixelSize(max(8, int(s * 0.6)))
        p.setFont(f)
        p.drawText(rect, Qt.AlignCenter, task_type[:1].upper())
    else:
        glyph(p, x, y, s, pen)
    p.restore()


def _knife(p, x, y, s, pen):
    blade = QPainterPath()
    blade.moveTo(x + s * 0.22, y + s * 0.78)
    blade.lineTo(x + s * 0.62, y + s * 0.22)
    blade.lineTo(x + s * 0.72, y + s * 0.32)
    blade.lineTo(x + s * 0.38, y + s * 0.78)
    blade.closeSubpath()
    p.drawPath(blade)
    p.setPen(pen)
    p.drawLine(QPointF(x + s * 0.67, y + s * 0.27), QPointF(x + s * 0.8, y + s * 0.14))


def _flame(p, x, y, s, pen):
    path = QPainterPath()
    path.moveTo(x + s * 0.5, y + s * 0.16)
    path.cubicTo(x + s * 0.78, y + s * 0.42, x + s * 0.78, y + s * 0.62, x + s * 0.68, y + s * 0.74)
    path.cubicTo(x + s * 0.6, y + s * 0.84, x + s * 0.4, y + s * 0.84, x + s * 0.32, y + s * 0.74)
    path.cubicTo(x + s * 0.22, y + s * 0.6, x + s * 0.3, y + s * 0.44, x + s * 0.42, y + s * 0.36)
    path.cubicTo(x + s * 0.44, y + s * 0.46, x + s * 0.48, y + s * 0.5, x + s * 0.52, y + s * 0.5)
    path.cubicTo(x + s * 0.56, y + s * 0.38, x + s * 0.54, y + s * 0.26, x + s * 0.5, y + s * 0.16)
    p.drawPath(path)


def _plate(p, x, y, s, pen):
    p.setBrush(Qt.NoBrush)
    p.setPen(pen)
    c = QPointF(x + s / 2, y + s / 2)
    p.drawEllipse(c, s * 0.3, s * 0.3)
    p.drawEllipse(c, s * 0.14, s * 0.14)


def _pot(p, x, y, s, pen):
    p.drawRoundedRect(QRectF(x + s * 0.22, y + s * 0.45, s * 0.56, s * 0.33), s * 0.06, s * 0.06)
    p.drawRect(QRectF(x + s * 0.16, y + s * 0.4, s * 0.68, s * 0.07))
    for dx in (0.36, 0.5, 0.64):
        p.drawEllipse(QPointF(x + s * dx, y + s * 0.28), s * 0.05, s * 0.05)


def _pan(p, x, y, s, pen):
    p.drawEllipse(QPointF(x + s * 0.4, y + s * 0.55), s * 0.24, s * 0.2)
    p.setPen(pen)
    p.drawLine(QPointF(x + s * 0.62, y + s * 0.5), QPointF(x + s * 0.86, y + s * 0.36))


def _layers(p, x, y, s, pen):
    for k, w in enumerate((0.56, 0.46, 0.56)):
        p.drawRoundedRect(QRectF(x + s * (0.5 - w / 2), y + s * (0.24 + 0.19 * k), s * w, s * 0.13),
                          s * 0.05, s * 0.05)


_GLYPHS = {
    "chop": _knife, "slice": _knife, "cook": _flame, "grill": _flame, "fry": _flame,
    "plate": _plate, "serve": _plate, "boil": _pot, "saute": _pan, "assemble": _layers,
}
