"""The drill session through the widgets: the trainee's due mistakes served one
after another; a wrong answer keeps a position due, a right one takes it out;
the queue and its schedule survive closing the app and opening it again."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from gui.main_window import MainWindow
from tests.gui_helpers import FakeScorer, drop, open_main_window
from tests.test_gui_review import optimal_decision, play_round_with_a_mistake


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)
    w.learning.rules = None
    yield w
    w.close()


def restart(qtbot, tmp_path, old):
    """The app closed and opened again on the same database (a new Store on the same file)."""
    url, settings = old.store.url, tmp_path / "settings.json"
    old.close()
    again = MainWindow(db=url, settings_path=settings, scorer_factory=FakeScorer)
    again.learning.rules = None
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.store is not None, timeout=10000)
    again.start_screen.set_people(["Ann"], "Ann")
    return again


def drill_once(qtbot, w, right: bool):
    qtbot.mouseClick(w.start_screen.drill_button, Qt.LeftButton)
    dialog = w.learning.dialogs[-1]
    qtbot.addWidget(dialog)
    assert dialog.start_button.isEnabled()
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    panel = dialog.panel
    assert panel is not None and panel.board.pending == {}
    if right:
        for wk, j in optimal_decision(panel.position.kitchen, panel.position.state).items():
            drop(panel.board.lanes[wk], j)
    with qtbot.waitSignal(panel.answered, timeout=60000) as answer:
        qtbot.mouseClick(panel.board.end_button, Qt.LeftButton)
    assert answer.args[0] is right
    assert dialog.score.text() == f"{int(right)} of 1 right so far"
    qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
    assert dialog.status.text().startswith(f"Drill done: {int(right)} of 1 right.")
    dialog.close()
    # the start screen's count follows the answers
    assert w.start_screen.drill_button.text() == ("Drill my mistakes" if right else "Drill my mistakes (1 due)")


def test_drill_wrong_keeps_it_due_right_takes_it_out_and_it_survives_a_restart(qtbot, tmp_path, window):
    session, tick = play_round_with_a_mistake(qtbot, window)
    window.show_start()
    assert window.start_screen.drill_button.text() == "Drill my mistakes (1 due)"
    drill_once(qtbot, window, right=False)
    person = window.store.find_person("Ann")
    assert [m.tick for m in window.store.due_mistakes(person)] == [tick]

    again = restart(qtbot, tmp_path, window)
    assert again.start_screen.drill_button.text() == "Drill my mistakes (1 due)"
    item = again.store.mistake(session.round_id, tick)
    assert (item.reps, item.lapses, item.streak) == (1, 1, 0)
    drill_once(qtbot, again, right=True)
    assert again.store.due_mistakes(again.store.find_person("Ann")) == []

    third = restart(qtbot, tmp_path, again)
    assert third.start_screen.drill_button.text() == "Drill my mistakes"
    item = third.store.mistake(session.round_id, tick)
    assert (item.reps, item.streak, item.interval_hours) == (2, 1, 24) and not item.due()
    summary = third.store.drill_summary(third.store.find_person("Ann"))
    assert (summary.attempts, summary.correct, summary.due) == (2, 1, 0)
    third.close()


def test_an_empty_queue_offers_nothing_to_drill(qtbot, window):
    s = window.start_screen
    s.new_name.setText("Eve")
    qtbot.mouseClick(s.add_button, Qt.LeftButton)
    qtbot.mouseClick(s.drill_button, Qt.LeftButton)       # a new name: nothing played, nothing opened
    assert window.learning.dialogs == [] and "No rounds yet for Eve" in s.status.text()
    window.store.person("Eve")
    qtbot.mouseClick(s.drill_button, Qt.LeftButton)
    dialog = window.learning.dialogs[-1]
    qtbot.addWidget(dialog)
    assert not dialog.start_button.isEnabled() and "queue is empty" in dialog.status.text()


def test_the_desk_shows_a_trainees_drills(qtbot, window):
    from engine.records.models import SUPERVISOR
    from gui.supervisor.window import SupervisorWindow

    session, tick = play_round_with_a_mistake(qtbot, window)
    store = window.store
    store.set_password(store.person("Sam", SUPERVISOR), "a long password")
    desk = SupervisorWindow(store, "Sam", "a long password")
    qtbot.addWidget(desk)
    assert desk.tabs.tabText(desk.tabs.indexOf(desk.drills)) == "Drills"
    desk.show_trainee("Ann")
    assert desk.drills.words.text().startswith("1 mistake queued, 1 due now, 0 learnt")
    item = store.mistake(session.round_id, tick)
    store.answer_mistake(item.id, store.find_person("Ann"), True, 0.0)
    desk.show_trainee("Ann")
    assert "0 due now" in desk.drills.words.text() and "1 answer given (100% right)" in desk.drills.words.text()
    assert desk.drills.table.rowCount() == 1 and desk.drills.table.item(0, 0).text() == "(no rule)"
    # and the report says the same (gui/reports: one line per trainee)
    from gui.reports.data import gather

    report = gather(store, "Ann").trainees[0]
    assert report.drills == desk.drills.words.text()
    assert report.accuracy == store.round_accuracies(store.find_person("Ann"))
    assert 0 < report.accuracy[session.round_id] < 100           # one costly decision in the round
    qtbot.waitUntil(lambda: not desk.loading, timeout=30000)
    desk.close()


def test_fresh_positions_of_the_same_rule_join_the_drill_when_ticked(qtbot, window):
    session, tick = play_round_with_a_mistake(qtbot, window, "Ann")
    store = window.store
    # another trainee's mistake of the same rule, from another round
    window.show_start()
    other, other_tick = play_round_with_a_mistake(qtbot, window, "Bo")
    for rid, t in ((session.round_id, tick), (other.round_id, other_tick)):
        store.tag_mistake(rid, t, "Alice", "when x then idle", "When x, leave Alice (server) idle")
    window.show_start()
    window.start_screen.set_people(["Ann", "Bo"], "Ann")
    dialog = window.learning.drill()
    qtbot.addWidget(dialog)
    dialog.fresh.setChecked(True)
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    assert [(m.person, m.round_id) for m in dialog.items] == [("Ann", session.round_id), ("Bo", other.round_id)]
    assert dialog.panel.position.who == "You" and dialog.panel.hint_button.isEnabled()
    with qtbot.waitSignal(dialog.panel.answered, timeout=60000):
        qtbot.mouseClick(dialog.panel.board.end_button, Qt.LeftButton)
    qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
    assert dialog.panel.position.who == "A trainee" and "fresh position" in dialog.status.text()
    with qtbot.waitSignal(dialog.panel.answered, timeout=60000):
        qtbot.mouseClick(dialog.panel.board.end_button, Qt.LeftButton)
    # Ann's answers are hers; Bo's position keeps its own schedule
    assert store.drill_summary(store.find_person("Ann")).attempts == 2
    assert store.mistake(other.round_id, other_tick).reps == 0
    dialog.close()
