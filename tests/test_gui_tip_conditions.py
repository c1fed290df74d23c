"""Which tips each experimental condition shows in the app: for the
personalised condition the tip about the trainee's repeated habit first, the
same as the command line shows. (The fixed condition's texts, kept in the
records: tests/test_fixed_tips_store.py.)"""
import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario
from gui.tips_source import compute_tips


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    # the settings (and any old fixed-tips file beside them): never the developer's own
    monkeypatch.setenv("KITCHEN_COACH_CONFIG", str(tmp_path / "config" / "settings.json"))


def _habit_decision(kitchen, state):
    """The dispatch rule, except that the server always takes an open cook
    task when free: one habit, repeated every round."""
    from engine.policies import dispatch_policy

    d = dict(dispatch_policy(kitchen, state))
    server = next(w for w in kitchen.idle_workers(state) if kitchen.workers[w].role == "server") \
        if any(kitchen.workers[w].role == "server" for w in kitchen.idle_workers(state)) else None
    cook = next((j for j in kitchen.open_tasks(state) if kitchen.tasks[j].type == "cook"), None)
    if server is not None and cook is not None:
        d = {w: j for w, j in d.items() if j != cook and w != server}
        d[server] = cook
    return d


def _play_round(qtbot, w, name):
    from PySide6.QtCore import Qt

    from tests.gui_helpers import drop

    s = w.start_screen
    s.new_name.setText(name)  # adding a name already there selects it
    qtbot.mouseClick(s.add_button, Qt.LeftButton)
    s.select_scenario("burger")
    qtbot.mouseClick(s.start_button, Qt.LeftButton)
    screen = w.round_screen
    qtbot.waitUntil(lambda: w._tips_job is None, timeout=300_000)  # the tips for this round
    shown = list(screen.tips.tips)
    model = w.session.model
    while not model.done:
        for worker, j in _habit_decision(model.kitchen, model.state).items():
            drop(screen.board.lanes[worker], j)
        qtbot.mouseClick(screen.board.end_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.summary_screen, timeout=3000)
    qtbot.waitUntil(lambda: w.session._closed, timeout=30_000)
    qtbot.waitUntil(lambda: w._tips_job is None, timeout=300_000)  # the summary's, before leaving
    w.show_start()
    return shown


@pytest.mark.slow
def test_a_repeated_habit_is_the_first_tip_and_the_app_agrees_with_the_command(qtbot, tmp_path, monkeypatch, capsys):
    """Personalised, with the shipped expert: a trainee whose server cooks
    every round sees the tip about it first in rounds 2 and 3, and the app
    shows exactly what `kitchen-coach tips --condition personalised` prints."""
    import json

    from PySide6.QtCore import Qt

    from gui.cli import main
    from tests.gui_helpers import open_main_window

    monkeypatch.setenv("KITCHEN_COACH_CACHE", str(tmp_path / "cache"))
    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)
    w.settings.condition = "personalised"
    firsts = []
    for r in range(3):
        shown = _play_round(qtbot, w, "Ann")
        if r:
            assert shown, f"no tips in round {r + 1}"
            firsts.append(shown[0])
            assert shown[0].about and all("(server) took cook" in a for a in shown[0].about), shown[0]
    url = w.store.url
    w.start_screen.select_scenario("burger")
    qtbot.mouseClick(w.start_screen.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: w._tips_job is None, timeout=300_000)
    app = [{"rule": t.rule, "text": t.text, "why": list(t.about),
            "gain": None if t.gain is None else round(t.gain, 4)} for t in w.round_screen.tips.tips]
    capsys.readouterr()
    assert main(["tips", "burger", "--trainee", "Ann", "--db", url, "--condition", "personalised", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"condition": "personalised", "tips": app}
    assert firsts[0].rule == firsts[1].rule == app[0]["rule"]
    w.close()
