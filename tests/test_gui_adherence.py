"""Adherence per tip on the trainee's round summary and the supervisor's desk
(issue 13 item 6): both read what tips/adherence.py decided and the records kept."""
from engine.records.store import open_store
from engine.scenario import load_scenario
from engine.simulator import Kitchen

KEY = "when plate_open:none then idle for server"


def _store_with_a_round(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'records.db'}")
    sc = load_scenario("burger")
    rid = store.start_round(store.start_session(store.person("Trainee 01"), condition="personalised"), sc, 0)
    store.record_tip(rid, 0, KEY, "When no plate task is open, leave Alice (server) idle")
    store.record_tip(rid, 0, "fixed:0", "Keep the pass clear")
    store.record_decision(rid, 0, {})
    store.close_round(rid)
    # what tips/adherence.py decided for it: followed once of the two times it applied
    store.record_adherence(rid, [(0, KEY, "Alice", True), (3, KEY, "Alice", False)])
    return store, sc, rid


def test_the_round_summary_says_how_each_tip_was_followed(qtbot, tmp_path):
    from gui.round_model import RoundModel
    from gui.round_session import RoundSession
    from gui.summary_screen import SummaryScreen
    from gui.tips_source import compute_adherence

    store, sc, rid = _store_with_a_round(tmp_path)
    w = SummaryScreen()
    qtbot.addWidget(w)
    w.show_session(RoundSession(RoundModel(Kitchen(sc, 0)), None, None, None), "Trainee 01", None)
    assert w.adherence.isHidden()  # nothing to say until the round's decisions are in
    w.show_adherence(compute_adherence(store, rid))
    text = w.adherence.text()
    assert "leave Alice (server) idle — followed 1 of 2 times it applied" in text
    assert "Keep the pass clear — (a supervisor's text: not checked)" in text
    store.close()


def test_the_desk_shows_each_shown_tips_adherence(qtbot, tmp_path):
    from gui.supervisor.window import SupervisorWindow

    store, _, _ = _store_with_a_round(tmp_path)
    store.set_password(store.person("Sam", "supervisor"), "correct horse battery")
    w = SupervisorWindow(store, "Sam", "correct horse battery")
    qtbot.addWidget(w)
    w.show_trainee("Trainee 01")
    # the trainee's report and their tips' adherence are read on a background task
    qtbot.waitUntil(lambda: w.report is not None and w.report.name == "Trainee 01", timeout=30_000)
    table = w.dashboard.tips
    rows = {table.item(r, 2).text(): table.item(r, 3).text() for r in range(table.rowCount())}
    assert rows == {"When no plate task is open, leave Alice (server) idle": "1 of 2",
                    "Keep the pass clear": "not checked"}
    store.close()
