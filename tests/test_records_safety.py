"""The records store against what a user's machine and a user's typing do
to it (issue 11): locks dropped inside the process, a log deleted by another
process, a database that cannot be written, names that do not fit or that
two people would share, one-character passwords."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from engine.records.database import check_sqlite_file
from engine.records.models import SUPERVISOR
from engine.records.store import StoreError, open_store
from engine.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
KC = str(Path(sys.executable).with_name("kitchen-coach"))
OPEN_AND_CLOSE = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                  "c.execute('SELECT count(*) FROM decisions').fetchone(); c.close()")
posix_locks = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads POSIX locks from /proc/locks")


def _round(store, trainee="ada", decisions=0):
    rid = store.start_round(store.start_session(store.person(trainee)), load_scenario("burger"), 0)
    for tick in range(decisions):
        store.record_decision(rid, tick, {})
    return rid


def _kc(*args, **kw):
    return subprocess.run([KC, *args], capture_output=True, text=True, timeout=120, **kw)


# -- locks and the write-ahead log -------------------------------------------------------------------

@posix_locks
def test_checking_a_database_this_process_holds_leaves_its_locks(tmp_path):
    """check_sqlite_file read the magic with open()/close(): that dropped the
    locks of the store this process already had on the file."""
    from tests.cli_helpers import (
        locked_inodes,  # here: this file also runs as a child script
    )

    path = tmp_path / "records.db"
    with open_store(str(path)) as store:
        _round(store, decisions=1)
        before = locked_inodes()
        assert path.stat().st_ino in before
        check_sqlite_file(path)
        open_store(str(path)).close()  # the app opening the same database again (Settings)
        assert locked_inodes() == before


@posix_locks
def test_a_log_deleted_under_the_store_loses_no_decision(tmp_path):
    """Whatever else drops the locks, the store notices that its log was
    deleted and saves what was committed into it, before the process exits."""
    path = tmp_path / "records.db"
    run = subprocess.run([sys.executable, __file__, "deleted-log", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["log_deleted"]  # the sequence did happen
    with open_store(str(path), create=False) as store:
        kept = len(store.load_round(seen["round"]).decisions)
    assert kept == 10, f"{10 - kept} of 10 committed decisions lost"
    assert len(seen["notices"]) == 1 and "deleted the log" in seen["notices"][0]


def _deleted_log_child(path: Path) -> None:
    store = open_store(str(path))
    notices = []
    store.on_notice = notices.append
    rid = _round(store, decisions=5)
    # what a file dialog sniffing the file did: any close() of it drops the process's locks
    os.close(os.open(path, os.O_RDONLY))
    subprocess.run([sys.executable, "-c", OPEN_AND_CLOSE, str(path)], check=True, timeout=60)
    log_deleted = not Path(f"{path}-wal").exists()
    for tick in range(5, 10):
        store.record_decision(rid, tick, {})
    print(json.dumps({"round": rid, "log_deleted": log_deleted, "notices": notices}), flush=True)
    os._exit(0)  # like a killed app: nothing closed, nothing checkpointed on the way out


# -- databases that cannot be written ---------------------------------------------------------------

@pytest.fixture
def read_only_db(tmp_path):
    """A database made unwritable: immutable (chattr +i) as root, who ignores permissions; else read-only."""
    path = tmp_path / "records.db"
    with open_store(str(path)) as store:
        _round(store, decisions=2)
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("this file system cannot make a file immutable")
        yield path
        subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        yield path
        path.chmod(0o644)


def test_an_unwritable_database_is_one_line_for_the_app_and_the_commands(read_only_db):
    with pytest.raises(StoreError, match="is read-only") as e:
        open_store(str(read_only_db))
    assert "\n" not in str(e.value)
    run = _kc("play", "burger", "--policy", "greedy", "--trainee", "ada", "--db", str(read_only_db))
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "is read-only" in run.stderr


def test_a_commit_the_disk_cannot_take_is_one_line(tmp_path):
    with open_store(str(tmp_path / "records.db")) as store:
        rid = _round(store)
        # a full disk, as SQLite sees it: no page may be added to the file
        event.listen(store.engine, "connect", lambda conn, _: conn.execute("PRAGMA max_page_count=1"))
        store.engine.dispose()
        with pytest.raises(StoreError, match="could not save to the database .*: the disk is full"):
            store.record_tip(rid, 0, "rule", "x" * 100_000)


# -- names and passwords ------------------------------------------------------------------------------

def test_a_name_longer_than_its_column_is_refused(tmp_path):
    with open_store(str(tmp_path / "records.db")) as store:
        assert store.person("a" * 200).name == "a" * 200
        with pytest.raises(StoreError, match="at most 200 characters; this one has 100000"):
            store.person("b" * 100_000)
        assert store.find_person("b" * 100_000) is None
    run = _kc("play", "burger", "--policy", "greedy", "--trainee", "c" * 201, "--db", str(tmp_path / "records.db"))
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "at most 200" in run.stderr


def test_a_trainee_cannot_play_under_the_supervisors_name(tmp_path):
    db = str(tmp_path / "records.db")
    with open_store(db) as store:
        store.set_password(store.person("boss", SUPERVISOR), "kitchen-boss-1")
        with pytest.raises(StoreError, match="boss is the supervisor's name"):
            store.person("boss")
    run = _kc("play", "burger", "--policy", "greedy", "--trainee", "boss", "--db", db)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "supervisor's name" in run.stderr
    with open_store(db) as store:
        assert store.history(store.find_person("boss")) == []


def test_a_supervisor_cannot_take_a_trainees_name_or_rounds(tmp_path):
    with open_store(str(tmp_path / "records.db")) as store:
        ada = store.person("ada")
        _round(store, "ada", decisions=1)
        with pytest.raises(StoreError, match="ada is a trainee's name"):
            store.person("ada", SUPERVISOR)
        with pytest.raises(StoreError, match="ada has played 1 round"):
            store.set_password(ada, "a long password")
        assert store.find_person("ada").role == "trainee" and len(store.history(ada)) == 1
        # someone entered as a trainee who never played can still be made the supervisor
        store.set_password(store.person("sam"), "a long password")
        assert store.find_person("sam").role == SUPERVISOR


def test_a_supervisor_password_needs_eight_characters(tmp_path):
    with open_store(str(tmp_path / "records.db")) as store:
        boss = store.person("boss", SUPERVISOR)
        for short in ("", "x", "1234567"):
            with pytest.raises(StoreError, match="at least 8 characters"):
                store.set_password(boss, short)
        assert not store.find_person("boss").has_password
        store.set_password(boss, "12345678")
        assert store.check_password("boss", "12345678")


def test_the_first_supervisor_dialog_refuses_a_short_password(qtbot, tmp_path):
    from gui.supervisor.login import LoginDialog

    with open_store(str(tmp_path / "records.db")) as store:
        dialog = LoginDialog(store)
        qtbot.addWidget(dialog)
        assert dialog.setup
        dialog.name.setText("boss")
        dialog.pw.setText("abc")
        dialog.confirm.setText("abc")
        dialog.try_accept()
        assert "at least 8 characters" in dialog.error.text()
        assert store.find_person("boss") is None  # no supervisor left behind without a password
        dialog.pw.setText("abcdefgh")
        dialog.confirm.setText("abcdefgh")
        dialog.try_accept()
        assert dialog.result() and store.find_person("boss").has_password


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1] == "deleted-log":
        _deleted_log_child(Path(sys.argv[2]))
