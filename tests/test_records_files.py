"""Schema upgrades and bad database files: an old schema is backed up and
upgraded; anything the app cannot trust is refused and left byte for byte."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine.records.database import connect, head_revision
from engine.records.store import StoreError, open_store
from engine.scenario import load_scenario
from engine.simulator import Kitchen
from test_records_store import db_url, play  # noqa: F401  (db_url is a fixture)


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file the database consists of, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


def made_store(path: Path) -> Path:
    s = open_store(f"sqlite:///{path}")
    rid, _ = play(s, load_scenario("taco-demo"), 0, "greedy")
    s.finish_round(rid)
    s.close()  # the last connection closing checkpoints the WAL into the file
    return path


def _first_schema_round(engine, scenario, seed, decisions):
    """Write a round the way the revision-0001 app did: raw SQL against that schema."""
    with engine.begin() as c:
        c.execute(text("INSERT INTO people (id, name, role, created_at) VALUES (1, 'ada', 'trainee', '2026-01-05 10:00:00')"))
        c.execute(text("INSERT INTO sessions (id, person_id, started_at, condition, app_version) "
                       "VALUES (1, 1, '2026-01-05 10:00:00', 'tips', '0.0.1')"))
        c.execute(text("INSERT INTO scenarios (id, key, name, content_hash, text) VALUES (1, :k, :n, :h, :t)"),
                  {"k": scenario.key, "n": scenario.name, "h": scenario.content_hash, "t": scenario.text})
        c.execute(text("INSERT INTO rounds (id, session_id, scenario_id, seed, started_at, finished, imported) "
                       "VALUES (1, 1, 1, :seed, '2026-01-05 10:01:00', false, false)"), {"seed": seed})
        for tick, named in decisions:
            c.execute(text("INSERT INTO decisions (round_id, tick, decision, wall_time) "
                           "VALUES (1, :t, :d, '2026-01-05 10:01:05')"),
                      {"t": tick, "d": __import__("json").dumps(named)})


def test_first_schema_database_is_upgraded_with_a_backup(db_url):  # noqa: F811
    engine = connect(db_url, target="0001")
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
        cols = {r[1] for r in c.exec_driver_sql("PRAGMA table_info(rounds)")} if db_url.startswith("sqlite") else set()
    assert "policy" not in cols
    sc = load_scenario("burger")
    k = Kitchen(sc, 4)
    s0 = k.initial_state()
    d0 = {0: 1, 2: 0}  # Alice, Carol on order 0's cook and chop
    named = [{"worker": "Alice", "order": 0, "task": k.tasks[1].name},
             {"worker": "Carol", "order": 0, "task": k.tasks[0].name}]
    _first_schema_round(engine, sc, 4, [(0, named)])
    engine.dispose()

    store = open_store(db_url)
    with store.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
    (r,) = store.unfinished_rounds(store.person("ada"))
    assert r.policy == "human" and not r.abandoned and r.seed == 4
    assert [d.named for d in store.load_round(r.id).decisions] == [named]  # nothing lost in the copy
    states = store.replay(r.id)
    assert states[1] == k.step(s0, d0)[0]
    assert store.close_round(r.id).abandoned
    store.close()
    if db_url.startswith("sqlite"):
        path = Path(db_url.removeprefix("sqlite:///"))
        (bak,) = path.parent.glob("records.db.schema-0001.*.bak")
        with sqlite3.connect(bak) as c:
            assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
            assert c.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1


def test_newer_schema_is_refused_and_left_alone(db_url):  # noqa: F811
    store = open_store(db_url)
    store.person("ada")
    store.close()
    engine = create_engine(db_url)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    before = snapshot(Path(db_url.removeprefix("sqlite:///"))) if db_url.startswith("sqlite") else None
    with pytest.raises(StoreError, match="newer version"):
        open_store(db_url)
    if before is not None:
        assert snapshot(Path(db_url.removeprefix("sqlite:///"))) == before
    else:
        engine = create_engine(db_url)
        with engine.connect() as c:
            assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999"
        engine.dispose()


def test_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("name,score\nada,9\n")
    before = snapshot(path)
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_store(f"sqlite:///{path}")
    assert snapshot(path) == before


def test_corrupt_database_is_refused_untouched(tmp_path):
    path = made_store(tmp_path / "records.db")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    # scribble over every page after the first: the header still says SQLite
    for i in range(page, len(data), 7):
        data[i] = (data[i] * 31 + 17) % 256
    path.write_bytes(bytes(data))
    before = snapshot(path)
    with pytest.raises(StoreError, match="corrupt"):
        open_store(f"sqlite:///{path}")
    assert snapshot(path) == before


def test_truncated_database_is_refused_untouched(tmp_path):
    path = made_store(tmp_path / "records.db")
    path.write_bytes(path.read_bytes()[:4096 + 100])
    before = snapshot(path)
    with pytest.raises(StoreError, match="corrupt"):
        open_store(f"sqlite:///{path}")
    assert snapshot(path) == before


def test_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE songs (title TEXT)")
        c.execute("INSERT INTO songs VALUES ('x')")
    before = snapshot(path)
    with pytest.raises(StoreError, match="not a Kitchen Coach database"):
        open_store(f"sqlite:///{path}")
    assert snapshot(path) == before


def test_current_database_opens_without_backup(tmp_path):
    path = made_store(tmp_path / "records.db")
    s = open_store(str(path))  # a plain path means SQLite
    assert len(s.history(s.person("ada"))) == 1
    s.close()
    assert not list(tmp_path.glob("*.bak"))


def test_unusable_locations_are_one_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(f"sqlite:///{tmp_path / 'missing' / 'r.db'}")
    with pytest.raises(StoreError, match="no database driver|not a database URL"):
        open_store("nosuchdb+driver://x/y")
