"""One trainee's progress: outcome per round against the expert and the
optimum, % suboptimal decisions per round (tips shown marked), both for one
scenario (the picker) and its finished rounds; the rounds of every kind, the
most frequent mistakes and which tips were shown when. The figures come from
gui/reports/data.py, the same that the reports print."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from gui import theme
from gui.reports import plots
from gui.reports.data import TraineeReport, fmt_value


def _fmt(x, digits: int = 1) -> str:
    return fmt_value(x, digits)


def _pct(x) -> str:
    return "–" if x is None else f"{x:.1f}"


def _table(headers: list[str], stretch: int | None) -> QTableWidget:
    """`stretch`: the column that takes the spare width; None: every column fits its
    contents (the table scrolls sideways on a narrow screen rather than eliding them)."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setSelectionMode(QAbstractItemView.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    if stretch is None:
        t.horizontalHeader().setStretchLastSection(True)
    else:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    return t


def _fill(table: QTableWidget, rows: list[list[str]], right: set[int]) -> None:
    # sized to contents once at the end, not once per cell (which made a trainee's page take 0.5 s)
    h = table.horizontalHeader()
    modes = [h.sectionResizeMode(c) for c in range(table.columnCount())]
    h.setSectionResizeMode(QHeaderView.Fixed)
    table.setUpdatesEnabled(False)
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            table.setItem(r, c, item)
    for c, mode in enumerate(modes):
        h.setSectionResizeMode(c, mode)
    table.setUpdatesEnabled(True)


class Dashboard(QWidget):
    replayRequested = Signal(int)   # round id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.report: TraineeReport | None = None
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.setSpacing(8)
        head = QHBoxLayout()
        self.title = QLabel("Pick a trainee")
        self.title.setObjectName("title")
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(QLabel("Scenario:"))
        self.scenario = QComboBox()
        self.scenario.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.scenario.currentIndexChanged.connect(self._draw_outcome)
        head.addWidget(self.scenario)
        root.addLayout(head)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        root.addWidget(self.summary)
        figs = QHBoxLayout()
        self.outcome = pg.PlotWidget(background="w")
        self.suboptimal = pg.PlotWidget(background="w")
        for w in (self.outcome, self.suboptimal):
            w.setMinimumHeight(170)
            w.getPlotItem().hideButtons()
            figs.addWidget(w, 1)
        root.addLayout(figs, 3)
        self.tabs = QTabWidget()
        self.rounds = _table(["#", "started (UTC)", "scenario", "outcome", "expert", "optimum", "decided",
                              "% subopt.", "regret", "tips"], None)
        self.rounds.setMinimumHeight(120)
        self.rounds.setToolTip("Double-click a round to replay it")
        self.rounds.cellDoubleClicked.connect(self._replay_row)
        self.mistakes = _table(["mistake", "times", "regret"], 0)
        self.tips = _table(["round", "tick", "tip", "followed"], 2)
        # round id -> [TipAdherence]; the window sets it (it holds the records)
        self.adherence = lambda round_id: []
        self.tabs.addTab(self.rounds, "Rounds (double-click to replay)")
        self.tabs.addTab(self.mistakes, "Most frequent mistakes")
        self.tabs.addTab(self.tips, "Tips shown")
        root.addWidget(self.tabs, 2)

    def set_loading(self, name: str, why: str = "loading…") -> None:
        """What shows while the trainee's report is read (or why it was not)."""
        self.title.setText(name)
        self.summary.setText(f"{name}'s rounds: {why}")

    def set_report(self, report: TraineeReport, adherence: dict | None = None) -> None:
        """`adherence`: round id -> {tip rule: TipAdherence}, worked out off the GUI
        thread (gui/supervisor/desk_data.py); rounds missing from it are asked of
        `self.adherence` here."""
        self.report = report
        self._adherence_cache: dict[int, dict] = dict(adherence or {})
        self.title.setText(report.name)
        latest = report.latest
        bits = [f"condition: {report.condition or 'not set'}", f"rounds: {report.kinds_text()}"]
        if latest is not None:
            bits.append(f"latest finished: {_fmt(latest.value)} {latest.unit} in {latest.scenario_name}")
        bits.append(f"{len(report.tips)} tip(s) shown")
        self.summary.setText(" · ".join(bits))
        self.scenario.blockSignals(True)
        self.scenario.clear()
        names = {r.scenario: r.scenario_name for r in report.rounds}
        for key in report.scenarios(finished_only=True):
            self.scenario.addItem(names[key], key)
        self.scenario.blockSignals(False)
        self._draw_outcome()
        _fill(self.rounds, [[str(r.number), r.started_at.strftime("%Y-%m-%d %H:%M"), r.scenario_name,
                             r.outcome_text, _fmt(r.expert_value),
                             _fmt(r.optimum), str(r.decisions), _pct(r.suboptimal_pct), _fmt(r.total_regret),
                             str(r.tips)] for r in report.rounds], {0, 4, 5, 6, 7, 8, 9})
        _fill(self.mistakes, [[m.label, str(m.count), _fmt(m.regret)] for m in report.mistakes], {1, 2})
        _fill(self.tips, [[str(t.round_number), str(t.tick + 1), t.text, self._followed(t)] for t in report.tips],
              {0, 1, 3})
        for table in (self.rounds, self.mistakes, self.tips):
            table.setStyleSheet(f"QTableWidget {{ alternate-background-color: {theme.PAPER}; }}")
            table.setAlternatingRowColors(True)

    def _followed(self, tip) -> str:
        """'3 of 4' (followed of the decisions where its situation came up), '—' where
        it never did, 'not checked' for a supervisor's text."""
        if not tip.rule.startswith("when "):
            return "not checked"
        cache = self._adherence_cache
        if tip.round_id not in cache:
            try:
                cache[tip.round_id] = {a.rule: a for a in self.adherence(tip.round_id)}
            except Exception as e:  # the desk still shows the tips when a round cannot be replayed
                print(f"adherence of round {tip.round_id}: {e}")
                cache[tip.round_id] = {}
        a = cache[tip.round_id].get(tip.rule)
        return "—" if a is None or not a.arose else f"{a.followed} of {a.arose}"

    def _draw_outcome(self) -> None:
        """Both charts: the picked scenario's finished rounds."""
        if self.report is None:
            return
        key = self.scenario.currentData()
        rows = self.report.finished(key) if key else []
        # titles without the scenario (the picker above says it): a long title would widen the
        # plot past its widget on a small screen
        plots.outcome_plot(self.outcome.getPlotItem(), rows)
        plots.suboptimal_plot(self.suboptimal.getPlotItem(), rows, self.report.tips)
        for w in (self.outcome, self.suboptimal):
            item = w.getPlotItem()
            item.setTitle(item.titleLabel.text, color=theme.INK, size="10.5pt")
        headline = self.report.headline(key) if key else None
        text = self.summary.text().split(" · headline")[0]
        if headline is not None and headline.text:
            text += f" · headline {headline.text}"
        self.summary.setText(text)

    def _replay_row(self, row: int, _column: int) -> None:
        if self.report is not None and 0 <= row < len(self.report.rounds):
            self.replayRequested.emit(self.report.rounds[row].id)
