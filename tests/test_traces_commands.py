"""`kitchen-coach traces ...` end to end on a SQLite file: import, export,
table, calibrate, trainee."""
import json

import numpy as np
import pytest

from engine.policies import BASELINES, greedy_policy
from engine.records.store import open_store
from engine.scenario import load_scenario
from engine.traces.format import write_trace
from engine.traces.generate import habit_policy, simulate_rows
from engine.traces.importer import ImportRefused, import_trace
from engine.traces.replay import replay_file
from engine.traces.format import read_trace
from gui.cli import main

HEADER = "person,round,scenario,tick,worker,order,task\n"


def run(capsys, *argv):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def mixed_trace(tmp_path):
    rows = []
    people = {p: BASELINES[p] for p in ("random", "greedy", "dispatch")}
    for i, name in enumerate(("burger", "research-normal", "dinner-service")):
        rows += simulate_rows(load_scenario(name), name, people, rounds=2, seed=3, first_round=1 + 2 * i)
    path = tmp_path / "mixed.csv"
    write_trace(path, rows)
    return path


def stored_rounds(db):
    with open_store(str(db)) as st:
        return [info for p in st.people() for info in st.history(p)]


@pytest.fixture(autouse=True)
def fake_scorer(monkeypatch):
    """The command scores with the shipped experts; here with FakeScorer, so
    these tests neither wait for rollouts nor depend on trained weights."""
    from engine.traces import importer
    monkeypatch.setattr(importer, "default_scorer", lambda sc: (None, FakeScorer()))


class FakeScorer:
    """Calls a decision a mistake unless it is the greedy one (a stand-in for
    the move scorer, so these tests do not depend on trained experts)."""

    def score(self, k, s, d):
        best = greedy_policy(k, s)
        return {"expert_decision": best, "regret": 0.0 if d == best else 1.0, "per_worker": {},
                "verdict": "best" if d == best else "mistake"}


def test_import_stores_every_round_with_the_engines_states(capsys, tmp_path, mixed_trace):
    db = tmp_path / "r.db"
    rc, out, err = run(capsys, "traces", "import", mixed_trace, "--db", db, "--json")
    assert rc == 0, err
    result = json.loads(out)
    assert len(result["rounds"]) == 18 and result["skipped"] == [] and result["unfinished"] == 0
    replayed = {r.key: r for r in replay_file(read_trace(mixed_trace))[0]}
    with open_store(str(db)) as st:
        for r in result["rounds"]:
            info = st.round_info(r["id"])
            assert info.imported and info.finished and info.person == r["person"]
            mine = replayed[(r["person"], r["round"])]
            assert st.replay(r["id"]) == mine.states
            assert info.value == mine.value
            assert len(mine.decided()) == info.decisions
    from engine.records.models import Round
    with open_store(str(db)) as st, st.Session.begin() as s:
        files = {(x.source_file, x.source_hash) for x in s.query(Round)}
    assert files == {("mixed.csv", result["sha256"])}


def test_export_then_import_round_trips(capsys, tmp_path, mixed_trace):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert run(capsys, "traces", "import", mixed_trace, "--db", a)[0] == 0
    assert run(capsys, "traces", "export", "--db", a, "--out", tmp_path / "e1.csv")[0] == 0
    assert run(capsys, "traces", "import", tmp_path / "e1.csv", "--db", b)[0] == 0
    assert run(capsys, "traces", "export", "--db", b, "--out", tmp_path / "e2.csv")[0] == 0
    assert (tmp_path / "e1.csv").read_text() == (tmp_path / "e2.csv").read_text()
    ra, rb = stored_rounds(a), stored_rounds(b)
    assert [(x.person, x.scenario, x.seed, x.value) for x in ra] == [(x.person, x.scenario, x.seed, x.value) for x in rb]
    with open_store(str(a)) as sa, open_store(str(b)) as sb:
        for x, y in zip(ra, rb):
            assert sa.replay(x.id) == sb.replay(y.id)
    rc, out, _ = run(capsys, "traces", "export", "--db", a, "--out", tmp_path / "g.csv", "--trainee", "greedy")
    assert rc == 0 and "of 6 round(s)" in out
    rc, _, err = run(capsys, "traces", "export", "--db", a, "--out", tmp_path / "x.csv", "--trainee", "nobody")
    assert rc == 2 and "no trainee named 'nobody'" in err


