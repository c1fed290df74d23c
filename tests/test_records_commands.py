"""Headless play (scored with the real MoveScorer, stored as the app stores a
round) and the CSV export, through the functions and through the console."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def kc(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gui.cli", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def untrained_expert():
    """A real expert network, just not trained: scores are real scorer output."""
    torch = pytest.importorskip("torch")
    from engine.expert.trained import Expert
    from engine.expert.network import PolicyNet

    torch.manual_seed(0)
    return Expert(PolicyNet(hidden=16), scenario_hash="untrained", record={"weights_sha256": "0" * 64})


def test_play_stores_each_scored_decision(tmp_path, untrained_expert):
    from engine.policies import greedy_policy
    from engine.records.play import play_and_store
    from engine.expert.scoring import VERDICTS, MoveScorer

    sc = load_scenario("burger")
    scorer = MoveScorer(untrained_expert, episodes=1)
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    info = play_and_store(store, sc, 1, greedy_policy, "greedy", "ada", scorer=scorer,
                          expert=untrained_expert, optimum=9)
    assert info.finished and info.policy == "greedy" and info.optimum == 9
    rec = store.load_round(info.id)
    assert rec.expert_hash == "0" * 64
    states = {s.tick: s for s in store.replay(info.id)}
    k = store.kitchen(info.id)
    for d in rec.decisions:
        again = scorer.score(k, states[d.tick], d.decision)
        assert d.regret == pytest.approx(again.regret) and d.verdict == again.verdict in VERDICTS
        assert d.per_worker == {k.workers[w].name: pytest.approx(r) for w, r in again.per_worker.items()}
        assert d.think_seconds is not None and d.think_seconds >= 0
    assert info.total_regret == pytest.approx(sum(d.regret for d in rec.decisions))
    store.close()


def test_play_then_export_from_the_console(tmp_path):
    """The issue's acceptance commands, with the shipped burger expert."""
    from engine.expert.trained import ExpertError, shipped_expert

    try:
        shipped_expert(load_scenario("burger"))
    except ExpertError as e:
        pytest.skip(f"no shipped burger expert yet: {e}")
    db = f"sqlite:///{tmp_path / 'X.db'}"
    r = kc("play", "burger", "--policy", "greedy", "--trainee", "ada", "--db", db, "--seed", "1")
    assert r.returncode == 0, r.stderr
    assert "ada" in r.stdout and "round 1" in r.stdout
    r = kc("export", "--db", db, "--out", "x.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((tmp_path / "x.csv").open()))
    assert rows and {"trainee", "tick", "regret", "verdict"} <= set(rows[0])
    assert {r["trainee"] for r in rows} == {"ada"}
    assert all(r["verdict"] in ("best", "good", "inaccuracy", "mistake", "blunder") for r in rows)
    assert all(float(r["regret"]) >= -1e9 for r in rows)


def test_play_and_export_commands_with_a_saved_expert(tmp_path, monkeypatch, capsys):
    """The acceptance commands in-process, with an (untrained) expert saved the
    way `kitchen-coach train` saves one, standing in for the shipped folder."""
    torch = pytest.importorskip("torch")
    import engine.expert.trained as expert_module
    from engine.expert.network import PolicyNet
    from gui.cli import main

    torch.manual_seed(1)
    sc = load_scenario("burger")
    expert_module.save_expert(tmp_path / "experts" / "burger.pt", PolicyNet(hidden=16), sc, {"episodes": 0})
    monkeypatch.setattr(expert_module, "EXPERTS_DIR", tmp_path / "experts")
    db = f"sqlite:///{tmp_path / 'X.db'}"
    for policy in ("greedy", "expert", "random"):
        assert main(["play", "burger", "--policy", policy, "--trainee", "ada", "--db", db, "--seed", "1"]) == 0
    monkeypatch.setattr(expert_module, "EXPERTS_DIR", tmp_path / "nowhere")  # --expert names the file
    assert main(["play", "burger", "--policy", "dispatch", "--trainee", "bob", "--db", db,
                 "--expert", str(tmp_path / "experts" / "burger.pt")]) == 0
    out = capsys.readouterr().out
    assert "stored as round 4" in out
    assert main(["export", "--db", db, "--out", str(tmp_path / "x.csv"), "--trainee", "ada"]) == 0
    rows = list(csv.DictReader((tmp_path / "x.csv").open()))
    assert {"trainee", "tick", "regret", "verdict"} <= set(rows[0])
    assert {r["trainee"] for r in rows} == {"ada"} and {r["policy"] for r in rows} == {"greedy", "expert", "random"}
    assert all(r["verdict"] and r["regret"] != "" for r in rows)
    # the scorer's reference is the best of the expert's move and a search around it, so the
    # expert's own moves are never better than the reference (an untrained one is often worse)
    assert all(float(r["regret"]) >= -1e-6 for r in rows if r["policy"] == "expert")
    store = open_store(db)
    (expert_hash,) = {store.load_round(r.id).expert_hash for r in store.history(store.person("ada"))}
    assert expert_hash == expert_module._sha256(tmp_path / "experts" / "burger.pt")
    store.close()


def test_export_errors_are_one_line(tmp_path, capsys):
    from gui.cli import main

    def run(*args):
        code = main(list(args))
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        return code, err

    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    code, err = run("export", "--db", f"sqlite:///{notes}", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "not a SQLite database" in err
    db = f"sqlite:///{tmp_path / 'r.db'}"
    open_store(db).close()  # export only reads: the database must exist
    code, err = run("export", "--db", db, "--out", str(tmp_path / "x.csv"), "--trainee", "nobody")
    assert code == 2 and "no trainee named 'nobody'" in err
    code, err = run("export", "--db", db, "--out", str(tmp_path / "no" / "x.csv"))
    assert code == 2 and "does not exist" in err
    code, err = run("play", "no-such-kitchen", "--policy", "greedy", "--trainee", "ada", "--db", db)
    assert code == 2 and "no-such-kitchen" in err
    assert not (tmp_path / "x.csv").exists()
