"""Supervisor-only data on the command line: once a supervisor has a password,
`export` (every trainee's decisions), `tips --trainee` (a trainee's tips) and
`report` need it; a database with no supervisor needs none. Commands that only
read never create a database, and an empty --db is refused, not "the default"."""
from __future__ import annotations

import json

import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario
from gui.reports.sample_data import seed_trainees
from tests.cli_helpers import isolated, run  # noqa: F401 (isolated: a fixture every test here uses)

pytestmark = pytest.mark.usefixtures("isolated")
PASSWORD = "kitchen-boss-1"


@pytest.fixture
def open_db(tmp_path):
    """Two trainees' scored rounds and no supervisor yet."""
    path = tmp_path / "records.db"
    with open_store(str(path)) as store:
        seed_trainees(store, load_scenario("taco-demo"), trainees=2, rounds=1, seed=4, tips=False)
    return path


@pytest.fixture
def locked_db(open_db):
    with open_store(str(open_db)) as store:
        store.set_password(store.person("Sam", "supervisor"), PASSWORD)
    return open_db


def refused(code, err, *words):
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return all(w in err for w in words)


COMMANDS = {
    "export": lambda db, tmp: ["export", "--db", str(db), "--out", str(tmp / "x.csv"), "--json"],
    "export one trainee": lambda db, tmp: ["export", "--db", str(db), "--out", str(tmp / "x.csv"),
                                           "--trainee", "Trainee 01", "--json"],
    "tips --trainee": lambda db, tmp: ["tips", "taco-demo", "--trainee", "Trainee 01", "--db", str(db), "--json"],
    "report": lambda db, tmp: ["report", "--all", "--out", str(tmp / "r.csv"), "--db", str(db), "--json"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_supervisor_only_data_needs_the_password(command, locked_db, tmp_path, capsys, monkeypatch):
    argv = COMMANDS[command](locked_db, tmp_path)
    code, out, err = run(argv, capsys)
    assert refused(code, err, "supervisor password", "--password", "KITCHEN_COACH_SUPERVISOR_PASSWORD")
    assert out == "" and not (tmp_path / "x.csv").exists() and not (tmp_path / "r.csv").exists()
    code, out, err = run(argv + ["--password", "guessing-1"], capsys)
    assert refused(code, err, "wrong") and out == ""
    code, out, err = run(argv + ["--password", "Trainee 01"], capsys)  # a trainee's name is no password
    assert refused(code, err, "wrong")
    code, out, err = run(argv + ["--password", PASSWORD], capsys)
    assert code == 0, err
    assert json.loads(out.splitlines()[-1])
    monkeypatch.setenv("KITCHEN_COACH_SUPERVISOR_PASSWORD", PASSWORD)
    code, out, err = run(argv, capsys)
    assert code == 0, err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_database_without_a_supervisor_needs_no_password(command, open_db, tmp_path, capsys):
    code, out, err = run(COMMANDS[command](open_db, tmp_path), capsys)
    assert code == 0, err
    assert json.loads(out.splitlines()[-1])


def test_export_counts_what_it_wrote(open_db, tmp_path, capsys):
    code, out, _ = run(COMMANDS["export"](open_db, tmp_path), capsys)
    whole = json.loads(out)
    code, out, _ = run(COMMANDS["export one trainee"](open_db, tmp_path), capsys)
    one = json.loads(out)
    assert whole["trainees"] == 2 and one["trainees"] == 1 and 0 < one["rows"] < whole["rows"]


READERS = {
    "export": lambda db, tmp: ["export", "--db", db, "--out", str(tmp / "x.csv")],
    "report": lambda db, tmp: ["report", "--all", "--out", str(tmp / "r.csv"), "--db", db],
    "tips --trainee": lambda db, tmp: ["tips", "taco-demo", "--trainee", "Trainee 01", "--db", db],
    "supervisor": lambda db, tmp: ["supervisor", "--db", db],
}


@pytest.fixture
def no_dialog(qapp, monkeypatch):
    """Were the desk to open, its password dialog would be cancelled, not wait for a person."""
    from gui.supervisor import login

    monkeypatch.setattr(login.LoginDialog, "exec", lambda self: 0)


@pytest.mark.parametrize("command", READERS)
def test_a_mistyped_database_is_not_created(command, tmp_path, capsys, no_dialog):
    typo = tmp_path / "recrods.db"
    code, out, err = run(READERS[command](str(typo), tmp_path), capsys)
    assert refused(code, err, "no database at", str(typo))
    assert not typo.exists() and list(tmp_path.iterdir()) == []
    code, out, err = run(READERS[command](f"sqlite:///{typo}", tmp_path), capsys)
    assert refused(code, err, "no database at") and not typo.exists()


@pytest.mark.parametrize("command", [*READERS, "play"])
def test_an_empty_database_url_is_refused(command, tmp_path, capsys, no_dialog, monkeypatch):
    """An unset shell variable (`--db "$DB"`) must not quietly mean the default database."""
    monkeypatch.setenv("KITCHEN_COACH_DB", str(tmp_path / "default.db"))
    argv = (["play", "taco-demo", "--policy", "greedy", "--trainee", "ann", "--db", ""] if command == "play"
            else READERS[command]("", tmp_path))
    code, out, err = run(argv, capsys)
    assert refused(code, err, "empty")
    assert not (tmp_path / "default.db").exists()


def test_the_top_level_db_reaches_tips(locked_db, tmp_path, capsys):
    """`kitchen-coach --db X tips ...`: X is the database asked (here, locked), not the default."""
    code, out, err = run(["--db", str(locked_db), "tips", "taco-demo", "--trainee", "Trainee 01"], capsys)
    assert refused(code, err, "supervisor password")
