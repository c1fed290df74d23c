"""The supervisor's desk: the password gate, the trainee list, the dashboard's
figures against the database, replays from the rounds table, and a report
exported from the window on worker threads."""
from __future__ import annotations

import csv

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from engine.records.store import StoreError, open_store  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402
from gui.reports.sample_data import seed_trainees  # noqa: E402

PASSWORD = "kitchen-boss-1"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(str(tmp_path_factory.mktemp("desk") / "records.db"))
    seed_trainees(s, load_scenario("burger"), trainees=3, rounds=4, seed=31)
    s.set_password(s.person("Sam", "supervisor"), PASSWORD)
    yield s
    s.close()


def test_only_the_supervisor_gets_in(qtbot, store):
    from gui.supervisor.login import LoginDialog
    from gui.supervisor.window import SupervisorWindow

    for name, pw in (("Sam", "wrong-password"), ("Trainee 01", PASSWORD), ("Trainee 01", ""), ("", "")):
        with pytest.raises(StoreError):
            SupervisorWindow(store, name, pw)
    dialog = LoginDialog(store)
    qtbot.addWidget(dialog)
    assert not dialog.setup
    dialog.name.setText("Trainee 01")
    dialog.pw.setText(PASSWORD)
    dialog.try_accept()
    assert dialog.result() == 0 and dialog.person is None and "wrong" in dialog.error.text()
    dialog.name.setText("Sam")
    dialog.pw.setText(PASSWORD)
    dialog.try_accept()
    assert dialog.result() == 1 and dialog.person.name == "Sam"


def test_first_supervisor_is_created_at_the_door(qtbot, tmp_path):
    from gui.supervisor.login import LoginDialog

    with open_store(str(tmp_path / "fresh.db")) as fresh:
        fresh.person("Tess")
        dialog = LoginDialog(fresh)
        qtbot.addWidget(dialog)
        assert dialog.setup
        dialog.name.setText("Tess")  # a trainee cannot make themself supervisor
        dialog.pw.setText(PASSWORD)
        dialog.confirm.setText(PASSWORD)
        dialog.try_accept()
        assert dialog.person is None and "trainee" in dialog.error.text()
        dialog.name.setText("Sam")
        dialog.pw.setText(PASSWORD)
        dialog.confirm.setText("something else")
        dialog.try_accept()
        assert dialog.person is None and "differ" in dialog.error.text()
        dialog.pw.setText(PASSWORD)
        dialog.confirm.setText(PASSWORD)
        dialog.try_accept()
        assert dialog.person.name == "Sam" and fresh.check_password("Sam", PASSWORD)
        assert not fresh.check_password("Tess", PASSWORD)


def loaded(qtbot, w, trainee: str | None = None):
    """Wait for the desk's background loads: the list's figures and the picked trainee's report."""
    qtbot.waitUntil(lambda: not w.loading and w.trainees.model_.pending() == 0, timeout=30_000)
    if trainee is not None:
        qtbot.waitUntil(lambda: w.report is not None and w.report.name == trainee, timeout=30_000)


def test_dashboard_shows_the_database_figures(qtbot, store):
    from gui.supervisor.window import SupervisorWindow

    w = SupervisorWindow(store, "Sam", PASSWORD)
    qtbot.addWidget(w)
    w.show()
    loaded(qtbot, w, "Trainee 01")
    model = w.trainees.model()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Trainee 01", "Trainee 02", "Trainee 03"]
    w.trainees.selectRow(2)
    loaded(qtbot, w, "Trainee 03")
    assert w.dashboard.title.text() == "Trainee 03"
    history = store.history(store.find_person("Trainee 03"))
    assert model.index(2, 1).data() == "sample"   # the condition of their sessions
    assert model.index(2, 2).data() == str(len(history))
    assert model.index(2, 3).data() == f"{history[-1].value:g} turns"
    table = w.dashboard.rounds
    assert table.rowCount() == len(history)
    trend = []
    for row, info in enumerate(history):
        scored = [d for d in store.load_round(info.id).decisions if d.verdict]
        pct = 100 * sum(d.verdict not in ("best", "good") for d in scored) / len(scored)
        trend.append(pct)
        assert table.item(row, 3).text() == f"{info.value:g}"
        assert table.item(row, 5).text() == f"{info.optimum:g}"
        assert table.item(row, 6).text() == str(info.decisions)
        assert table.item(row, 7).text() == f"{pct:.1f}"
    assert model.index(2, 4).data(Qt.UserRole + 1) == pytest.approx(trend)
    # the outcome plot draws the stored values, round by round
    curve = w.dashboard.outcome.getPlotItem().listDataItems()[0]
    assert list(curve.yData) == [i.value for i in history]
    assert list(curve.xData) == list(range(1, len(history) + 1))
    # double-clicking a round opens its replay
    table.cellDoubleClicked.emit(1, 0)
    viewer = w.tabs.currentWidget()
    assert viewer.record.info.id == history[1].id and viewer.board.state == viewer.states[0]


def test_export_from_the_window_runs_in_the_background(qtbot, store, tmp_path):
    from gui.supervisor.window import SupervisorWindow

    w = SupervisorWindow(store, "Sam", PASSWORD)
    qtbot.addWidget(w)
    w.show()
    loaded(qtbot, w)
    steps = []
    out = tmp_path / "all.pdf"
    with qtbot.waitSignal(w.export(out).finished, timeout=60_000) as done:
        w.job.progress.connect(lambda *a: steps.append(a))
        assert not w.export_all.isEnabled() and w.cancel_button.isVisible()  # the window is not waiting
    assert done.args[0]["pages"] >= 4 and out.read_bytes().startswith(b"%PDF")
    assert any(what == "writing the PDF" for _, _, what in steps)
    assert w.export_all.isEnabled() and "Wrote" in w.status.text()
    csv_out = tmp_path / "t1.csv"
    with qtbot.waitSignal(w.export(csv_out, "Trainee 01").finished, timeout=30_000):
        pass
    rows = list(csv.DictReader(open(csv_out, encoding="utf-8")))
    assert [int(r["round"]) for r in rows] == [i.id for i in store.history(store.find_person("Trainee 01"))]
    with qtbot.waitSignal(w.export(tmp_path / "x.doc").failed, timeout=5_000) as failed:
        pass
    assert "FILE.pdf or FILE.csv" in failed.args[0]


def test_open_desk_needs_the_dialog(qtbot, store, monkeypatch, tmp_path):
    from gui.cli import build_parser
    from gui.supervisor import login, window

    monkeypatch.setenv("KITCHEN_COACH_CONFIG", str(tmp_path / "settings.json"))
    assert build_parser().parse_args(["supervisor", "--db", "x.db"]).func.__name__ == "cmd_supervisor"
    monkeypatch.setattr(login.LoginDialog, "exec", lambda self: 0)
    assert window.open_desk(store) is None

    def accept(self):
        self.name.setText("Sam")
        self.pw.setText(PASSWORD)
        self.try_accept()
        return self.result()
    monkeypatch.setattr(login.LoginDialog, "exec", accept)
    desk = window.open_desk(store)
    qtbot.addWidget(desk)
    assert desk.isVisible() and desk.supervisor.name == "Sam"
    # the name is remembered on this machine: the next door opens with it filled in
    again = login.LoginDialog(store)
    qtbot.addWidget(again)
    assert again.name.text() == "Sam" and again.pw.text() == ""
