"""`kitchen-coach tips` and `kitchen-coach experiment`: the JSON contract, a
trainee's tips read from the records, and one-line errors."""
import json

import pytest

from engine.scenario import load_scenario
from engine.simulator import Kitchen
from gui.cli import main
from tips.trainees import Habit, SimulatedTrainee, TraineeModel


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("KITCHEN_COACH_CACHE", str(tmp_path_factory.getbasetemp() / "tips-cache"))
    monkeypatch.setenv("KITCHEN_COACH_CONFIG", str(tmp_path_factory.getbasetemp() / "config" / "settings.json"))


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _store_round(db, name, scenario, habit):
    from engine.records.store import open_store

    with open_store(db) as store:
        person = store.person(name)
        session = store.start_session(person, condition="personalised")
        rid = store.start_round(session, scenario, 0)
        t = SimulatedTrainee(name, scenario, TraineeModel(habits=(habit,)), seed=3)
        k = Kitchen(scenario)
        for s, d in t.play(k):
            store.record_decision(rid, s.tick, d)
        store.finish_round(rid)


def test_tips_json_contract(capsys):
    out = _json(capsys, ["tips", "burger", "--json"])
    assert 2 <= len(out["rules"]) <= 8
    for r in out["rules"]:
        assert set(r) >= {"if", "then", "text"} and isinstance(r["if"], list) and r["text"]
    assert out["rules"][-1]["if"] == [] and out["rules"][-1]["text"].startswith("In any other situation")
    assert 0.85 <= out["fidelity"] <= 1
    assert out["condition"] == "mined" and out["tips"]  # the population's, simulated before anyone plays
    assert out["top"] == out["tips"]  # "top" stays: outside checks read it
    for t in out["tips"]:
        assert set(t) == {"rule", "text", "why", "gain"} and t["gain"] > 0 and t["text"]
        assert not t["text"].startswith("In any other situation")


def test_tips_for_a_stored_trainee_and_for_one_without_history(capsys, tmp_path):
    sc = load_scenario("burger")
    db = f"sqlite:///{tmp_path / 'records.db'}"
    _store_round(db, "ann", sc, Habit("server", "cook", 4.0))
    ann = _json(capsys, ["tips", "burger", "--trainee", "ann", "--db", db, "--condition", "personalised", "--json"])
    assert set(ann) == {"condition", "tips"} and ann["condition"] == "personalised"
    assert ann["tips"] and ann["tips"][0]["why"]  # about ann's own decisions
    new = _json(capsys, ["tips", "burger", "--trainee", "newcomer", "--db", db, "--condition", "personalised",
                         "--json"])
    assert new["tips"] and not any(t["why"] for t in new["tips"])  # the population's: nothing of theirs yet
    fixed = _json(capsys, ["tips", "burger", "--trainee", "ann", "--db", db, "--condition", "fixed", "--json"])
    assert [t["rule"] for t in fixed["tips"]] == ["fixed:0", "fixed:1"]


def test_experiment_json_contract(capsys):
    out = _json(capsys, ["experiment", "taco-demo", "--trainees", "2", "--rounds", "2", "--seed", "1", "--json"])
    assert set(out["conditions"]) == {"none", "fixed", "mined", "personalised"}
    for cond in out["conditions"].values():
        assert len(cond["suboptimal_pct"]) == 2 and len(cond["mean_value"]) == 2
        assert all(0 <= x <= 100 for x in cond["suboptimal_pct"])
        assert all(x >= 1 for x in cond["mean_value"])  # turns of a round


def test_text_output_and_errors(capsys):
    assert main(["tips", "taco-demo"]) == 0
    out = capsys.readouterr().out
    assert "Rule list" in out and "fidelity" in out and "turns a round" in out
    assert main(["tips", "no-such-kitchen"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-kitchen" in err[0]
    with pytest.raises(SystemExit) as e:
        main(["experiment", "burger", "--trainees", "0", "--rounds", "1"])
    assert e.value.code == 2


TINY = """
[scenario]
name = "Two-person sandwich bar"
ticks = 12

[[workers]]
name = "Ola"
role = "server"
slice = 3
wrap = 1

[[workers]]
name = "Per"
role = "cook"
slice = 1
wrap = 3

[recipes.sandwich]
tasks = ["slice", "wrap"]
after = { wrap = ["slice"] }

[[orders]]
dish = "sandwich"
count = 2
"""


def test_tips_for_a_scenario_without_a_shipped_expert_trains_one_first(capsys, tmp_path):
    path = tmp_path / "sandwich.toml"
    path.write_text(TINY)
    assert main(["tips", str(path), "--minutes", "0.05", "--json"]) == 0
    captured = capsys.readouterr()
    assert "training one" in captured.err
    out = json.loads(captured.out)
    assert out["rules"] and 0 <= out["fidelity"] <= 1
    assert any("Ola (server)" in r["text"] or "Per (cook)" in r["text"] for r in out["rules"])
