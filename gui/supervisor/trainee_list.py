"""The list of trainees: rounds played, latest outcome and a sparkline of their
% suboptimal decisions over their latest rounds (down is better). A delegate
paints the sparkline, so a long list stays one light view."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QTableView

from gui import theme
from gui.reports.data import TraineeReport

COLUMNS = ("Trainee", "Rounds", "Latest", "% subopt. trend")
TREND_ROLE = Qt.UserRole + 1
IMPROVING, WORSENING = "#2f9e44", "#c92a2a"


class TraineeModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.trainees: list[TraineeReport] = []

    def set_trainees(self, trainees: list[TraineeReport]) -> None:
        self.beginResetModel()
        self.trainees = list(trainees)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.trainees)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        t = self.trainees[index.row()]
        c = index.column()
        if role == TREND_ROLE:
            return t.trend()
        if role == Qt.TextAlignmentRole and c == 1:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole and c == 2 and t.latest is not None:
            return f"latest finished round: {t.latest.scenario_name}, round {t.latest.number}"
        if role == Qt.ToolTipRole and c == 3:
            trend = t.trend()
            return ("% suboptimal, latest rounds: " + ", ".join(f"{x:.0f}" for x in trend)) if trend else "no scored rounds"
        if role != Qt.DisplayRole:
            return None
        if c == 0:
            return t.name
        if c == 1:
            return str(len(t.rounds))
        if c == 2:
            latest = t.latest
            return f"{latest.value:g} {latest.unit}" if latest and latest.value is not None else "–"
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
        self.setItemDelegateForColumn(3, SparklineDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(30)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeToContents)
        h.setSectionResizeMode(0, QHeaderView.Stretch)
        h.setSectionResizeMode(3, QHeaderView.Fixed)
        self.setColumnWidth(3, 124)
        self.selectionModel().selectionChanged.connect(self._selected)

    def set_trainees(self, trainees: list[TraineeReport]) -> None:
        current = self.current()
        self.model_.set_trainees(trainees)
        names = [t.name for t in trainees]
        if names:
            self.selectRow(names.index(current) if current in names else 0)

    def current(self) -> str | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return self.model_.trainees[rows[0].row()].name if rows else None

    def _selected(self, *_):
        name = self.current()
        if name:
            self.traineeSelected.emit(name)
