"""The supervisor's desk: trainees on the left, the selected trainee's
progress dashboard and any opened replays on the right, report exports at
the top. It opens only for a supervisor whose password the store accepts."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton,
                               QSizePolicy, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from gui.file_dialog import save_file_name
from gui.background import Tasks
from gui.settings import remember_supervisor
from gui.supervisor.dashboard import Dashboard
from gui.tips_source import compute_adherence
from gui.supervisor.desk_data import load_trainee, load_trainees
from gui.supervisor.trainee_list import TraineeList
from gui.theme import STYLE_SHEET


class SupervisorWindow(QMainWindow):
    def __init__(self, store, name: str, password: str, parent=None):
        super().__init__(parent)
        # The gate: raises StoreError for anyone but a supervisor with this password.
        self.supervisor = store.require_supervisor(name, password)
        self.store = store
        self.job = None
        self.tasks = Tasks(self)   # the list's load and the picked trainee's report, off the GUI thread
        self.report = None         # the picked trainee's full report
        self.setWindowTitle(f"Kitchen Coach · supervisor's desk · {self.supervisor.name}")
        self.setStyleSheet(STYLE_SHEET)
        self.resize(fit_screen(1280, 800))

        page = QWidget()
        page.setObjectName("page")
        root = QVBoxLayout(page)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        top = QFrame()
        top.setObjectName("topbar")
        bar = QHBoxLayout(top)
        bar.setContentsMargins(14, 8, 14, 8)
        title = QLabel("Supervisor's desk")
        title.setObjectName("section")
        bar.addWidget(title)
        self.where = QLabel(store.url)
        self.where.setObjectName("muted")
        bar.addWidget(self.where, 1)
        self.refresh_button = QPushButton("Refresh")
        self.fixed_tips_button = QPushButton("Fixed tips…")
        self.fixed_tips_button.setToolTip("The texts every trainee sees in the 'fixed' (control) condition")
        self.fixed_tips_button.clicked.connect(self.edit_fixed_tips)
        self.export_one = QPushButton("Report for this trainee…")
        self.export_all = QPushButton("Report for all trainees…")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setFixedWidth(160)
        self.progress.setTextVisible(False)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_one.clicked.connect(lambda: self._ask_export(self.trainees.current()))
        self.export_all.clicked.connect(lambda: self._ask_export(None))
        self.cancel_button.clicked.connect(self.cancel_export)
        for w in (self.fixed_tips_button, self.refresh_button, self.export_one, self.export_all):
            bar.addWidget(w)
        root.addWidget(top)
        # a long database URL must not widen the window: it shrinks, elided by Qt's label clipping
        self.where.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.where.setToolTip(store.url)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(14, 3, 14, 3)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)
        root.addLayout(status_row)

        split = self.split = QSplitter(Qt.Horizontal)
        split.setChildrenCollapsible(False)   # the list never shrinks to nothing
        self.trainees = TraineeList()
        self.trainees.setMinimumWidth(300)
        self.trainees.traineeSelected.connect(self.show_trainee)
        split.addWidget(self.trainees)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self.dashboard = Dashboard()
        self.dashboard.adherence = lambda round_id: compute_adherence(self.store, round_id)
        self.dashboard.replayRequested.connect(self.open_replay)
        self.tabs.addTab(self.dashboard, "Progress")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        from gui.supervisor.drill_panel import DrillPanel  # the trainee's drills of their own mistakes
        self.drills = DrillPanel(store)
        self.tabs.addTab(self.drills, "Drills")
        self.tabs.tabBar().setTabButton(1, self.tabs.tabBar().ButtonPosition.RightSide, None)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([460, 820])
        root.addWidget(split, 1)
        self.setCentralWidget(page)
        self._busy(False)
        self.refresh()

    # -- data ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the list on a background task: names first, figures as they
        arrive; the window answers throughout. A second Refresh drops the first."""
        self.loading = True
        self._list_status("Loading trainees…")
        task = self.tasks.start(load_trainees, self.store, slot="list")
        task.partial.connect(self._list_part)
        task.progress.connect(lambda done, total, _: self._list_status(f"Loading trainees… {done} of {total}"))
        task.finished.connect(self._list_loaded)
        task.failed.connect(lambda why: self._list_loaded(None, why))

    def _list_status(self, text: str) -> None:
        if not self._exporting():  # a report's progress keeps the line while it runs
            self.status.setText(text)

    def _list_part(self, part) -> None:
        what, items = part
        if what == "names":
            if not self.trainees.set_names(items) and self.trainees.current():
                self._load_trainee(self.trainees.current())   # same list: only the picked one's report again
            self._enable_exports()
        else:
            self.trainees.set_reports(items)

    def _list_loaded(self, n, error: str = "") -> None:
        self.loading = False
        if error:
            self.status.setText(f"The trainees could not be read: {error}")
        elif not n:
            self.status.setText("No trainees yet: rounds appear here once trainees play.")
        else:
            self._list_status(f"{n} trainee{'s' if n != 1 else ''}.")
        self._enable_exports()

    def _enable_exports(self) -> None:
        has = bool(self.trainees.names())
        self.export_one.setEnabled(has and not self._exporting())
        self.export_all.setEnabled(has and not self._exporting())

    def fixed_tips_editor(self):
        from gui.supervisor.fixed_tips_editor import FixedTipsEditor

        return FixedTipsEditor(self.store.url, self)

    def edit_fixed_tips(self) -> None:
        if self.fixed_tips_editor().exec():
            self.status.setText("Fixed tips saved: trainees in the 'fixed' condition see them from their next round.")

    def show_trainee(self, name: str) -> None:
        """Load the trainee's full report on a background task; picking another
        meanwhile drops this one's answer."""
        self.dashboard.set_loading(name)
        self._shown = None   # the dashboard says "loading": whatever arrives is drawn
        self.drills.show_person(name)
        self.tabs.setCurrentWidget(self.dashboard)
        self._load_trainee(name)

    def _load_trainee(self, name: str) -> None:
        task = self.tasks.start(load_trainee, self.store, name, slot="trainee")
        task.finished.connect(self._trainee_loaded)
        task.failed.connect(lambda why: self.dashboard.set_loading(name, f"could not be read: {why}"))

    def _trainee_loaded(self, loaded) -> None:
        report, adherence = loaded
        if not report.trainees:
            return
        fresh = (report.trainees[0], adherence)
        if fresh != getattr(self, "_shown", None) or self.dashboard.report is None:   # unchanged: no redraw
            self._shown = fresh
            self.report = report.trainees[0]
            self.dashboard.set_report(self.report, adherence)

    def open_replay(self, round_id: int):
        from gui.replay_view import ReplayViewer

        viewer = ReplayViewer(self.store, round_id)
        info = viewer.record.info
        self.tabs.addTab(viewer, f"Replay: {info.person}, round {info.id}")
        self.tabs.setCurrentWidget(viewer)
        viewer.setFocus()
        return viewer

    def _close_tab(self, i: int) -> None:
        w = self.tabs.widget(i)
        if w is not self.dashboard:
            self.tabs.removeTab(i)
            w.deleteLater()

    # -- reports -------------------------------------------------------------------
    def _ask_export(self, trainee: str | None) -> None:
        stem = (trainee or "all-trainees").replace(" ", "-").lower()
        path = save_file_name(self, "Export a progress report", str(Path.home() / f"{stem}.pdf"),
                              "PDF report (*.pdf);;CSV, one row per round (*.csv)")
        if path and self.store.holds(path):
            # the report is written beside and renamed over its file: that would replace the records
            self.status.setText(f"{Path(path).name} is the records database itself; choose another file "
                                "for the report.")
        elif path:
            self.export(Path(path), trainee)

    def export(self, out: Path, trainee: str | None = None):
        """Start exporting in the background; returns the job (its `finished`
        and `failed` signals say how it went)."""
        from gui.reports.job import ReportJob

        if self._exporting():
            self.status.setText("A report is still being written.")
            return self.job
        self.job = ReportJob(self.store, out, trainee, self)
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._exported)
        self.job.failed.connect(self._failed)
        self._busy(True)
        self.status.setText(f"Writing {out.name}…")
        self.job.start()
        return self.job

    def cancel_export(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.status.setText(f"Cancelled: {self.job.out.name} was not written.")
        self._busy(False)

    def _exporting(self) -> bool:
        return self.job is not None and self.job.running

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        has = bool(self.trainees.names())
        self.export_one.setEnabled(not busy and has)
        self.export_all.setEnabled(not busy and has)
        if busy:
            self.progress.setRange(0, 0)

    def _progress(self, done: int, total: int, what: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.status.setText(f"{what.capitalize()}… {done} / {total}" if total else f"{what.capitalize()}…")

    def _exported(self, done: dict) -> None:
        self._busy(False)
        size = f"{done['pages']} pages" if "pages" in done else f"{done['rows']} rows"
        self.status.setText(f"Wrote {done['file']} ({size}, {done['trainees']} trainee(s), {done['rounds']} rounds).")

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.status.setText(f"The report was not written: {message}")

    def showEvent(self, e):
        super().showEvent(e)
        if not getattr(self, "_sized", False):  # the list gets about a third of the width, the progress the rest
            self._sized = True
            left = max(400, min(460, int(0.36 * self.width())))
            self.split.setSizes([left, max(1, self.width() - left)])

    def closeEvent(self, e):
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        self.tasks.shutdown()
        super().closeEvent(e)


def fit_screen(width: int, height: int):
    """(width, height), made smaller where the screen's free area is (1024x700 laptops)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    free = screen.availableGeometry()
    return QSize(min(width, free.width()), min(height, free.height()))


def open_desk(store, parent=None) -> SupervisorWindow | None:
    """Ask for the supervisor's password (or create the first supervisor), then open the desk."""
    from gui.supervisor.login import LoginDialog

    dialog = LoginDialog(store, parent)
    if not dialog.exec():
        return None
    remember_supervisor(dialog.person.name)
    window = SupervisorWindow(store, dialog.person.name, dialog.password, parent)
    window.show()
    return window
