"""The report as PDF (QPdfWriter, A4): title, period, the plots as
high-resolution images, the tables, the top mistakes and the tips shown.

The plots are drawn by pyqtgraph on the GUI thread (`render_figures`);
everything here after that only paints on the PDF device, which Qt allows on
a worker thread, so the app can write a long report without freezing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from gui import theme
from gui.reports import plots
from gui.reports.data import GroupReport, TraineeReport

DPI = 300
MARGIN_MM = 15
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Figure:
    key: tuple
    draw: Callable
    args: tuple
    width: int = 1800     # pixels: 1800 is 250 dpi across the printed width, 1400 about 200


def figures_for(report: GroupReport, scenarios_per_trainee: int = 2) -> list[Figure]:
    """The plots a report prints. One trainee's report: % suboptimal, and the
    outcome against the expert and the optimum for each of their main
    scenarios. A group report: the group's plot, then one plot per trainee
    (% suboptimal; outcomes are in their rounds table), so that fifty
    trainees stay a quick export."""
    if len(report.trainees) > 1:
        return [Figure(("group",), plots.group_plot, (report.trainees,))] + \
               [Figure((t.name, "suboptimal"), plots.suboptimal_plot, (t.rounds, t.tips), 1400)
                for t in report.trainees]
    out = []
    for t in report.trainees:
        out.append(Figure((t.name, "suboptimal"), plots.suboptimal_plot, (t.rounds, t.tips)))
        for key in t.scenarios()[:scenarios_per_trainee]:
            rows = [r for r in t.rounds if r.scenario == key]
            out.append(Figure((t.name, "outcome", key), plots.outcome_plot, (rows, rows[0].scenario_name)))
    return out


def render_figures(figures: list[Figure], renderer: "plots.PlotRenderer",
                   progress: Progress | None = None) -> dict[tuple, QImage]:
    """GUI thread only (pyqtgraph draws through widgets)."""
    images = {}
    for i, f in enumerate(figures):
        images[f.key] = renderer.render(f.draw, *f.args, width=f.width)
        if progress:
            progress(i + 1, len(figures), "drawing plots")
    return images


def _when(d) -> str:
    return d.strftime("%Y-%m-%d %H:%M")


def _num(x, digits: int = 0) -> str:
    if x is None:
        return "–"
    return f"{x:.{digits}f}" if digits else f"{x:g}"


def _mean(xs) -> float | None:
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


class _Page:
    """A cursor on the PDF: text, images and tables flow down and onto new pages."""

    def __init__(self, writer: QPdfWriter, painter: QPainter):
        self.w, self.p = writer, painter
        r = writer.pageLayout().paintRectPixels(DPI)
        self.width, self.bottom = float(r.width()), float(r.height()) - self.mm(8)
        self.y = 0.0
        self.page = 1

    @staticmethod
    def mm(x: float) -> float:
        return x * DPI / 25.4

    def font(self, size: float, bold: bool = False) -> QFont:
        f = QFont("DejaVu Sans")
        f.setPointSizeF(size)
        f.setBold(bold)
        self.p.setFont(f)
        return f

    def new_page(self) -> None:
        self._footer()
        self.w.newPage()
        self.page += 1
        self.y = 0.0

    def _footer(self) -> None:
        self.font(7.5)
        self.p.setPen(QColor(theme.MUTED))
        self.p.drawText(QRectF(0, self.bottom + self.mm(3), self.width, self.mm(5)), Qt.AlignRight,
                        f"Kitchen Coach progress report · page {self.page}")

    def finish(self) -> None:
        self._footer()

    def room(self, h: float) -> None:
        if self.y + h > self.bottom and self.y > 0:
            self.new_page()

    def text(self, s: str, size: float = 10, bold: bool = False, colour: str = theme.INK, after: float = 1.5) -> None:
        fm = QFontMetricsF(self.font(size, bold), self.w)
        rect = fm.boundingRect(QRectF(0, 0, self.width, 1e6), Qt.TextWordWrap, s)
        self.room(rect.height())
        self.font(size, bold)
        self.p.setPen(QColor(colour))
        self.p.drawText(QRectF(0, self.y, self.width, rect.height()), Qt.TextWordWrap, s)
        self.y += rect.height() + self.mm(after)

    def heading(self, s: str) -> None:
        self.room(self.mm(30))  # keep a heading with what follows it
        self.y += self.mm(2)
        self.text(s, 13, True, after=2)

    def image(self, img: QImage, width_share: float = 1.0) -> None:
        w = self.width * width_share
        h = w * img.height() / max(1, img.width())
        self.room(h)
        self.p.drawImage(QRectF(0, self.y, w, h), img)
        self.y += h + self.mm(3)

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float], right: set[int] = frozenset(),
              size: float = 8.5) -> None:
        """`widths`: column shares of the page width; `right`: columns aligned right (numbers)."""
        fm = QFontMetricsF(self.font(size), self.w)
        line = fm.height() * 1.45
        xs = [0.0]
        for share in widths:
            xs.append(xs[-1] + share * self.width / sum(widths))
        pad = self.mm(1.2)

        def draw_row(cells, bold, shade):
            self.room(line)
            if shade:
                self.p.fillRect(QRectF(0, self.y, self.width, line), QColor(theme.PAPER))
            f = self.font(size, bold)
            metrics = QFontMetricsF(f, self.w)
            self.p.setPen(QColor(theme.INK))
            for c, cell in enumerate(cells):
                rect = QRectF(xs[c] + pad, self.y, xs[c + 1] - xs[c] - 2 * pad, line)
                shown = metrics.elidedText(str(cell), Qt.ElideRight, rect.width())
                self.p.drawText(rect, (Qt.AlignRight if c in right else Qt.AlignLeft) | Qt.AlignVCenter, shown)
            self.y += line

        self.room(line * min(4, len(rows) + 1))
        draw_row(headers, True, False)
        self.p.setPen(QPen(QColor(theme.MUTED), self.mm(0.25)))
        self.p.drawLine(0, self.y, self.width, self.y)
        for i, row in enumerate(rows):
            if self.y + line > self.bottom:
                self.new_page()
                draw_row(headers, True, False)
            draw_row(row, False, i % 2 == 1)
        self.y += self.mm(4)


def _round_rows(t: TraineeReport) -> list[list[str]]:
    return [[str(r.number), _when(r.started_at), r.scenario_name,
             r.outcome_text, _num(r.expert_value, 1 if r.expert_value is not None and r.expert_value % 1 else 0), _num(r.optimum), str(r.decisions),
             _num(r.suboptimal_pct, 1), _num(r.total_regret, 1), str(r.tips)] for r in t.rounds]


ROUND_HEADERS = ["#", "started (UTC)", "scenario", "outcome", "expert", "optimum", "decided", "% subopt.",
                 "regret", "tips"]
ROUND_WIDTHS = [0.5, 2.1, 2.2, 1.4, 1.0, 1.3, 1.2, 1.4, 1.0, 0.7]


def _trainee_section(page: _Page, t: TraineeReport, images: dict, brief: bool) -> None:
    latest = t.latest
    n = len(t.rounds)
    first, last = _mean([r.suboptimal_pct for r in t.rounds[:3]]), _mean([r.suboptimal_pct for r in t.rounds[-3:]])
    summary = f"{n} round{'s' if n != 1 else ''}"
    if t.period:
        summary += f" from {_when(t.period[0])} to {_when(t.period[1])} (UTC)"
    if latest is not None:
        summary += f" · latest: {_num(latest.value)} {latest.unit} in {latest.scenario_name}"
    if first is not None and n > 3:
        summary += f" · suboptimal decisions {first:.1f}% in the first 3 rounds, {last:.1f}% in the last 3"
    page.text(summary, 10, colour=theme.MUTED, after=3)
    for key in [k for k in images if k[0] == t.name]:
        page.image(images[key])
    if t.rounds:
        page.text("Rounds", 11, True)
        page.table(ROUND_HEADERS, _round_rows(t), ROUND_WIDTHS, right={0, 3, 4, 5, 6, 7, 8, 9})
    page.text("Most frequent mistakes", 11, True)
    if t.mistakes:
        page.table(["mistake", "times", "regret"], [[m.label, str(m.count), _num(m.regret, 1)] for m in t.mistakes],
                   [7.5, 1, 1], right={1, 2})
    else:
        page.text("No costly decisions recorded.", 9.5, colour=theme.MUTED, after=3)
    page.text("Tips shown", 11, True)
    if t.tips:
        tips = t.tips if not brief else t.tips[-8:]
        page.table(["round", "tick", "tip"], [[str(x.round_number), str(x.tick + 1), x.text] for x in tips],
                   [0.8, 0.6, 8.1], right={0, 1})
    else:
        page.text("No tips were shown.", 9.5, colour=theme.MUTED, after=3)


def write_pdf(report: GroupReport, images: dict[tuple, QImage], out: Path, progress: Progress | None = None) -> int:
    """Paint the report; returns the number of pages. Safe on a worker thread.
    Written beside the target first, so a failed export leaves no half file."""
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Millimeter))
    group = len(report.trainees) > 1
    name = "all trainees" if group else (report.trainees[0].name if report.trainees else "nobody")
    writer.setTitle(f"Kitchen Coach progress report: {name}")
    writer.setCreator("Kitchen Coach")
    painter = QPainter(writer)
    try:
        page = _Page(writer, painter)
        page.text(f"Kitchen Coach · progress report: {name}", 18, True, after=1)
        period = report.period
        when = f"{_when(period[0])} to {_when(period[1])} (UTC)" if period else "no rounds yet"
        page.text(f"Period: {when} · created {_when(report.created_at)} (UTC) from {report.database}",
                  9.5, colour=theme.MUTED, after=4)
        if group:
            _group_summary(page, report, images)
        for i, t in enumerate(report.trainees):
            if group:
                page.new_page()
                page.text(t.name, 16, True, after=1)
            _trainee_section(page, t, images, brief=group)
            if progress:
                progress(i + 1, len(report.trainees), "writing the PDF")
        page.finish()
    finally:
        painter.end()
    tmp.replace(out)
    return page.page


def _group_summary(page: _Page, report: GroupReport, images: dict) -> None:
    rounds = report.rounds
    page.text(f"{len(report.trainees)} trainees · {len(rounds)} rounds · "
              f"{sum(r.decisions for r in rounds)} decisions", 10, colour=theme.MUTED, after=3)
    if ("group",) in images:
        page.image(images[("group",)])
    page.heading("Trainees")
    rows = []
    for t in report.trainees:
        latest = t.latest
        rows.append([t.name, str(len(t.rounds)),
                     f"{_num(latest.value)} {latest.unit} ({latest.scenario})" if latest else "–",
                     _num(_mean([r.suboptimal_pct for r in t.rounds[:3]]), 1),
                     _num(_mean([r.suboptimal_pct for r in t.rounds[-3:]]), 1), str(len(t.tips))])
    page.table(["trainee", "rounds", "latest outcome", "% subopt. first 3", "% subopt. last 3", "tips shown"],
               rows, [2.2, 0.9, 2.4, 1.9, 1.9, 1.3], right={1, 3, 4, 5})
    page.heading("Most frequent mistakes in the group")
    mistakes = report.mistakes(10)
    if mistakes:
        page.table(["mistake", "times", "regret"], [[m.label, str(m.count), _num(m.regret, 1)] for m in mistakes],
                   [7.5, 1, 1], right={1, 2})
    else:
        page.text("No costly decisions recorded.", 9.5, colour=theme.MUTED)
