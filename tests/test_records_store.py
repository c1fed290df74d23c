"""The records store against SQLite and, when KITCHEN_COACH_TEST_PG names a
server (scripts/postgres starts one), against real PostgreSQL: same tests."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from sqlalchemy import text

from engine.policies import BASELINES
from engine.records.export import COLUMNS, write_csv
from engine.records.store import StoreError, open_store
from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen



@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    yield request.getfixturevalue("fresh_pg_url")


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    yield s
    s.close()


def play(store, scenario, seed, policy="random", trainee="ada", stop_after=None):
    """Play and store a round tick by tick, as the app does; return (round id, states seen)."""
    person = store.person(trainee)
    session = store.start_session(person, condition="test")
    rid = store.start_round(session, scenario, seed, policy=policy)
    k = Kitchen(scenario, seed)
    rng = np.random.default_rng(seed)
    s = k.initial_state()
    states, decided = [s], 0
    while not s.done:
        if stop_after is not None and decided >= stop_after and k.has_decision(s):
            break
        d = {}
        if k.has_decision(s):
            d = BASELINES[policy](k, s, rng)
            store.record_decision(rid, s.tick, d, think_seconds=0.25)
            decided += 1
        s, _ = k.step(s, d)
        states.append(s)
    return rid, states


def test_person_is_get_or_create_and_keeps_role(store):
    a = store.person("ada")
    assert store.person(" ada ") == a
    assert a.role == "trainee" and not a.has_password
    sup = store.person("grace", "supervisor")
    assert store.person("grace", "supervisor") == sup and sup.role == "supervisor"
    assert [p.name for p in store.people()] == ["ada", "grace"]
    assert [p.name for p in store.people("trainee")] == ["ada"]
    with pytest.raises(StoreError):
        store.person("x", "cook")
    assert sup.id != a.id


def test_supervisor_password_is_scrypt_and_checked(store):
    g = store.person("grace")
    store.set_password(g, "s3cret pass")
    assert store.check_password(g, "s3cret pass")
    assert store.check_password("grace", "s3cret pass")
    assert not store.check_password(g, "s3cret pasS")
    assert not store.check_password("ada-who-does-not-exist", "s3cret pass")
    assert store.require_supervisor("grace", "s3cret pass").role == "supervisor"
    with pytest.raises(StoreError):
        store.require_supervisor("grace", "wrong")
    with store.engine.connect() as c:
        stored = c.execute(text("SELECT password_hash FROM people WHERE name='grace'")).scalar_one()
    assert "s3cret" not in stored and stored.startswith("scrypt$")
    # same password, new salt: a different stored value
    store.set_password(g, "s3cret pass")
    with store.engine.connect() as c:
        assert c.execute(text("SELECT password_hash FROM people WHERE name='grace'")).scalar_one() != stored
    # a trainee has no password at all, so nothing opens the desk for them
    t = store.person("ada")
    assert not store.check_password(t, "")


@pytest.mark.parametrize("scenario_name,policy", [
    ("burger", "random"), ("burger", "greedy"), ("research-disruption", "dispatch"),
    ("dinner-service", "random"), ("taco-demo", "greedy"),
])
def test_stored_rounds_replay_every_state(store, scenario_name, policy):
    sc = load_scenario(scenario_name)
    for seed in (0, 7):
        rid, states = play(store, sc, seed, policy)
        info = store.finish_round(rid)
        replayed = store.replay(rid)
        assert replayed == states
        k = Kitchen(sc, seed)
        assert info.finished and not info.abandoned
        assert info.value == k.value(states[-1]) and info.turns == states[-1].tick
        assert info.served == k.served_count(states[-1])
        # the replay also comes from the stored text alone, not the file on disk
        rec = store.load_round(rid)
        assert rec.scenario_text == sc.text
        assert rec.info.decisions == len(rec.decisions)
        assert all(d.think_seconds == 0.25 for d in rec.decisions)


def test_decisions_are_stored_with_names(store):
    sc = load_scenario("burger")
    rid = store.start_round(store.start_session(store.person("ada")), sc, 3)
    k = Kitchen(sc, 3)
    s = k.initial_state()
    carol = [w.name for w in k.workers].index("Carol")
    chop0 = next(t.index for t in k.tasks if t.order == 0 and t.name == "chop")
    store.record_decision(rid, 0, {carol: chop0, 0: IDLE})
    with store.engine.connect() as c:
        raw = c.execute(text("SELECT decision FROM decisions")).scalar_one()
    named = raw if isinstance(raw, list) else __import__("json").loads(raw)
    assert named == [{"worker": "Carol", "order": 0, "task": "chop"}]
    assert store.load_round(rid).decisions[0].decision == {carol: chop0}
    assert store.replay(rid)[1] == k.step(s, {carol: chop0})[0]


def test_score_and_tips_are_kept(store):
    sc = load_scenario("burger")
    rid = store.start_round(store.start_session(store.person("ada"), "tips"), sc, 1)
    k = Kitchen(sc, 1)
    s = k.initial_state()
    d = BASELINES["greedy"](k, s, None)
    e = BASELINES["dispatch"](k, s, None)
    score = {"expert_decision": {str(w): j for w, j in e.items()}, "regret": np.float64(1.5),
             "per_worker": {0: 1.0, 2: 0.5}, "verdict": "mistake", "value": 12.0, "expert_value": 10.5}
    store.record_decision(rid, 0, d, score, 2.0, tips=[("idle-chef", "Let Carol wait for the cook")])
    store.record_tip(rid, 3, "plate-fast", "Alice plates fastest")
    rec = store.load_round(rid)
    (dec,) = rec.decisions
    assert dec.regret == 1.5 and dec.verdict == "mistake"
    assert dec.per_worker == {"Alice": 1.0, "Carol": 0.5}
    assert dec.expert_decision == [{"worker": k.workers[w].name, "order": k.tasks[j].order, "task": k.tasks[j].name}
                                   for w, j in sorted(e.items()) if j != IDLE]
    assert dec.score["value"] == 12.0
    assert [(t.tick, t.rule) for t in rec.tips] == [(0, "idle-chef"), (3, "plate-fast")]
    assert store.round_info(rid).total_regret == 1.5


def test_one_decision_per_tick(store):
    sc = load_scenario("burger")
    rid = store.start_round(store.start_session(store.person("ada")), sc, 1)
    store.record_decision(rid, 0, {})
    with pytest.raises(Exception):
        store.record_decision(rid, 0, {})
    assert store.load_round(rid).info.decisions == 1


def test_unfinished_round_resumes_or_closes(store):
    sc = load_scenario("research-normal")
    rid, states = play(store, sc, 0, "greedy", stop_after=3)
    done_rid, _ = play(store, sc, 1, "greedy")
    store.finish_round(done_rid)
    ada = store.person("ada")
    assert [r.id for r in store.unfinished_rounds(ada)] == [rid]
    k, s = store.resume(rid)
    assert s == states[-1] and k.has_decision(s)
    # carry on to the end from the resumed state: the log grows where it stopped
    while not s.done:
        d = BASELINES["greedy"](k, s, None) if k.has_decision(s) else {}
        if d or k.has_decision(s):
            store.record_decision(rid, s.tick, d)
        s, _ = k.step(s, d)
    assert store.finish_round(rid).turns == s.tick
    assert store.unfinished_rounds(ada) == []
    rid2, states2 = play(store, sc, 2, "random", stop_after=2)
    closed = store.close_round(rid2)
    assert closed.abandoned and not closed.finished and closed.turns == states2[-1].tick
    assert store.unfinished_rounds(ada) == []
    assert store.replay(rid2) == states2


def test_history_is_per_person_in_order(store):
    sc = load_scenario("taco-demo")
    ids = []
    for seed in range(3):
        rid, _ = play(store, sc, seed, "random")
        store.finish_round(rid)
        ids.append(rid)
    other, _ = play(store, sc, 0, "greedy", trainee="bob")
    hist = store.history(store.person("ada"))
    assert [r.id for r in hist] == ids
    assert all(r.person == "ada" and r.scenario == "taco-demo" and r.finished for r in hist)
    assert [r.id for r in store.history(store.person("bob"))] == [other]


def test_imported_rounds_are_found_by_hash(store):
    sc = load_scenario("research-normal")
    ses = store.start_session(store.person("P017"), condition="imported")
    rid = store.start_round(ses, sc, 0, policy="human", imported=True, source_file="trace.csv",
                            source_hash="ab" * 32)
    assert store.find_import("ab" * 32) == rid
    assert store.find_import("cd" * 32) is None
    assert store.round_info(rid).imported


def test_expert_rows_are_get_or_create(store):
    sc = load_scenario("burger")
    a = store.expert(sc, "f" * 64, {"mean_turns": 8.0})
    assert store.expert(sc, "f" * 64) == a
    assert store.expert(sc, "e" * 64) != a
    rid = store.start_round(store.start_session(store.person("ada")), sc, 0, expert=a)
    assert store.load_round(rid).expert_hash == "f" * 64


def test_export_is_tidy_one_row_per_decision(store, tmp_path):
    sc = load_scenario("burger")
    rid, _ = play(store, sc, 0, "greedy")
    store.record_tip(rid, 0, "r1", "a tip")
    store.finish_round(rid)
    play(store, sc, 1, "random", trainee="bob")
    out = tmp_path / "x.csv"
    n = write_csv(store, out)
    rows = list(csv.DictReader(out.open()))
    total = sum(r.decisions for p in ("ada", "bob") for r in store.history(store.person(p)))
    assert n == len(rows) == total
    assert list(rows[0]) == COLUMNS
    ada = [r for r in rows if r["trainee"] == "ada"]
    assert [int(r["tick"]) for r in ada] == sorted(int(r["tick"]) for r in ada)
    assert ada[0]["tip_shown"] == "a tip" and ada[0]["tip_rule"] == "r1"
    assert ada[0]["round_finished"] == "True" and ada[0]["think_seconds"] == "0.25"
    assert ":" in ada[0]["decision"] or ada[0]["decision"] == "idle"
    n_bob = write_csv(store, out, "bob")
    assert {r["trainee"] for r in csv.DictReader(out.open())} == {"bob"} and n_bob == len(rows) - len(ada)


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError), s.engine.begin() as c:
        c.execute(text("INSERT INTO decisions (round_id, tick, decision, wall_time) "
                       "VALUES (12345, 0, '[]', '2026-01-01')"))
    s.close()


def test_default_location_and_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("KITCHEN_COACH_DB", raising=False)
    s = open_store()
    assert s.url.endswith("kitchen-coach/records.db") and str(tmp_path) in s.url
    s.close()
    monkeypatch.setenv("KITCHEN_COACH_DB", str(tmp_path / "env.db"))
    s = open_store()
    assert s.url.endswith("env.db")
    s.close()


def test_score_can_arrive_after_the_decision(store):
    """The engine thread scores while the round goes on; the score joins the stored tick."""
    sc = load_scenario("burger")
    rid, _ = play(store, sc, 2, "greedy", stop_after=2)
    first = store.load_round(rid).decisions[0]
    assert first.regret is None and first.verdict is None
    store.set_score(rid, first.tick, {"regret": 2.0, "verdict": "mistake", "per_worker": {"1": 2.0},
                                      "expert_decision": {}})
    again = store.load_round(rid).decisions[0]
    assert (again.regret, again.verdict, again.per_worker) == (2.0, "mistake", {"Bob": 2.0})
    assert again.named == first.named and again.wall_time == first.wall_time
    with pytest.raises(StoreError):
        store.set_score(rid, 999, {"regret": 0.0})


def test_imported_times_are_kept(store):
    from datetime import datetime

    when = datetime(2021, 3, 4, 9, 30)
    sc = load_scenario("research-normal")
    ses = store.start_session(store.person("P001"), condition="trace", started_at=when)
    rid = store.start_round(ses, sc, 0, imported=True, started_at=when)
    store.record_decision(rid, 0, {}, wall_time=when)
    rec = store.load_round(rid)
    assert rec.info.started_at == when and rec.decisions[0].wall_time == when
    assert ses.started_at == when
