"""The progress plots (pyqtgraph), drawn the same way on the desk's dashboard
and in PDF reports, and `PlotRenderer`, which turns them into images.

pyqtgraph exports a plot at the size its widget has on screen, so the renderer
keeps one widget shown (offscreen is fine) at a fixed size and exports PNG
images from it; its SVG exporter is not used (it crashes with PySide6 6.12).
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPicture
from PySide6.QtWidgets import QApplication

from gui import theme
from gui.reports.data import RoundRow, TipRow, TraineeReport

TRAINEE_COLOUR = theme.ACCENT
EXPERT_COLOUR = "#e8590c"
OPTIMUM_COLOUR = "#2f9e44"
BAR_COLOUR = "#f08c00"
TIP_COLOUR = "#7048e8"


def _reset(plot: pg.PlotItem, title: str, left: str, bottom: str = "round") -> None:
    plot.clear()
    if plot.legend is not None:
        plot.legend.scene() and plot.legend.scene().removeItem(plot.legend)
        plot.legend = None
    plot.setTitle(title, color=theme.INK, size="12pt")
    plot.setLabel("left", left)
    plot.setLabel("bottom", bottom)
    plot.showGrid(x=False, y=True, alpha=0.25)
    plot.getViewBox().setMouseEnabled(x=False, y=False)
    plot.enableAutoRange()  # a previous figure on this plot may have fixed its range
    plot.getAxis("bottom").setTicks(None)
    # one row of keys along the top left, above the data (the y ranges leave headroom for it)
    plot.addLegend(offset=(8, 4), labelTextColor=theme.INK, labelTextSize="10pt", colCount=4,
                   brush=pg.mkBrush(255, 255, 255, 220))


def _integer_ticks(plot: pg.PlotItem, xs) -> None:
    xs = sorted(set(int(x) for x in xs))
    if not xs:
        return
    step = max(1, int(np.ceil(len(xs) / 20)))
    plot.getAxis("bottom").setTicks([[(x, str(x)) for x in xs[::step]]])
    plot.setXRange(xs[0] - 0.6, xs[-1] + 0.6, padding=0)


def outcome_plot(plot: pg.PlotItem, rounds: list[RoundRow], scenario_name: str | None = None) -> None:
    """A scenario's rounds: the trainee's outcome against the expert's and the optimum."""
    rows = [r for r in rounds if r.finished and r.value is not None]
    unit = rows[0].unit if rows else "turns"
    better = "higher is better" if unit == "points" else "fewer is better"
    _reset(plot, f"Outcome per round{' · ' + scenario_name if scenario_name else ''}", f"{unit} ({better})")
    if not rows:
        return
    x = np.array([r.number for r in rows], float)
    plot.plot(x, [r.value for r in rows], pen=pg.mkPen(TRAINEE_COLOUR, width=2.5), symbol="o", symbolSize=8,
              symbolBrush=TRAINEE_COLOUR, symbolPen=None, name="trainee")
    ex = [(r.number, r.expert_value) for r in rows if r.expert_value is not None]
    if ex:
        plot.plot(*zip(*ex), pen=pg.mkPen(EXPERT_COLOUR, width=2, style=Qt.DashLine), symbol="s", symbolSize=6,
                  symbolBrush=EXPERT_COLOUR, symbolPen=None, name="expert")
    opt = [(r.number, r.optimum) for r in rows if r.optimum is not None]
    if opt:
        plot.plot(*zip(*opt), pen=pg.mkPen(OPTIMUM_COLOUR, width=2, style=Qt.DotLine), name="optimum")
    values = [r.value for r in rows] + [v for _, v in ex] + [v for _, v in opt]
    low, high = min(values), max(values)
    span = max(1.0, high - low)
    plot.setYRange(low - 0.1 * span, high + 0.35 * span, padding=0)
    _integer_ticks(plot, x)


def suboptimal_plot(plot: pg.PlotItem, rounds: list[RoundRow], tips: list[TipRow] = (),
                    scenario_name: str | None = None) -> None:
    """% suboptimal decisions per round (bars), rounds that showed a tip marked
    above. The caller picks the rounds: one scenario's finished ones."""
    _reset(plot, f"Suboptimal decisions per round{' · ' + scenario_name if scenario_name else ''}",
           "% of decided ticks")
    rows = [r for r in rounds if r.suboptimal_pct is not None]
    if not rows:
        return
    x = np.array([r.number for r in rows], float)
    y = np.array([r.suboptimal_pct for r in rows], float)
    bars = pg.BarGraphItem(x=x, height=y, width=0.6, brush=pg.mkBrush(BAR_COLOUR), pen=pg.mkPen(None))
    plot.addItem(bars)
    plot.legend.addItem(bars, "% suboptimal")
    top = max(10.0, float(y.max()) * 1.6)   # headroom: the legend, then the tip marks, above the bars
    numbers = {r.number for r in rows}
    shown = sorted({t.round_number for t in tips} & numbers)
    if shown:
        plot.plot(shown, [top * 0.76] * len(shown), pen=None, symbol="t", symbolSize=11,
                  symbolBrush=TIP_COLOUR, symbolPen=None, name="tip shown")
    plot.setYRange(0, top, padding=0)
    _integer_ticks(plot, x)


