"""The list of trainees: condition, rounds finished (of all played), latest
outcome and a sparkline of their % suboptimal decisions over their latest
finished rounds of one scenario (down is better). It fills as the desk's
background load delivers: names first ("…" until their figures arrive), then
a batch of trainees' figures at a time. A delegate paints the sparkline, so a
long list stays one light view."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QTableView

from gui import theme
from gui.reports.data import TraineeReport, fmt_value

COLUMNS = ("Trainee", "Condition", "Rounds", "Latest", "Trend")
TREND = 4
HEADER_TIPS = {1: "the experimental condition of the trainee's latest session",
               2: "finished rounds (of all rounds played, when some were not finished)",
               3: "outcome of the latest finished round",
               TREND: "% suboptimal decisions over the latest finished rounds of one scenario (down is better)"}
TREND_ROLE = Qt.UserRole + 1
IMPROVING, WORSENING = "#2f9e44", "#c92a2a"
PENDING = "…"


class TraineeModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.names: list[str] = []
        self.conditions: dict[str, str] = {}
        self.reports: dict[str, TraineeReport] = {}
        self._rows: dict[str, int] = {}

    def set_names(self, refs) -> bool:
        """The trainees to list (TraineeRef), in order; figures already known are
        kept. Returns whether the rows changed (the same trainees again, as on
        most Refreshes, keep the rows and the selection)."""
        names = [r.name for r in refs]
        if names == self.names:
            self.conditions = {r.name: r.condition for r in refs}
            if names:
                self.dataChanged.emit(self.index(0, 1), self.index(len(names) - 1, 1))
            return False
        self.beginResetModel()
        self.names = [r.name for r in refs]
        self.conditions = {r.name: r.condition for r in refs}
        self._rows = {n: i for i, n in enumerate(self.names)}
        self.reports = {n: t for n, t in self.reports.items() if n in self._rows}
        self.endResetModel()
        return True

    def set_reports(self, reports: list[TraineeReport]) -> None:
        """Figures for some of the listed trainees (light reports)."""
        rows = []
        for t in reports:
            if t.name in self._rows:
                self.reports[t.name] = t
                rows.append(self._rows[t.name])
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(COLUMNS) - 1))

    def pending(self) -> int:
        return sum(1 for n in self.names if n not in self.reports)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole:
            return HEADER_TIPS.get(section)
        return None

    def data(self, index, role=Qt.DisplayRole):
        name = self.names[index.row()]
        t = self.reports.get(name)
        c = index.column()
        if role == TREND_ROLE:
            return t.trend() if t else []
        if role == Qt.TextAlignmentRole and c == 2:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole and t is not None:
            return self._tip(t, c)
        if role != Qt.DisplayRole:
            return None
        if c == 0:
            return name
        if c == 1:
            return self.conditions.get(name) or "–"
        if t is None:
            return PENDING if c in (2, 3) else None
        if c == 2:
            return t.rounds_text()
        if c == 3:
            latest = t.latest
            return f"{fmt_value(latest.value)} {latest.unit}" if latest and latest.value is not None else "–"
        return None

    @staticmethod
    def _tip(t: TraineeReport, c: int) -> str | None:
        if c == 2:
            return f"finished of all rounds: {t.kinds_text()}"
        if c == 3 and t.latest is not None:
            return f"latest finished round: {t.latest.scenario_name}, round {t.latest.number}"
        if c == TREND:
            trend = t.trend()
            if not trend:
                return "no finished, scored rounds"
            name = t.finished(t.trend_scenario)[0].scenario_name
            return f"% suboptimal, latest finished rounds of {name}: " + ", ".join(f"{x:.0f}" for x in trend)
        return None


class SparklineDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option, index) -> None:
        super().paint(painter, option, index)
        values = index.data(TREND_ROLE) or []
        if len(values) < 1:
            return
        r = option.rect.adjusted(6, 5, -10, -5)
        top = max(10.0, max(values))
        step = r.width() / max(1, len(values) - 1)
        pts = [QPointF(r.left() + i * step, r.bottom() - r.height() * v / top) for i, v in enumerate(values)]
        colour = QColor(IMPROVING if values[-1] <= values[0] else WORSENING)
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(QColor(theme.LINE), 1))
        painter.drawLine(r.bottomLeft(), r.bottomRight())
        painter.setPen(QPen(colour, 1.6))
        painter.drawPolyline(QPolygonF(pts))
        painter.setBrush(colour)
        painter.setPen(Qt.NoPen)
        painter.drawEllipse(pts[-1], 2.5, 2.5)
        painter.restore()


class TraineeList(QTableView):
    traineeSelected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model_ = TraineeModel(self)
        self.setModel(self.model_)
        self.setItemDelegateForColumn(TREND, SparklineDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(30)
        h = self.horizontalHeader()
        # fixed widths: sizing to contents would measure every row of a long list
        h.setSectionResizeMode(QHeaderView.Interactive)
        h.setSectionResizeMode(0, QHeaderView.Stretch)
        h.setMinimumSectionSize(40)
        for col, width in ((1, 96), (2, 58), (3, 68), (TREND, 64)):
            self.setColumnWidth(col, width)
        self.selectionModel().selectionChanged.connect(self._selected)

    def set_names(self, refs) -> bool:
        """Returns whether the list changed (and so the selection was set again)."""
        current = self.current()
        if not self.model_.set_names(refs):
            return False
        names = self.model_.names
        if names:
            self.selectRow(names.index(current) if current in names else 0)
        return True

    def set_reports(self, reports: list[TraineeReport]) -> None:
        self.model_.set_reports(reports)

    def names(self) -> list[str]:
        return list(self.model_.names)

    def current(self) -> str | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return self.model_.names[rows[0].row()] if rows else None

    def _selected(self, *_):
        name = self.current()
        if name:
            self.traineeSelected.emit(name)
