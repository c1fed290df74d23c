"""Which tips each experimental condition shows in the app: the supervisor's
fixed texts (edited at the desk, kept per database and scenario, the research's
handcrafted tips until then), the population's mined tips, and the Gittins
coach's choice for the personalised condition."""
from types import SimpleNamespace

import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario
from gui.fixed_tips import HANDCRAFTED, MAX_TIPS, fixed_texts, load_fixed, save_fixed
from gui.tips_source import TIPS_SHOWN, compute_tips


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


@pytest.fixture
def fake_coach(monkeypatch):
    """The tips layer's answers stubbed, to see which one each condition asks."""
    from engine import expert as expert_module
    from tips import coach

    calls = []
    tip = lambda text: SimpleNamespace(text=text, key=f"rule:{len(text)}:*", applies=lambda *a: False)  # noqa: E731
    monkeypatch.setattr(expert_module, "shipped_expert", lambda sc: "expert")
    monkeypatch.setattr(coach, "rules_for", lambda sc, ex: "mined")
    monkeypatch.setattr(coach, "scorer_for", lambda ex: "scorer")

    def choose(sc, mined, scorer, store=None, trainee=None, k=3, **_):
        calls.append(("choose", trainee, k))
        return [tip("bandit's pick")]

    def top(sc, mined, scorer, store=None, trainee=None, n=3, **_):
        calls.append(("top", trainee, n))
        return SimpleNamespace(stats=[SimpleNamespace(tip=tip("population's best"))])

    monkeypatch.setattr(coach, "choose_tips", choose)
    monkeypatch.setattr(coach, "top_tips_for", top)
    return calls


def test_personalised_follows_the_bandit_and_mined_the_population(fake_coach):
    sc = load_scenario("burger")
    store = SimpleNamespace(find_person=lambda name: None, url="sqlite://")
    tips, _ = compute_tips(store, "Ann", sc, "personalised")
    assert [t.text for t in tips] == ["bandit's pick"] and fake_coach[-1] == ("choose", "Ann", TIPS_SHOWN)
    tips, _ = compute_tips(store, "Ann", sc, "mined")
    assert [t.text for t in tips] == ["population's best"] and fake_coach[-1] == ("top", None, TIPS_SHOWN)
    assert compute_tips(store, "Ann", sc, "none")[0] == [] and len(fake_coach) == 2


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
