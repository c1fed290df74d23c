"""The desk at a training centre's scale (issue 17): it paints before the
records are read, lists names first and figures as they arrive, answers
input while it loads (the work runs on another thread), drops a stale
Refresh, and a cancelled report leaves no file. Also round kinds, per-
scenario charts and the condition column on the desk (issue 16)."""
from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402

from engine.records.store import open_store  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402
from tests.report_helpers import kinds_db, play  # noqa: E402

PASSWORD = "kitchen-boss-1"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(str(tmp_path_factory.mktemp("desk-load") / "records.db"))
    ids = kinds_db(s, load_scenario("burger"), load_scenario("pasta"))
    burger = load_scenario("burger")
    for i in range(24):   # a moderate list: the figures arrive in several batches
        play(s, s.start_session(s.person(f"Trainee {i:02d}"), condition=("none", "mined")[i % 2]), burger, 500 + i)
    s.set_password(s.person("Sam", "supervisor"), PASSWORD)
    s.ids = ids
    yield s
    s.close()


class Gate:
    """Wraps a function run by the desk's tasks: records the threads and times
    it ran at, and holds the first `hold` calls until opened."""

    def __init__(self, fn, hold: int = 1):
        self.fn, self.hold = fn, hold
        self.open_ = threading.Event()
        self.entered = threading.Event()
        self.calls: list[tuple[int, float, float]] = []

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter()
        if len(self.calls) < self.hold:
            self.entered.set()
            self.open_.wait(10)
        out = self.fn(*args, **kwargs)
        self.calls.append((threading.get_ident(), t0, time.perf_counter()))
        return out


def probe(qtbot):
    """Times at which the GUI thread's event loop turned (a 5 ms timer)."""
    ticks = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    return timer, ticks


def test_the_desk_paints_first_and_fills_as_figures_arrive(qtbot, store, monkeypatch):
    from gui.supervisor import desk_data
    from gui.supervisor.window import SupervisorWindow

    gate = Gate(desk_data.overview)
    monkeypatch.setattr(desk_data, "overview", gate)
    monkeypatch.setattr(desk_data, "LIST_BATCH", 10)
    timer, ticks = probe(qtbot)
    w = SupervisorWindow(store, "Sam", PASSWORD)
    qtbot.addWidget(w)
    w.show()
    assert w.loading and w.status.text().startswith("Loading trainees")   # nothing read yet, window up
    model = w.trainees.model_
    qtbot.waitUntil(lambda: model.rowCount() == 26, timeout=10_000)
    assert gate.entered.wait(5)
    # names are listed, figures pending, while the load is held mid-way on its thread
    assert model.index(0, 0).data() == "Ada" and model.index(0, 2).data() == "…"
    assert model.index(0, 1).data() == "mined"
    # input is answered meanwhile: picking another trainee moves the selection
    w.trainees.selectRow(3)
    assert w.trainees.current() == model.names[3] and w.dashboard.title.text() == model.names[3]
    held_from = time.perf_counter()
    qtbot.wait(60)
    gate.open_.set()
    qtbot.waitUntil(lambda: not w.loading and model.pending() == 0, timeout=30_000)
    timer.stop()
    gui = threading.get_ident()
    assert gate.calls and all(tid != gui for tid, _, _ in gate.calls)
    assert len(gate.calls) == 3                       # 26 trainees, 10 at a time
    assert any(t > held_from for t in ticks)          # the event loop ran while the load worked
    assert model.index(0, 2).data() == "6 of 9" and "1 cut" in model.index(0, 2).data(3)  # ToolTipRole
    assert w.status.text() == "26 trainees."


def test_a_second_refresh_drops_the_first(qtbot, store, monkeypatch):
    from gui.supervisor import desk_data
    from gui.supervisor.window import SupervisorWindow

    w = SupervisorWindow(store, "Sam", PASSWORD)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: not w.loading and w.trainees.model_.pending() == 0, timeout=30_000)
    gate = Gate(desk_data.overview)
    monkeypatch.setattr(desk_data, "overview", gate)
    w.refresh()
    assert gate.entered.wait(5)
    first = w.tasks.current("list")
    w.refresh()                                       # answered although the first is stuck
    qtbot.waitUntil(lambda: not w.loading, timeout=30_000)
    late = []
    w.trainees.model_.dataChanged.connect(lambda *a: late.append(a))
    gate.open_.set()
    assert first.wait(10)
    qtbot.wait(100)
    assert late == [] and not first.running


