"""Start screen, settings, tips panel and leaving a round."""

import pytest
from PySide6.QtCore import Qt

from gui.settings import Settings, database_url, load_settings, save_settings
from gui.settings_dialog import SettingsDialog
from gui.scenario_menu import RESEARCH_SEQUENCE, next_in_sequence, scenario_menu
from gui.tips_source import compute_tips
from tests.gui_helpers import open_main_window


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_main_window(qtbot, tmp_path)
    yield w
    w.close()


def test_research_sequence_comes_first_in_order():
    keys = [k for k, _, _ in scenario_menu()]
    assert keys[:3] == list(RESEARCH_SEQUENCE) == ["taco-demo", "burger", "pasta"]
    assert {"research-normal", "research-disruption"} <= set(keys[3:])
    assert next_in_sequence(set()) == "taco-demo"
    assert next_in_sequence({"taco-demo"}) == "burger"


def test_settings_round_trip_and_database_precedence(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_settings(Settings(seconds_per_tick=0, condition="personalised", database="/x/records.db"), path)
    s = load_settings(path)
    assert (s.seconds_per_tick, s.condition, s.database) == (0, "personalised", "/x/records.db")
    monkeypatch.delenv("KITCHEN_COACH_DB", raising=False)
    assert database_url(None, s) == "/x/records.db"
    monkeypatch.setenv("KITCHEN_COACH_DB", "/env.db")
    assert database_url(None, s) == "/env.db"
    assert database_url("/cli.db", s) == "/cli.db"
    path.write_text('{"condition": "bogus", "seconds_per_tick": -3}')
    assert load_settings(path) == Settings()


def test_settings_dialog_reads_back_what_was_chosen(qtbot):
    d = SettingsDialog(Settings(), "sqlite:///default.db", None)
    qtbot.addWidget(d)
    assert d.use_scenario.isChecked() and not d.seconds.isEnabled()
    d.use_scenario.setChecked(False)
    d.seconds.setValue(0)
    assert d.seconds.text() == "Untimed"
    d.condition.setCurrentIndex(d.condition.findData("fixed"))
    d.database.setText("/tmp/elsewhere.db")
    assert d.result_settings() == Settings(0.0, "fixed", "/tmp/elsewhere.db")


def test_tips_off_is_a_plain_empty_state(qtbot, window):
    tips, empty = compute_tips(None, "Ann", None, "none")
    assert tips == [] and "switched off" in empty
    s = window.start_screen
    s.new_name.setText("Ann")
    qtbot.mouseClick(s.add_button, Qt.LeftButton)
    s.select_scenario("taco-demo")
    qtbot.mouseClick(s.start_button, Qt.LeftButton)
    panel = window.round_screen.tips
    qtbot.waitUntil(lambda: "switched off" in panel.empty_text, timeout=5000)
    assert panel.tips == []


def test_timed_round_counts_down_and_leaving_keeps_it_resumable(qtbot, window):
    s = window.start_screen
    s.new_name.setText("Dee")
    qtbot.mouseClick(s.add_button, Qt.LeftButton)
    s.select_scenario("taco-demo")           # 6 s per tick, durations shown
    qtbot.mouseClick(s.start_button, Qt.LeftButton)
    screen = window.round_screen
    board = screen.board
    assert board.clock.isVisibleTo(board)
    assert "assemble 1" in board.lanes[0].durations_label.text() and board.lanes[0].durations_label.isVisibleTo(board)
    # the clock waits for Start (tips first): nothing runs, nothing can be assigned
    first = board.countdown.value()
    assert not screen.clock.isActive() and not board.isEnabled() and screen.start_button.isVisibleTo(screen)
    assert "press Start" in board.message.text()
    qtbot.mouseClick(screen.start_button, Qt.LeftButton)
    assert board.isEnabled() and not screen.start_button.isVisibleTo(screen)
    qtbot.waitUntil(lambda: board.countdown.value() < first, timeout=3000)
    # Pause stops the clock and locks the board; Resume (or Space) carries on from the time left
    qtbot.mouseClick(screen.pause_button, Qt.LeftButton)
    paused = board.countdown.value()
    assert not screen.clock.isActive() and not board.isEnabled() and "Resume" in screen.pause_button.text()
    qtbot.wait(300)
    assert board.countdown.value() == paused
    qtbot.keyClick(screen, Qt.Key_Space)
    assert screen.clock.isActive() and board.isEnabled()
    # "Untimed" is a visible choice on the round screen: it stops the clock for the rest of the round
    assert screen.untimed_box.isVisibleTo(screen) and not screen.untimed_box.isChecked()
    screen.untimed_box.setChecked(True)
    assert not screen.clock.isActive() and not board.clock.isVisibleTo(board) and board.isEnabled()
    qtbot.mouseClick(window.round_screen.leave_button, Qt.LeftButton)
    assert window.stack.currentWidget() is s
    assert not window.round_screen.clock.isActive()
    # nothing was decided yet, so the round shows as unfinished with no decisions
    assert s.resume_box.isVisibleTo(s) and "0 decisions made" in s.resume_label.text()
    qtbot.mouseClick(s.discard_button, Qt.LeftButton)
    assert not s.resume_box.isVisibleTo(s)
