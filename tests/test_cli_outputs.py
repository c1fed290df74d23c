"""An export is written beside its file and renamed over it: pointed at the
records database (or its side files) it would replace every trainee's
decisions with a CSV. Every command that writes a file refuses that, in one
line, and the database is left as it was."""
import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario
from gui.cli import main


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "records.db"
    with open_store(str(path)) as store:
        rid = store.start_round(store.start_session(store.person("ada")), load_scenario("burger"), 0)
        store.record_decision(rid, 0, {})
    return path


@pytest.mark.parametrize("command", [["export"], ["traces", "export"]])
@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_an_export_never_replaces_the_database(db, capsys, command, suffix):
    before = db.read_bytes()
    assert main([*command, "--db", str(db), "--out", f"{db}{suffix}"]) == 2
    err = capsys.readouterr().err
    assert "is the records database itself" in err and len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before
    with open_store(str(db), create=False) as store:
        assert len(store.history(store.find_person("ada"))) == 1


def test_another_file_is_written(db, tmp_path):
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "decisions.csv")]) == 0
    assert (tmp_path / "decisions.csv").read_text().count("\n") == 2