def test_a_scenario_file_of_ones_own_travels_with_the_export(capsys, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "kitchen.toml").write_text(load_scenario("taco-demo").text.replace("Dana", "Dee"))
    (tmp_path / "src" / "t.csv").write_text(HEADER + "ann,1,kitchen.toml,0,Dee,0,chop\nann,1,kitchen.toml,0,Eli,1,chop\n")
    db = tmp_path / "r.db"
    assert run(capsys, "traces", "import", tmp_path / "src" / "t.csv", "--db", db)[0] == 0
    (tmp_path / "out").mkdir()
    rc, out, _ = run(capsys, "traces", "export", "--db", db, "--out", tmp_path / "out" / "e.csv")
    assert rc == 0 and "kitchen.toml" in out
    assert (tmp_path / "out" / "kitchen.toml").read_text() == (tmp_path / "src" / "kitchen.toml").read_text()
    assert run(capsys, "traces", "import", tmp_path / "out" / "e.csv", "--db", tmp_path / "b.db")[0] == 0
    (x,), (y,) = stored_rounds(db), stored_rounds(tmp_path / "b.db")
    assert not x.finished and (x.value, x.turns) == (y.value, y.turns)  # a cut log stays cut
    table = json.loads(run(capsys, "traces", "table", "--db", db, "--json")[1])["rows"]
    assert [(r["rounds"], r["unfinished"], r["decisions"], r["mean"]) for r in table] == [(1, 1, 1, None)]


def test_duplicate_import_is_refused_and_stores_nothing(capsys, tmp_path, mixed_trace):
    db = tmp_path / "r.db"
    assert run(capsys, "traces", "import", mixed_trace, "--db", db)[0] == 0
    rc, out, err = run(capsys, "traces", "import", mixed_trace, "--db", db)
    assert rc == 2 and "already imported" in err and "mixed.csv" in err and err.count("\n") == 1
    assert len(stored_rounds(db)) == 18


@pytest.mark.parametrize("row,expected", [
    ("b,1,burger,0,Zed,0,chop", "line 3: unknown worker 'Zed'"),
    ("b,1,burger,0,Bob,0,plate", "line 3: plate for order 1 (burger) is not open at tick 0"),
    ("b,1,nowhere,0,Bob,0,plate", "line 3: unknown scenario 'nowhere'"),
])
def test_bad_rows_refuse_the_file_naming_the_line(capsys, tmp_path, row, expected):
    f = tmp_path / "t.csv"
    f.write_text(HEADER + "a,1,burger,0,Carol,0,chop\n" + row + "\n")
    db = tmp_path / "r.db"
    rc, out, err = run(capsys, "traces", "import", f, "--db", db)
    assert rc == 2 and expected in err and "nothing imported" in err and "Traceback" not in err
    assert stored_rounds(db) == []
    rc, out, err = run(capsys, "traces", "import", f, "--db", db, "--skip-bad")
    assert rc == 0 and "skipped rounds: b round 1" in out and expected in out
    assert [(x.person, x.imported) for x in stored_rounds(db)] == [("a", True)]