def test_kinds_condition_and_one_scenario_per_chart(qtbot, store):
    from gui.supervisor.window import SupervisorWindow

    w = SupervisorWindow(store, "Sam", PASSWORD)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.report is not None and w.report.name == "Ada", timeout=30_000)
    d = w.dashboard
    outcomes = [d.rounds.item(r, 3).text() for r in range(d.rounds.rowCount())]
    assert outcomes[4:7] == ["unfinished", "abandoned", "cut"]
    assert "condition: mined" in d.summary.text() and "1 cut" in d.summary.text()
    # the picker offers scenarios with finished rounds; the charts show one at a time
    assert [d.scenario.itemData(i) for i in range(d.scenario.count())] == ["burger", "pasta"]
    ids = store.ids
    numbers = {r.id: r.number for r in w.report.rounds}
    curve = d.outcome.getPlotItem().listDataItems()[0]
    assert list(curve.xData) == [numbers[i] for i in ids["finished"]]
    d.scenario.setCurrentIndex(1)
    curve = d.outcome.getPlotItem().listDataItems()[0]
    assert list(curve.xData) == [numbers[i] for i in ids["pasta"]]
    assert d.scenario.currentText() == "Pasta night"
    # no numbers like 47.5625: expert values show at most one decimal
    assert all(len(d.rounds.item(r, 4).text().partition(".")[2]) <= 1 for r in range(d.rounds.rowCount()))


@pytest.mark.parametrize("name", ["all.pdf", "all.csv"])
def test_a_cancelled_report_leaves_no_file(qtbot, store, tmp_path, monkeypatch, name):
    from pathlib import Path

    from gui.reports.job import ReportJob
    from gui.supervisor.window import SupervisorWindow

    # a report process that writes the first trainee's part, then waits as a long report would
    monkeypatch.setattr(ReportJob, "child", (str(Path(__file__).with_name("report_child_hold.py")),))
    w = SupervisorWindow(store, "Sam", PASSWORD)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: not w.loading and w.trainees.model_.pending() == 0, timeout=30_000)
    out = tmp_path / name
    part = out.with_name(name + ".part")
    job = w.export(out)
    steps, answers = [], []
    job.progress.connect(lambda *a: steps.append(a))
    job.finished.connect(answers.append)
    job.failed.connect(answers.append)
    qtbot.waitUntil(lambda: any(done == 1 for done, _, _ in steps), timeout=60_000)
    assert part.exists() and not out.exists() and job.process.poll() is None
    w.cancel_export()
    assert w.status.text() == f"Cancelled: {name} was not written."
    assert w.export_all.isEnabled() and not w.cancel_button.isVisible()
    assert job.wait(10_000)
    qtbot.wait(100)
    assert job.process.poll() is not None
    assert not out.exists() and not part.exists()
    assert answers == [] and w.status.text() == f"Cancelled: {name} was not written."


def test_refresh_keeps_the_pick_and_redraws_only_what_changed(qtbot, store, monkeypatch):
    from gui.supervisor.window import SupervisorWindow

    w = SupervisorWindow(store, "Sam", PASSWORD)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.report is not None and not w.loading, timeout=30_000)
    w.trainees.selectRow(1)
    qtbot.waitUntil(lambda: w.report.name == "Bo", timeout=30_000)
    drawn = []
    real = w.dashboard.set_report
    monkeypatch.setattr(w.dashboard, "set_report", lambda *a: (drawn.append(a[0].name), real(*a)))
    w.refresh()
    qtbot.waitUntil(lambda: not w.loading and w.tasks.current("trainee") is None, timeout=30_000)
    assert w.trainees.current() == "Bo" and drawn == []          # nothing new: nothing redrawn
    bo = store.start_session(store.person("Bo"), condition="fixed")
    play(store, bo, load_scenario("burger"), 402)
    w.refresh()
    qtbot.waitUntil(lambda: drawn == ["Bo"], timeout=30_000)      # a new round: Bo's page again
    assert w.trainees.current() == "Bo" and w.report.rounds_text() == "3"
    assert w.trainees.model_.index(1, 2).data() == "3"