def group_plot(plot: pg.PlotItem, trainees: list[TraineeReport], scenario: str) -> None:
    """One scenario: every trainee's % suboptimal by their n-th finished round
    of it (thin), and the group's mean (thick)."""
    name = next((r.scenario_name for t in trainees for r in t.rounds if r.scenario == scenario), scenario)
    _reset(plot, f"Suboptimal decisions by finished round, all trainees · {name}", "% of decided ticks",
           f"finished round of {name}")
    by_number: dict[int, list[float]] = defaultdict(list)
    faint = pg.mkPen(150, 160, 175, 110, width=1)
    for t in trainees:
        pcts = [r.suboptimal_pct for r in t.finished(scenario)]
        pts = [(i + 1, v) for i, v in enumerate(pcts) if v is not None]
        for n, v in pts:
            by_number[n].append(v)
        if len(pts) > 1 and len(trainees) <= 200:  # beyond that, the faint lines are a grey wall
            plot.plot(*zip(*pts), pen=faint)
    if not by_number:
        return
    xs = sorted(by_number)
    if len(trainees) > 200:   # instead of a wall of lines: where the middle half of the group lies
        low = pg.PlotDataItem(xs, [float(np.percentile(by_number[n], 25)) for n in xs], pen=faint)
        high = pg.PlotDataItem(xs, [float(np.percentile(by_number[n], 75)) for n in xs], pen=faint)
        for item in (low, high, pg.FillBetweenItem(low, high, brush=pg.mkBrush(120, 140, 170, 60))):
            plot.addItem(item)
        plot.legend.addItem(high, "middle half of the trainees")
    plot.setYRange(0, max(10.0, max(max(v) for v in by_number.values()) * 1.2), padding=0)
    plot.plot(xs, [float(np.mean(by_number[n])) for n in xs], pen=pg.mkPen(TRAINEE_COLOUR, width=3),
              symbol="o", symbolSize=7, symbolBrush=TRAINEE_COLOUR, symbolPen=None, name="group mean")
    _integer_ticks(plot, xs)


class PlotRenderer:
    """One plot widget, shown at a fixed size, that draws and exports figures."""

    def __init__(self, width: int = 900, height: int = 380):
        pg.setConfigOptions(antialias=True)
        self.widget = pg.PlotWidget(background="w")
        self.widget.setAttribute(Qt.WA_DontShowOnScreen, True)
        self.widget.resize(width, height)
        self.widget.show()
        for axis in ("left", "bottom"):
            self.widget.getAxis(axis).setTextPen(theme.INK)
            self.widget.getAxis(axis).setPen(theme.MUTED)

    def render(self, draw, *args, width: int = 1800) -> QImage:
        """`draw(plot_item, *args)`, then the plot as an image `width` pixels wide."""
        from pyqtgraph.exporters import ImageExporter

        plot = self.widget.getPlotItem()
        draw(plot, *args)
        if plot.legend is not None:
            # the exporter scales axes and titles up to `width` but not the legend's labels
            scale = width / max(1, self.widget.width())
            for sample, label in plot.legend.items:
                label.setText(label.text, size=f"{10 * scale:g}pt", color=theme.INK)
        # lay the title and axes out for this figure before exporting (layout only: painting the
        # hidden widget as well would cost a third of the time)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        exporter = ImageExporter(plot)
        exporter.parameters()["width"] = width
        return exporter.export(toBytes=True)

    def chart(self, draw, *args) -> "Chart":
        """The figure as vector drawing for a PDF page, drawn when the page paints it."""
        return Chart(self, draw, args, self.widget.height() / max(1, self.widget.width()))

    def paint(self, painter, target, draw, args) -> None:
        """`draw(plot_item, *args)`, then the plot painted into `target` (a QRectF
        on `painter`'s device) as vectors: no image to compress, crisp in print.
        On the thread that owns the widget, like `render`."""
        from pyqtgraph.exporters import ImageExporter

        plot = self.widget.getPlotItem()
        draw(plot, *args)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        exporter = ImageExporter(plot)   # for its export mode (how items draw for a device), not its image
        source = exporter.getSourceRect()
        # recorded at the widget's own size and resolution, then played scaled: fonts (in points)
        # would otherwise grow with the PDF's 300 dpi while the lines do not
        picture = QPicture()
        recorder = QPainter(picture)
        exporter.setExportMode(True, {"antialias": True, "background": pg.mkColor("w"), "painter": recorder,
                                      "resolutionScale": 1.0})
        try:
            recorder.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            exporter.getScene().render(recorder, QRectF(0, 0, source.width(), source.height()), source)
        finally:
            recorder.end()
            exporter.setExportMode(False)
        device = painter.device()
        k = target.width() / (source.width() * device.logicalDpiX() / picture.logicalDpiX())
        painter.save()
        painter.translate(target.topLeft())
        painter.scale(k, k)
        painter.drawPicture(0, 0, picture)
        painter.restore()

    def close(self) -> None:
        self.widget.close()
        self.widget.deleteLater()


class Chart:
    """A figure waiting to be painted on a PDF page (gui/reports/pdf.py `_Page.image`)."""

    def __init__(self, renderer: PlotRenderer, draw, args: tuple, aspect: float):
        self.renderer, self.draw, self.args, self.aspect = renderer, draw, args, aspect

    def paint(self, painter, target) -> None:
        self.renderer.paint(painter, target, self.draw, self.args)
