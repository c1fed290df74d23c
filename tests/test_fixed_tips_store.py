"""Fixed tips in the records database (issue 16, part 4): per scenario and
field, with author and date, seen by every store on the same database; an
empty field keeps its own handcrafted tip; handcrafted tips name only the
scenario's workers; a seat's old fixed-tips.json is imported once."""
import json
import re

import pytest

from engine.records.store import open_store
from engine.scenario import bundled_names, load_scenario
from gui.tips_source import compute_tips
from tips.fixed import (HANDCRAFTED, IMPORTED_BY, MAX_TIPS, fields, fixed_texts, handcrafted, import_legacy,
                        save_fixed)
from tips.history import next_tips


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    # the old file lived beside the settings: never the developer's own
    monkeypatch.setenv("KITCHEN_COACH_CONFIG", str(tmp_path / "config" / "settings.json"))


def test_fields_are_per_scenario_and_seen_by_a_second_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    burger, pasta = load_scenario("burger"), load_scenario("pasta")
    with open_store(url) as a, open_store(url) as b:
        assert fixed_texts(b, burger) == handcrafted(burger)
        save_fixed(a, burger, ["  Keep   the grill busy ", "", "Plate early"], author="Sam")
        seen = fields(b, burger)  # another seat (store) on the same database
        assert [f.text for f in seen] == ["Keep the grill busy", None, "Plate early"]
        assert seen[0].author == "Sam" and seen[0].written_at is not None and seen[1].author == ""
        # the empty field keeps its own handcrafted tip, the others are the supervisor's
        assert fixed_texts(b, burger) == ["Keep the grill busy", handcrafted(burger)[1], "Plate early"]
        assert fixed_texts(b, pasta) == handcrafted(pasta)
        tips, _ = next_tips(b, burger, "Ann", "fixed", None, None)
        assert [t.rule for t in tips] == ["fixed:0", "fixed:1", "fixed:2"]
        save_fixed(b, burger, ["", "", ""], author="Kim")  # cleared: all handcrafted again
        assert fixed_texts(a, burger) == handcrafted(burger)


def test_a_second_write_by_another_author_replaces_the_field(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    sc = load_scenario("taco-demo")
    with open_store(url) as a, open_store(url) as b:
        save_fixed(a, sc, ["Chop first"], author="Sam")
        save_fixed(b, sc, ["Chop while Dana assembles"], author="Kim")
        f = fields(a, sc)[0]
        assert (f.text, f.author) == ("Chop while Dana assembles", "Kim")
        save_fixed(a, sc, ["Chop while Dana assembles"], author="Sam")  # unchanged text: author kept
        assert fields(b, sc)[0].author == "Kim"


def test_handcrafted_tips_name_only_the_scenarios_workers():
    scenarios = [load_scenario(k) for k in bundled_names()]
    everyone = {w.name for s in scenarios for w in s.workers}
    for s in scenarios:
        texts = handcrafted(s)
        assert 1 <= len(texts) <= MAX_TIPS, s.key
        named = {n for t in texts for n in re.findall(r"[A-Z][a-z]+", t) if n in everyone}
        assert named and named <= {w.name for w in s.workers}, (s.key, named)


def test_a_scenario_file_with_other_workers_gets_tips_about_its_own(tmp_path):
    text = (tmp_path / "x.toml")
    text.write_text(load_scenario("burger").text.replace("Alice", "Zoe").replace("Carol", "Yan"))
    sc = load_scenario(str(text))
    named = " ".join(handcrafted(sc))
    assert "Alice" not in named and "Carol" not in named and "Zoe" in named and "Yan" in named


def test_the_old_json_file_is_imported_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    burger = load_scenario("burger")
    with open_store(url) as store:
        legacy = tmp_path / "config" / "fixed-tips.json"
        legacy.parent.mkdir()
        other = "sqlite:///other.db"
        legacy.write_text(json.dumps({store.url: {burger.content_hash: ["Old one", "Old two"]},
                                      other: {burger.content_hash: ["Not this database"]}}))
        got = fields(store, burger)
        assert [f.text for f in got[:2]] == ["Old one", "Old two"] and got[0].author == IMPORTED_BY
        left = json.loads(legacy.read_text())
        assert store.url not in left and other in left  # only this database's entry is taken out
        # written again in the old file (an old app version still running): not imported a second time
        legacy.write_text(json.dumps({store.url: {burger.content_hash: ["Stale"]}}))
        assert import_legacy(store, legacy) == 0
        assert fixed_texts(store, burger)[0] == "Old one"


def test_fixed_condition_in_the_app_shows_the_supervisors_texts(tmp_path):
    sc = load_scenario("burger")
    with open_store(f"sqlite:///{tmp_path / 'records.db'}") as store:
        tips, _ = compute_tips(store, "Ann", sc, "fixed")
        assert [t.text for t in tips] == handcrafted(sc)
        save_fixed(store, sc, ["Keep the grill busy", "Plate as soon as a dish is ready"], author="Sam")
        tips, empty = compute_tips(store, "Ann", sc, "fixed")
        assert [t.text for t in tips] == ["Keep the grill busy", "Plate as soon as a dish is ready"]
        assert [t.rule for t in tips] == ["fixed:0", "fixed:1"] and empty == ""
        assert [t.text for t in compute_tips(store, "Ann", load_scenario("pasta"), "fixed")[0]] == \
            handcrafted(load_scenario("pasta"))
    assert handcrafted(sc) != list(HANDCRAFTED)  # burger's own, naming Carol, Bob and Alice


def test_desk_editor_saves_fields_with_the_supervisors_name(qtbot, tmp_path):
    from gui.supervisor.fixed_tips_editor import FixedTipsEditor

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    burger, taco = load_scenario("burger"), load_scenario("taco-demo")
    with open_store(url) as store:
        editor = FixedTipsEditor(store, author="Sam")
        qtbot.addWidget(editor)
        editor.scenario.setCurrentIndex(editor.scenario.findData("burger"))
        assert editor.fields[0].text() == "" and editor.fields[0].placeholderText() == handcrafted(burger)[0]
        editor.fields[0].setText("Keep the grill busy")
        editor.fields[2].setText("  Plate early ")
        editor.scenario.setCurrentIndex(editor.scenario.findData("taco-demo"))  # a look elsewhere keeps edits
        assert editor.texts() == ["", "", ""]
        editor.fields[1].setText("Chop while Eli assembles")
        editor.scenario.setCurrentIndex(editor.scenario.findData("burger"))
        assert editor.texts() == ["Keep the grill busy", "", "Plate early"]
        editor.save()
        assert editor.result() == 1
        with open_store(url) as other:
            assert [f.text for f in fields(other, burger)] == ["Keep the grill busy", None, "Plate early"]
            assert [f.text for f in fields(other, taco)] == [None, "Chop while Eli assembles", None]
            assert fields(other, burger)[0].author == "Sam"
        again = FixedTipsEditor(url)  # by URL, as an older caller gives it
        qtbot.addWidget(again)
        again.scenario.setCurrentIndex(again.scenario.findData("burger"))
        assert [f.text() for f in again.fields] == ["Keep the grill busy", "", "Plate early"]
        assert "Sam" in again.notes[0].text() and "handcrafted" in again.notes[1].text()
        again.reject()