def test_busy_worker_and_missing_column_via_the_command(capsys, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(HEADER + "a,1,burger,0,Carol,0,chop\na,1,burger,1,Carol,1,chop\na,2,burger,0,Zed,0,chop\n")
    rc, _, err = run(capsys, "traces", "import", f, "--db", tmp_path / "r.db")
    assert rc == 2 and "line 3: Carol is busy until tick 2" in err and "line 4: unknown worker 'Zed'" in err
    assert "t.csv: 2 bad rows in 2 round(s); nothing imported" in err and err.count("\n") == 1
    f.write_text("person,round,scenario,tick,order,task\na,1,burger,0,0,chop\n")
    rc, _, err = run(capsys, "traces", "import", f, "--db", tmp_path / "r.db")
    assert rc == 2 and "line 1: missing column worker" in err and err.count("\n") == 1


def test_table_shares_and_means(capsys, tmp_path, mixed_trace):
    db = tmp_path / "r.db"
    rc, out, _ = run(capsys, "traces", "import", mixed_trace, "--db", db, "--json")
    result = json.loads(out)
    assert result["scored"] == result["decisions"] > 0
    rc, out, _ = run(capsys, "traces", "table", "--db", db, "--json")
    table = json.loads(out)
    assert rc == 0 and table["group_by"] == "scenario"
    rows = {(r["group"], r["round"]): r for r in table["rows"]}
    assert sorted(rows) == [(g, n) for g in ("burger", "dinner-service", "research-normal") for n in (1, 2)]
    infos = stored_rounds(db)
    for (group, n), r in rows.items():
        mine = [x for x in infos if x.scenario == group and x.seed == 3 + n - 1]
        assert r["rounds"] == 3 and r["people"] == 3 and r["unfinished"] == 0
        assert r["mean"] == pytest.approx(np.mean([x.value for x in mine]))
        assert r["unit"] == ("points" if group == "dinner-service" else "turns")
        assert 0 < r["suboptimal"] < r["scored"] == r["decisions"]  # random is not greedy; greedy is
    rc, out, _ = run(capsys, "traces", "table", "--db", db, "--group-by", "person")
    assert rc == 0 and "greedy / burger" in out and "% suboptimal" in out
    by_person = json.loads(run(capsys, "traces", "table", "--db", db, "--group-by", "person", "--json")[1])
    assert len(by_person["rows"]) == 3 * 3 * 2  # person x scenario x round
    assert all(r["rounds"] == 1 and r["unit"] != "mixed" for r in by_person["rows"])
    greedy_rows = [r for r in by_person["rows"] if r["group"].startswith("greedy / ")]
    assert len(greedy_rows) == 6 and all(r["suboptimal"] == 0 for r in greedy_rows)


def test_calibrate_writes_a_file_that_passes_the_check(capsys, tmp_path):
    rng = np.random.default_rng(0)
    lines = ["person,round,scenario,tick,worker,order,task,duration"]
    true = {"Alice": 4, "Bob": 3, "Carol": 1}  # chop durations
    for i in range(60):
        w = list(true)[i % 3]
        lines.append(f"log,1,burger,{i},{w},0,chop,{true[w] + int(rng.random() < 0.25)}")
    (tmp_path / "log.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "new.toml"
    rc, stdout, err = run(capsys, "traces", "calibrate", tmp_path / "log.csv", "burger", "--out", out, "--json")
    assert rc == 0, err
    fit = json.loads(stdout)
    assert {d["worker"]: d["estimate"] for d in fit["durations"]} == true
    assert fit["rows_used"] == 60 and 0.05 < fit["slow_prob"] < 0.5
    assert run(capsys, "scenario", "check", out)[1].strip() == "ok"
    (tmp_path / "bad.csv").write_text("\n".join(lines[:3] + ["log,1,burger,0,Zed,0,chop,2"]) + "\n")
    rc, _, err = run(capsys, "traces", "calibrate", tmp_path / "bad.csv", "burger", "--out", tmp_path / "x.toml")
    assert rc == 2 and "bad.csv, line 4: unknown worker 'Zed'" in err and not (tmp_path / "x.toml").exists()


def test_trainee_command_learns_from_stored_rounds(capsys, tmp_path):
    f = tmp_path / "t.csv"
    write_trace(f, simulate_rows(load_scenario("burger"), "burger",
                                 {"ann": habit_policy(greedy_policy, "server", "cook")}, rounds=10))
    db = tmp_path / "r.db"
    assert run(capsys, "traces", "import", f, "--db", db)[0] == 0
    rc, out, err = run(capsys, "traces", "trainee", "--db", db, "--trainee", "ann", "--out",
                       tmp_path / "ann.pt", "--epochs", "100", "--json")
    assert rc == 0, err
    m = json.loads(out)
    assert m["rounds"] == 10 and m["held_out_rounds"] == 2 and m["held_out_accuracy"] > m["held_out_chance"]
    from engine.traces.trainee import load_trainee
    assert load_trainee(tmp_path / "ann.pt").metrics["rounds"] == 10
    rc, _, err = run(capsys, "traces", "trainee", "--db", db, "--trainee", "bob", "--out", tmp_path / "b.pt")
    assert rc == 2 and "no trainee named 'bob'" in err


def test_import_scores_with_the_real_move_scorer(tmp_path):
    """The API path: a real MoveScorer (on an untrained expert, which is
    enough to check that every decided tick is scored and stored whole)."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    from engine.expert.trained import Expert
    from engine.expert.network import PolicyNet
    from engine.expert.scoring import VERDICTS, MoveScorer

    f = tmp_path / "t.csv"
    write_trace(f, simulate_rows(load_scenario("taco-demo"), "taco-demo", {"ann": BASELINES["random"]}, 2))
    expert = Expert(PolicyNet())
    with open_store(str(tmp_path / "r.db")) as st:
        result = import_trace(st, f, scorer_for=lambda sc: (expert, MoveScorer(expert)))
        assert result.scored == result.decisions > 0 and result.unscored == {}
        for _, _, rid in result.rounds:
            rec = st.load_round(rid)
            assert rec.decisions and all(d.verdict in VERDICTS and d.score is not None for d in rec.decisions)
            assert all(d.expert_decision is not None and d.regret is not None for d in rec.decisions)
        with pytest.raises(ImportRefused, match="already imported"):
            import_trace(st, f, scorer_for=None)


def test_each_position_and_decision_is_scored_once_per_import(tmp_path):
    calls = []

    class Counting(FakeScorer):
        def score(self, k, s, d):
            calls.append((s, tuple(sorted(d.items()))))
            return super().score(k, s, d)

    f = tmp_path / "t.csv"
    # the greedy player meets the same positions every round of a deterministic kitchen
    write_trace(f, simulate_rows(load_scenario("research-normal"), "research-normal",
                                 {"a": BASELINES["greedy"], "b": BASELINES["greedy"]}, rounds=3))
    with open_store(str(tmp_path / "r.db")) as st:
        result = import_trace(st, f, scorer_for=lambda sc: (None, Counting()))
        assert result.scored == result.decisions == 6 * len(calls)
        assert len(set(calls)) == len(calls)
        first, *others = [st.load_round(rid).decisions for _, _, rid in result.rounds]
        assert all([d.score for d in o] == [d.score for d in first] for o in others)


def test_an_import_interrupted_while_scoring_stores_nothing(tmp_path, mixed_trace):
    class Interrupted(FakeScorer):
        calls = 0

        def score(self, k, s, d):
            Interrupted.calls += 1
            if Interrupted.calls > 20:
                raise KeyboardInterrupt
            return super().score(k, s, d)

    with open_store(str(tmp_path / "r.db")) as st:
        with pytest.raises(KeyboardInterrupt):
            import_trace(st, mixed_trace, scorer_for=lambda sc: (None, Interrupted()))
        assert st.find_import(read_trace(mixed_trace).sha256) is None  # so it can be imported again
    assert stored_rounds(tmp_path / "r.db") == []


def test_rounds_played_in_the_app_export_and_round_trip(tmp_path):
    from engine.records.play import play_and_store
    from engine.traces.exporter import export_trace

    sc = load_scenario("pasta")
    with open_store(str(tmp_path / "a.db")) as st:
        session = st.start_session(st.person("ann"))
        empty = st.start_round(session, sc, 0)
        st.record_decision(empty, 0, {})  # left everyone idle, then closed the app
        st.close_round(empty)
        played = play_and_store(st, sc, 4, BASELINES["dispatch"], "dispatch", "ann", session=session)
        export_trace(st, tmp_path / "e1.csv")
        states = st.replay(played.id)
    rows = (tmp_path / "e1.csv").read_text().splitlines()[1:]
    assert rows and all(r.startswith("ann,1,pasta,") and r.split(",")[7] == "4" for r in rows)
    with open_store(str(tmp_path / "b.db")) as st:
        (_, _, rid), = import_trace(st, tmp_path / "e1.csv", scorer_for=None).rounds
        assert st.replay(rid) == states and st.round_info(rid).value == played.value
        export_trace(st, tmp_path / "e2.csv")
    assert (tmp_path / "e1.csv").read_text() == (tmp_path / "e2.csv").read_text()
