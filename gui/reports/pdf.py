"""The report as PDF (QPdfWriter, A4): title, period, the plots as
high-resolution images, the tables, the top mistakes and the tips shown.

The plots are drawn by pyqtgraph on the GUI thread (gui/reports/stream.py
asks for them one at a time); everything here only paints on the PDF device,
which Qt allows on a worker thread, so the app can write a long report
without freezing, one trainee after another (`PdfDocument`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from gui import theme
from gui.reports import plots
from gui.reports.bars import BarsChart
from gui.reports.data import GroupReport, TraineeReport, fmt_value

DPI = 300
MARGIN_MM = 15
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Figure:
    key: tuple
    draw: Callable
    args: tuple
    width: int = 1800     # pixels: 1800 is 250 dpi across the printed width, 1400 about 200
    chart: object = None  # painted as it is (no plot widget needed): gui/reports/bars.py


def trainee_figures(t: TraineeReport, group: bool, scenarios: int = 2) -> list[Figure]:
    """A trainee's plots, one scenario per chart, finished rounds only. In a
    group report: % suboptimal in their main scenario (outcomes are in their
    rounds table), so a thousand trainees stay a quick export. Alone: %
    suboptimal and the outcome against the expert and the optimum for each
    of their main scenarios."""
    out = []
    for key in t.scenarios(finished_only=True)[:1 if group else scenarios]:
        rows = t.finished(key)
        name = rows[0].scenario_name
        if group:
            out.append(Figure((t.name, "suboptimal", key), None, (), chart=BarsChart(rows, t.tips, name)))
            continue
        out.append(Figure((t.name, "suboptimal", key), plots.suboptimal_plot, (rows, t.tips, name)))
        if not group:
            out.append(Figure((t.name, "outcome", key), plots.outcome_plot, (rows, name)))
    return out


def group_figures(trainees: list[TraineeReport], scenarios: int = 2) -> list[Figure]:
    """The group's % suboptimal by finished round, one chart per main scenario."""
    counts: dict[str, int] = {}
    for t in trainees:
        for r in t.rounds:
            if r.finished:
                counts[r.scenario] = counts.get(r.scenario, 0) + 1
    keys = sorted(counts, key=lambda k: (-counts[k], k))[:scenarios]
    return [Figure(("group", key), plots.group_plot, (trainees, key)) for key in keys]


def _when(d) -> str:
    return d.strftime("%Y-%m-%d %H:%M")


def _num(x, digits: int = 1) -> str:
    return fmt_value(x, digits)


def _pct(x) -> str:
    return "–" if x is None else f"{x:.1f}"


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

    def image(self, img, width_share: float = 1.0) -> None:
        """A QImage, or a plots.Chart painted as vectors."""
        w = self.width * width_share
        h = w * (img.aspect if hasattr(img, "paint") else img.height() / max(1, img.width()))
        self.room(h)
        if hasattr(img, "paint"):
            img.paint(self.p, QRectF(0, self.y, w, h))
        else:
            self.p.drawImage(QRectF(0, self.y, w, h), img)
        self.y += h + self.mm(3)

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float] | None = None,
              right: set[int] = frozenset(), size: float = 8.5) -> None:
        """`widths`: column shares of the page width, or None: each column as
        wide as its longest cell, the widest cut down first when the page is
        too narrow; `right`: columns aligned right (numbers)."""
        fm = QFontMetricsF(self.font(size), self.w)
        line = fm.height() * 1.45
        pad = self.mm(1.2)
        if widths is None:
            widths = _fitted(headers, rows, QFontMetricsF(self.font(size, True), self.w), fm, 2 * pad, self.width)
        xs = [0.0]
        for share in widths:
            xs.append(xs[-1] + share * self.width / sum(widths))

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


def _fitted(headers, rows, bold, plain, pad: float, width: float) -> list[float]:
    """Column widths that fit every cell where the page allows: natural widths,
    then the widest columns capped at the one width that makes them fit (only
    those columns' long cells, names and dates, get cut short)."""
    natural = [max([bold.horizontalAdvance(str(h))] + [plain.horizontalAdvance(str(r[c])) for r in rows]) + pad
               for c, h in enumerate(headers)]
    if sum(natural) <= width:
        spare = (width - sum(natural)) / len(natural)
        return [n + spare for n in natural]
    lo, hi = 0.0, max(natural)
    for _ in range(40):  # bisection on the cap: sum(min(n, cap)) is monotone in it
        cap = (lo + hi) / 2
        lo, hi = (cap, hi) if sum(min(n, cap) for n in natural) < width else (lo, cap)
    return [min(n, lo) for n in natural]


def _round_rows(t: TraineeReport) -> list[list[str]]:
    return [[str(r.number), _when(r.started_at), r.scenario_name, r.outcome_text, _num(r.expert_value),
             _num(r.optimum), str(r.decisions), _pct(r.suboptimal_pct), _num(r.total_regret),
             _num(t.accuracy.get(r.id), 0), str(r.tips)]
            for r in t.rounds]


ROUND_HEADERS = ["#", "started (UTC)", "scenario", "outcome", "expert", "optimum", "decided", "% subopt.",
                 "regret", "acc.", "tips"]   # acc.: accuracy 0-100, README "Accuracy"


