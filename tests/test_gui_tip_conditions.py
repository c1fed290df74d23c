"""Which tips each experimental condition shows in the app: the supervisor's
fixed texts (edited at the desk, kept per database and scenario, the research's
handcrafted tips until then), and for the personalised condition the tip about
the trainee's repeated habit first, the same as the command line shows."""
import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario
from gui.tips_source import compute_tips
from tips.fixed import HANDCRAFTED, MAX_TIPS, fixed_texts, load_fixed, save_fixed


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    # the fixed tips live beside the settings: never the developer's own file
    monkeypatch.setenv("KITCHEN_COACH_CONFIG", str(tmp_path / "config" / "settings.json"))


def test_fixed_tips_are_kept_per_database_and_scenario(tmp_path):
    burger, pasta = load_scenario("burger").content_hash, load_scenario("pasta").content_hash
    assert fixed_texts("sqlite:///a.db", burger) == list(HANDCRAFTED)
    kept = save_fixed("sqlite:///a.db", burger, ["  Plate   early ", "", "Chop first", "Wash up", "Too many"])
    assert kept == ["Plate early", "Chop first", "Wash up"] and len(kept) == MAX_TIPS
    assert load_fixed("sqlite:///a.db", burger) == kept
    assert load_fixed("sqlite:///a.db", pasta) == [] and load_fixed("sqlite:///b.db", burger) == []
    save_fixed("sqlite:///a.db", burger, ["", "  "])  # cleared: back to the handcrafted tips
    assert fixed_texts("sqlite:///a.db", burger) == list(HANDCRAFTED)
    (tmp_path / "config" / "fixed-tips.json").write_text("{not json")
    assert fixed_texts("sqlite:///a.db", burger) == list(HANDCRAFTED)


def test_fixed_condition_shows_the_supervisors_texts(tmp_path):
    sc = load_scenario("burger")
    with open_store(f"sqlite:///{tmp_path / 'records.db'}") as store:
        tips, _ = compute_tips(store, "Ann", sc, "fixed")
        assert [t.text for t in tips] == list(HANDCRAFTED)
        save_fixed(store.url, sc.content_hash, ["Keep the grill busy", "Plate as soon as a dish is ready"])
        tips, empty = compute_tips(store, "Ann", sc, "fixed")
        assert [t.text for t in tips] == ["Keep the grill busy", "Plate as soon as a dish is ready"]
        assert [t.rule for t in tips] == ["fixed:0", "fixed:1"] and empty == ""
        # recorded with a round, they stay apart from mined rules
        rid = store.start_round(store.start_session(store.person("Ann"), "fixed"), sc, 0)
        store.record_tip(rid, 0, tips[0].rule, tips[0].text)
        assert [(t.rule, t.text) for t in store.load_round(rid).tips] == [("fixed:0", "Keep the grill busy")]
        assert [t.text for t in compute_tips(store, "Ann", load_scenario("pasta"), "fixed")[0]] == list(HANDCRAFTED)


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


def test_desk_editor_saves_what_the_supervisor_wrote(qtbot, tmp_path):
    from gui.supervisor.fixed_tips_editor import FixedTipsEditor

    url = "sqlite:///desk.db"
    burger, taco = load_scenario("burger").content_hash, load_scenario("taco-demo").content_hash
    editor = FixedTipsEditor(url)
    qtbot.addWidget(editor)
    assert editor.fields[0].text() == "" and editor.fields[0].placeholderText() == HANDCRAFTED[0]
    editor.scenario.setCurrentIndex(editor.scenario.findData(burger))
    editor.fields[0].setText("Keep the grill busy")
    editor.fields[2].setText("  Plate early ")
    editor.scenario.setCurrentIndex(editor.scenario.findData(taco))  # a look elsewhere keeps the edits
    assert editor.texts() == []
    editor.fields[1].setText("Chop while the chef cooks")
    editor.scenario.setCurrentIndex(editor.scenario.findData(burger))
    assert editor.texts() == ["Keep the grill busy", "Plate early"]
    editor.save()
    assert editor.result() == 1
    assert load_fixed(url, burger) == ["Keep the grill busy", "Plate early"]
    assert load_fixed(url, taco) == ["Chop while the chef cooks"]
    again = FixedTipsEditor(url)
    qtbot.addWidget(again)
    again.scenario.setCurrentIndex(again.scenario.findData(burger))
    assert [f.text() for f in again.fields] == ["Keep the grill busy", "Plate early", ""]
