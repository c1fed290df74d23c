"""`kitchen-coach` with no arguments opens the app on the database named by
KITCHEN_COACH_DB; and every bundled scenario plays to its summary on screen."""
import os
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt

from engine.policies import greedy_policy
from engine.scenario import bundled_names
from gui.main_window import MainWindow
from tests.gui_helpers import FakeScorer


def test_no_arguments_opens_the_app_on_the_env_database(tmp_path):
    db = tmp_path / "from-env.db"
    env = dict(os.environ, KITCHEN_COACH_DB=str(db), KITCHEN_COACH_CONFIG=str(tmp_path / "settings.json"),
               QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-m", "gui.cli"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not db.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        time.sleep(0.5)
        assert proc.poll() is None, proc.stderr.read()   # still running: the window is open
        assert db.exists() and db.read_bytes()[:16] == b"SQLite format 3\x00"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("key", bundled_names())
def test_every_bundled_scenario_plays_to_its_summary(qtbot, tmp_path, key):
    settings = tmp_path / "settings.json"
    settings.write_text('{"seconds_per_tick": 0, "condition": "none"}')
    w = MainWindow(db=f"sqlite:///{tmp_path / 'r.db'}", settings_path=settings, scorer_factory=FakeScorer, seed=3)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.store is not None, timeout=10000)
    w.start_round("Ann", key)
    session, board = w.session, w.round_screen.board
    while not session.model.done:
        for worker, task in greedy_policy(session.model.kitchen, session.model.state).items():
            assert session.assign(task, worker) is None
        qtbot.keyClick(board, Qt.Key_Return)
    qtbot.waitUntil(lambda: session._closed, timeout=20000)
    assert w.stack.currentWidget() is w.summary_screen
    unit = "turns" if session.model.kitchen.scenario.objective == "makespan" else "points"
    assert w.summary_screen.you.text() == f"{session.model.value():g} {unit}"
    assert w.store.round_info(session.round_id).value == session.model.value()
    w.close()