def headline_text(t: TraineeReport) -> str:
    """Per scenario, finished rounds only (data.Headline)."""
    return " · ".join(h.text for h in (t.headline(key) for key in t.scenarios(finished_only=True)) if h.text)


def _trainee_section(page: _Page, t: TraineeReport, images: dict, brief: bool) -> None:
    latest = t.latest
    summary = f"Condition: {t.condition or 'not set'} · rounds: {t.kinds_text()}"
    if t.period:
        summary += f" from {_when(t.period[0])} to {_when(t.period[1])} (UTC)"
    if latest is not None:
        summary += f" · latest finished: {_num(latest.value)} {latest.unit} in {latest.scenario_name}"
    page.text(summary, 10, colour=theme.MUTED, after=1.5)
    headline = headline_text(t)
    if headline:
        page.text(headline, 10, colour=theme.MUTED, after=3)
    if t.drills:
        page.text(f"Drills of their own mistakes: {t.drills}", 10, colour=theme.MUTED, after=3)
    for key in [k for k in images if k[0] == t.name]:
        page.image(images[key])
    if t.rounds:
        page.text("Rounds", 11, True)
        page.table(ROUND_HEADERS, _round_rows(t), right={0, 4, 5, 6, 7, 8, 9, 10})
        page.text("acc.: accuracy, 0-100 from each decision's regret (100: every decision as good as the "
                  "expert's; a decision costing the inaccuracy line counts 50)", 8.5, colour=theme.MUTED, after=3)
    page.text("Most frequent mistakes", 11, True)
    if t.mistakes:
        page.table(["mistake", "times", "regret"], [[m.label, str(m.count), _num(m.regret)] for m in t.mistakes],
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


def group_summary(page: _Page, report: GroupReport, images: dict) -> None:
    rounds = report.rounds
    kinds = {}
    for r in rounds:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    page.text(f"{len(report.trainees)} trainees · {len(rounds)} rounds · "
              f"{sum(r.decisions for r in rounds)} decisions · "
              + ", ".join(f"{n} {k}" for k, n in kinds.items()), 10, colour=theme.MUTED, after=3)
    for key in [k for k in images if k[0] == "group"]:
        page.image(images[key])
    page.heading("Trainees")
    page.text("Figures of each trainee's main scenario (most finished rounds), finished rounds only; first and "
              "last: mean % suboptimal of the first and last 3 finished rounds (2 with fewer than 6; none "
              "with fewer than 4).", 9,
              colour=theme.MUTED, after=2)
    rows = []
    for t in report.trainees:
        latest = t.latest
        main = (t.scenarios(finished_only=True) or [None])[0]
        h = t.headline(main) if main else None
        done = t.finished(main) if main else []
        rows.append([t.name, t.condition or "–", t.rounds_text(),
                     done[0].scenario_name if done else "–",
                     f"{_num(latest.value)} {latest.unit}" if latest else "–",
                     _pct(h.first if h else None), _pct(h.last if h else None), str(sum(r.tips for r in t.rounds))])
    page.table(["trainee", "condition", "finished", "scenario", "latest", "% subopt. first",
                "% subopt. last", "tips"], rows, [1.7, 1.3, 1.1, 1.6, 1.1, 1.7, 1.7, 0.6], right={2, 4, 5, 6, 7})


def group_mistakes(page: _Page, mistakes: list) -> None:
    page.heading("Most frequent mistakes in the group")
    if mistakes:
        page.table(["mistake", "times", "regret"], [[m.label, str(m.count), _num(m.regret)] for m in mistakes],
                   [7.5, 1, 1], right={1, 2})
    else:
        page.text("No costly decisions recorded.", 9.5, colour=theme.MUTED)


class PdfDocument:
    """An A4 report written page by page into `out`.part, renamed to `out` by
    `finish()`; `discard()` removes the part file (cancelled or failed).
    Paints only (no widgets), so any thread may write it."""

    def __init__(self, out: Path, title: str):
        self.out = Path(out)
        self.tmp = self.out.with_name(self.out.name + ".part")
        self.writer = QPdfWriter(str(self.tmp))
        self.writer.setResolution(DPI)
        self.writer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait,
                                              QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                              QPageLayout.Millimeter))
        self.writer.setTitle(f"Kitchen Coach progress report: {title}")
        self.writer.setCreator("Kitchen Coach")
        self.painter = QPainter(self.writer)
        self.page = _Page(self.writer, self.painter)

    def title(self, name: str, report: GroupReport) -> None:
        self.page.text(f"Kitchen Coach · progress report: {name}", 18, True, after=1)
        period = report.period
        when = f"{_when(period[0])} to {_when(period[1])} (UTC)" if period else "no rounds yet"
        self.page.text(f"Period: {when} · created {_when(report.created_at)} (UTC) from {report.database}",
                       9.5, colour=theme.MUTED, after=4)

    def trainee(self, t: TraineeReport, images: dict, group: bool) -> None:
        if group:
            self.page.new_page()
            self.page.text(t.name, 16, True, after=1)
        _trainee_section(self.page, t, images, brief=group)

    def finish(self) -> int:
        self.page.finish()
        self.painter.end()
        self.tmp.replace(self.out)
        return self.page.page

    def discard(self) -> None:
        if self.painter.isActive():
            self.painter.end()
        self.tmp.unlink(missing_ok=True)
