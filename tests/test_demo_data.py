"""`kitchen-coach demo-data` (issue 17): simulated trainees stored as the app
stores rounds, with conditions, tips shown and scored decisions; reproducible
by seed; one-line refusals; the --json contract. Small sizes only."""
import json
import os
from collections import defaultdict

import pytest

from engine.records.store import open_store
from tests.cli_helpers import isolated, run  # noqa: F401 (fixture)

ARGS = ["demo-data", "--scenario", "burger", "--json"]


def _fill(capsys, db, trainees=4, rounds=2, seed=1, *extra):
    code, out, err = run(ARGS + ["--trainees", str(trainees), "--rounds", str(rounds), "--seed", str(seed),
                                 "--db", f"sqlite:///{db}", *extra], capsys)
    assert code == 0, err
    assert "Traceback" not in err
    return json.loads(out.strip().splitlines()[-1])


def _contents(db) -> dict:
    """Everything a supervisor would see of each trainee, through the Store's views."""
    out = {}
    with open_store(f"sqlite:///{db}", create=False) as st:
        for p in st.people("trainee"):
            rounds = []
            for info in st.history(p):
                rec = st.load_round(info.id)
                rounds.append((info.seed, info.value, info.finished, info.decisions, info.total_regret,
                               [(d.tick, d.named, d.regret, d.verdict, d.think_seconds) for d in rec.decisions],
                               [(t.tick, t.rule, t.text) for t in rec.tips], st.adherence(info.id)))
            out[p.name] = rounds
    return out


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """4 trainees x 3 rounds, filled once for the tests that only read it."""
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("demo")
    mp.setenv("KITCHEN_COACH_CACHE", str(tmp_path_factory.getbasetemp() / "tips-cache"))
    mp.setenv("KITCHEN_COACH_CONFIG", str(base / "config" / "settings.json"))
    mp.delenv("KITCHEN_COACH_DB", raising=False)
    from gui.cli import main

    db = base / "demo.db"
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(ARGS + ["--trainees", "4", "--rounds", "3", "--seed", "5", "--db", f"sqlite:///{db}"]) == 0
    mp.undo()
    return db, json.loads(out.getvalue().strip().splitlines()[-1])


def test_json_contract_and_counts_match_the_database(demo_db):
    db, out = demo_db
    assert set(out) == {"trainees", "rounds", "decisions"}
    assert out["trainees"] == 4 and out["rounds"] == 4 * 3
    with open_store(f"sqlite:///{db}", create=False) as st:
        people = st.people("trainee")
        assert len(people) == 4
        histories = [st.history(p) for p in people]
    assert [len(h) for h in histories] == [3, 3, 3, 3]
    assert out["decisions"] == sum(info.decisions for h in histories for info in h) > 0


def test_rounds_read_back_through_the_store_like_played_ones(demo_db):
    db, _ = demo_db
    with open_store(f"sqlite:///{db}", create=False) as st:
        for p in st.people("trainee"):
            for info in st.history(p):
                assert info.finished and info.person == p.name and info.scenario == "burger"
                rec = st.load_round(info.id)
                assert rec.expert_hash, "rounds name the expert that scored them, as `play` does"
                assert all(d.verdict is not None and d.regret is not None for d in rec.decisions)
                assert info.total_regret == pytest.approx(sum(d.regret for d in rec.decisions))
                # the stored decisions replay to the stored outcome
                states = st.replay(info.id)
                assert st.kitchen(info.id).value(states[-1]) == info.value
                assert info.optimum is not None and info.value >= info.optimum


def test_conditions_are_balanced_and_tips_shown_are_recorded(demo_db):
    db, _ = demo_db
    with open_store(f"sqlite:///{db}", create=False) as st:
        condition = {row["trainee"]: row["condition"] for row in st.export_rows()}
        assert sorted(condition.values()) == ["fixed", "mined", "none", "personalised"]
        for p in st.people("trainee"):
            for info in st.history(p):
                rec = st.load_round(info.id)
                c = condition[p.name]
                if c == "none":
                    assert rec.tips == [] and st.adherence(info.id) is None
                    continue
                assert rec.tips and all(t.tick == 0 and t.text for t in rec.tips)
                if c == "fixed":
                    assert all(t.rule.startswith("fixed:") for t in rec.tips)
                else:  # mined rules: the keys say what they advise, and adherence is kept
                    assert all(t.rule.startswith("when ") for t in rec.tips)
                    kept = st.adherence(info.id)
                    assert kept is not None
                    assert {r[1] for r in kept} <= {t.rule for t in rec.tips}


def test_same_seed_same_records_and_another_seed_others(capsys, isolated, tmp_path):
    a, b, c = (tmp_path / f"{x}.db" for x in "abc")
    assert _fill(capsys, a, 3, 2, 7) == _fill(capsys, b, 3, 2, 7)
    _fill(capsys, c, 3, 2, 8)
    ca, cb, cc = _contents(a), _contents(b), _contents(c)
    assert ca == cb
    assert ca != cc


def test_trainees_improve_over_rounds_on_average(capsys, isolated, tmp_path):
    db = tmp_path / "learn.db"
    _fill(capsys, db, 12, 4, 0)
    per_round = defaultdict(list)
    with open_store(f"sqlite:///{db}", create=False) as st:
        for p in st.people("trainee"):
            for r, info in enumerate(st.history(p)):
                per_round[r].append(info.total_regret / info.decisions)
    mean = [sum(v) / len(v) for _, v in sorted(per_round.items())]
    assert mean[-1] < mean[0], mean


def _one_line_refusal(code, err):
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_bad_input_is_one_line_and_changes_nothing(capsys, isolated, tmp_path):
    new = tmp_path / "new.db"
    for argv, words in (
        (["--scenario", "no-such-kitchen", "--trainees", "2", "--rounds", "1"], "no-such-kitchen"),
        (["--scenario", "burger", "--trainees", "0", "--rounds", "1"], "--trainees"),
        (["--scenario", "burger", "--trainees", "2", "--rounds", "0"], "--rounds"),
        (["--scenario", "burger", "--trainees", "2", "--rounds", "1", "--prefix", "  "], "--prefix"),
    ):
        code, out, err = run(["demo-data", *argv, "--db", f"sqlite:///{new}", "--json"], capsys)
        assert words in _one_line_refusal(code, err)
        assert not new.exists(), "a refused run creates no database"

    db = tmp_path / "taken.db"
    _fill(capsys, db, 2, 1, 3)
    before = _contents(db)
    size = os.path.getsize(db)
    code, out, err = run(ARGS + ["--trainees", "3", "--rounds", "1", "--db", f"sqlite:///{db}"], capsys)
    err = _one_line_refusal(code, err)
    assert "Demo trainee 001" in err and "--prefix" in err and "--db" in err
    assert _contents(db) == before and os.path.getsize(db) == size
    # the way out the message gives works
    assert _fill(capsys, db, 3, 1, 3, "--prefix", "Second group")["trainees"] == 3
    assert len(_contents(db)) == 5


@pytest.mark.slow
def test_several_scoring_processes_store_the_same_records(capsys, isolated, tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    assert _fill(capsys, one, 4, 2, 2) == _fill(capsys, two, 4, 2, 2, "--workers", "2")
    assert _contents(one) == _contents(two)


@pytest.mark.postgres
def test_fills_a_postgresql_database_as_sqlite(capsys, isolated, tmp_path, fresh_pg_url):
    url = fresh_pg_url
    code, out, err = run(ARGS + ["--trainees", "2", "--rounds", "2", "--seed", "4", "--db", url], capsys)
    assert code == 0, err
    pg = json.loads(out.strip().splitlines()[-1])
    lite = _fill(capsys, tmp_path / "same.db", 2, 2, 4)
    assert pg == lite
    with open_store(url, create=False) as st:
        rounds = [(info.value, info.decisions, info.total_regret)
                  for p in st.people("trainee") for info in st.history(p)]
    assert rounds == [(r[1], r[3], r[4]) for rs in _contents(tmp_path / "same.db").values() for r in rs]