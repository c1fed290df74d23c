"""Trace files as a careless world hands them over: imports killed half-way,
the same rounds in other bytes, broken CSV, absurd values, many bad rows,
and who may export what (issue 11)."""
import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.policies import BASELINES
from engine.records.store import open_store
from engine.scenario import load_scenario
from engine.traces.format import parse_trace, read_trace, write_trace
from engine.traces.generate import simulate_rows
from engine.traces.importer import ImportRefused, import_trace
from engine.traces.replay import replay_file
from gui.cli import main

ROOT = Path(__file__).resolve().parents[1]
HEADER = "person,round,scenario,tick,worker,order,task\n"


def run(capsys, *argv):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(autouse=True)
def unscored(monkeypatch):
    """The command scores with the shipped experts; these tests are about what
    is stored, so decisions are stored unscored (and quickly)."""
    from engine.traces import importer

    def no_scorer(sc):
        raise LookupError("not scored in these tests")

    monkeypatch.setattr(importer, "default_scorer", no_scorer)
    monkeypatch.delenv("KITCHEN_COACH_SUPERVISOR_PASSWORD", raising=False)


def people_trace(path, rounds=5, people=("ann", "bob", "cy", "dee"), policy="random", scenario="burger"):
    rows = simulate_rows(load_scenario(scenario), scenario, {p: BASELINES[policy] for p in people}, rounds, seed=7)
    write_trace(path, rows)
    return rows


def stored(db):
    """(person, decisions) of every stored round, and how many there are."""
    with open_store(str(db)) as st:
        return sorted((info.person, info.decisions) for p in st.people() for info in st.history(p))


def expected(path):
    good, problems = replay_file(read_trace(path))
    assert not problems
    return sorted((r.person, len(r.decided())) for r in good)


# -- 1. an import is all or nothing, and a round is known by what it is -------------------

HOLD_AT_FIFTH_ROUND = """
import sys, threading
from sqlalchemy import event
from sqlalchemy.engine import Engine

inserts = 0

@event.listens_for(Engine, "before_cursor_execute")
def hold(conn, cursor, statement, parameters, context, executemany):
    # wait to be killed just before the fifth round is written
    global inserts
    if statement.lstrip().upper().startswith("INSERT INTO ROUNDS"):
        inserts += 1
        if inserts == 5:
            print("storing", flush=True)
            threading.Event().wait()

from engine.records.store import open_store
from engine.traces.importer import import_trace
with open_store(sys.argv[2]) as st:
    import_trace(st, sys.argv[1], scorer_for=None)
print("finished", flush=True)
"""


def test_an_import_killed_while_storing_stores_nothing_and_runs_again_whole(tmp_path):
    f, db = tmp_path / "t.csv", tmp_path / "r.db"
    people_trace(f)  # 20 rounds
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", HOLD_AT_FIFTH_ROUND, str(f), str(db)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "storing\n", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert stored(db) == []  # not four rounds and a half
    with open_store(str(db)) as st:
        result = import_trace(st, f, scorer_for=None)
        assert len(result.rounds) == 20 and result.already == []
        with pytest.raises(ImportRefused, match="already imported: all 20 round"):
            import_trace(st, f, scorer_for=None)
    assert stored(db) == expected(f)


def test_an_import_left_half_done_by_an_older_version_is_completed(tmp_path):
    """Before imports were one transaction a killed import kept its first
    rounds (and half of the next) and refused the file ever after."""
    f, db = tmp_path / "t.csv", tmp_path / "r.db"
    people_trace(f, rounds=3, people=("ann", "bob"))
    trace = read_trace(f)
    good, _ = replay_file(trace)
    with open_store(str(db)) as st:  # what the old importer left: two rounds whole, the third half
        session = st.start_session(st.person("ann"), condition="imported")
        for r, whole in zip(sorted(good, key=lambda r: r.key)[:3], (True, True, False)):
            rid = st.start_round(session, r.scenario, r.seed, imported=True, source_file="t.csv",
                                 source_hash=trace.sha256)
            decided = r.decided()
            for s, d in decided if whole else decided[:2]:
                st.record_decision(rid, s.tick, d)
            if whole:
                st.finish_round(rid)
        result = import_trace(st, f, scorer_for=None)
        assert len(result.rounds) == 4 and len(result.already) == 2 and result.removed == 1
        assert st.unfinished_rounds(st.find_person("ann")) == []
    assert stored(db) == expected(f)


def test_the_same_rounds_in_other_bytes_are_not_stored_again(capsys, tmp_path):
    f, db = tmp_path / "t.csv", tmp_path / "r.db"
    rows = people_trace(f, rounds=2)
    assert run(capsys, "traces", "import", f, "--db", db)[0] == 0
    # one more column, the rows backwards, workers named by their (unique) roles
    roles = {w.name: w.role for w in load_scenario("burger").workers}
    other = tmp_path / "other.csv"
    with open(other, "w", newline="") as out:
        w = csv.DictWriter(out, ["note", "task", "order", "worker", "tick", "scenario", "round", "person", "seed"])
        w.writeheader()
        for r in reversed(rows):
            w.writerow({**{k: r[k] for k in w.fieldnames if k in r}, "note": "copied", "worker": roles[r["worker"]]})
    rc, out, err = run(capsys, "traces", "import", other, "--db", db)
    assert rc == 2 and "already imported: all 8 round(s) are in the database" in err and err.count("\n") == 1
    assert stored(db) == expected(f)
    # a file with one new round among the known ones stores that one alone
    more = tmp_path / "more.csv"
    write_trace(more, rows + simulate_rows(load_scenario("burger"), "burger", {"eve": BASELINES["random"]}, 1))
    rc, out, err = run(capsys, "traces", "import", more, "--db", db, "--json")
    result = json.loads(out)
    assert rc == 0 and [(r["person"]) for r in result["rounds"]] == ["eve"] and len(result["already_stored"]) == 8
    assert stored(db) == expected(more)


def test_a_round_played_twice_alike_is_kept_twice_and_never_a_third_time(tmp_path):
    f, db = tmp_path / "t.csv", tmp_path / "r.db"
    rows = people_trace(f, rounds=3, people=("ann",), policy="greedy")  # greedy on burger: the same round
    assert len({(r["tick"], r["worker"], r["task"], r["order"]) for r in rows}) == len(rows) // 3
    with open_store(str(db)) as st:
        assert len(import_trace(st, f, scorer_for=None).rounds) == 3
        four = tmp_path / "four.csv"
        write_trace(four, rows + [{**r, "round": 4} for r in rows if r["round"] == 1])
        result = import_trace(st, four, scorer_for=None)
        assert [(p, n) for p, n, _ in result.rounds] == [("ann", 4)] and len(result.already) == 3
    assert len(stored(db)) == 4


def test_rounds_played_in_the_app_and_exported_are_not_imported_again(tmp_path):
    from engine.records.play import play_and_store
    from engine.traces.exporter import export_trace

    db = tmp_path / "r.db"
    with open_store(str(db)) as st:
        for seed in (1, 2):
            play_and_store(st, load_scenario("pasta"), seed, BASELINES["random"], "random", "ann")
        export_trace(st, tmp_path / "e.csv")
        with pytest.raises(ImportRefused, match="already imported: all 2 round"):
            import_trace(st, tmp_path / "e.csv", scorer_for=None)
    assert len(stored(db)) == 2


def test_the_content_hash_ignores_the_order_assignments_are_listed_in():
    from engine.records.imports import content_digest

    a = [(0, "Bob", 0, "chop"), (0, "Carol", 1, "chop"), (3, "Bob", 0, "cook")]
    assert content_digest("ann", "h", None, a) == content_digest("ann", "h", None, a[::-1])
    assert content_digest("ann", "h", None, a) != content_digest("bob", "h", None, a)
    assert content_digest("ann", "h", 1, a) != content_digest("ann", "h", 2, a)


# -- 2. CSV that cannot be trusted, values no kitchen has ---------------------------------

def test_a_megabyte_value_is_one_line_naming_the_file_and_line(capsys, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(HEADER + "a,1,burger,0,Carol,0,chop\n" + "b,1,burger,0," + "x" * 1_000_000 + ",0,chop\n")
    rc, out, err = run(capsys, "traces", "import", f, "--db", tmp_path / "r.db", "--skip-bad")
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"{f}, line 3: a value longer than" in err and len(err) < 300


def test_an_unterminated_quote_is_reported_not_swallowed(capsys, tmp_path):
    rows = ["a,1,burger,0,Carol,0,chop", 'a,1,burger,0,Bob,1,"chop']
    rows += [f"p{i},1,burger,0,Carol,0,chop" for i in range(44)]
    f = tmp_path / "t.csv"
    f.write_text(HEADER + "\n".join(rows) + "\n")
    db = tmp_path / "r.db"
    rc, out, err = run(capsys, "traces", "import", f, "--db", db, "--skip-bad")
    assert rc == 2 and err.count("\n") == 1
    assert "line 3: a quoted value runs to the end of the file (a closing quote is missing?); 45 lines" in err
    assert stored(db) == []
    f.write_text(HEADER + "\n".join(rows[:3] + ['b,1,burger,0,Bob,"1",chop"'] + rows[3:]) + "\n")
    rc, out, err = run(capsys, "traces", "import", f, "--db", db, "--skip-bad")
    assert rc == 2 and "line 3: a quoted value runs on to line 5" in err


def test_a_name_longer_than_the_database_keeps_is_a_bad_row(capsys, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(HEADER + "a,1,burger,0,Carol,0,chop\n" + "n" * 100_000 + ",1,burger,0,Carol,0,chop\n")
    db = tmp_path / "r.db"
    rc, out, err = run(capsys, "traces", "import", f, "--db", db)
    assert rc == 2 and err.count("\n") == 1 and len(err) < 300
    assert "line 3: person 'nnnn" in err and "is longer than a name can be (at most 200 characters)" in err
    rc, out, err = run(capsys, "traces", "import", f, "--db", db, "--skip-bad")
    assert rc == 0 and stored(db) == [("a", 1)]


@pytest.mark.parametrize("cell,message", [
    ("seed=" + "9" * 30, "seed '999999999999999999999999999999' is too large (at most 9223372036854775807)"),
    ("seed=9223372036854775808", "seed 9223372036854775808 is too large"),
    ("tick=1_0", "tick must be a whole number, not '1_0'"),
    ("duration=" + "7" * 12, "duration 777777777777 is longer than a round can last (at most 10,000 ticks)"),
    ("scenario=" + "s" * 5000, "line 2: unknown scenario 'ssss"),
    ("worker=" + "w" * 5000, "line 2: unknown worker 'wwww"),
])
def test_absurd_values_are_bad_rows_in_one_short_line(capsys, tmp_path, cell, message):
    column, value = cell.split("=", 1)
    row = {"person": "a", "round": "1", "scenario": "burger", "tick": "0", "worker": "Carol", "order": "0",
           "task": "chop", "seed": "", "duration": ""}
    row[column] = value
    f = tmp_path / "t.csv"
    f.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n")
    rc, out, err = run(capsys, "traces", "import", f, "--db", tmp_path / "r.db")
    assert rc == 2 and message in err and err.count("\n") == 1 and len(err) < 400, err


def test_a_supervisors_name_in_a_trace_is_a_bad_round(capsys, tmp_path):
    db = tmp_path / "r.db"
    with open_store(str(db)) as st:
        st.set_password(st.person("boss"), "a long password")
    f = tmp_path / "t.csv"
    f.write_text(HEADER + "a,1,burger,0,Carol,0,chop\nboss,1,burger,0,Carol,0,chop\n")
    rc, out, err = run(capsys, "traces", "import", f, "--db", db)
    assert rc == 2 and "line 3: 'boss' is a supervisor's name" in err
    assert run(capsys, "traces", "import", f, "--db", db, "--skip-bad")[0] == 0
    assert stored(db) == [("a", 1)]


# -- 3. many bad rows: one line, every one with --verbose -----------------------------------

def many_bad(tmp_path, n=10):
    f = tmp_path / "bad.csv"
    f.write_text("person,round,scenario,tick,worker,order,task,duration\nok,1,burger,0,Carol,0,chop,1\n"
                 + "".join(f"p{i},1,burger,0,Zed,0,chop,2\n" for i in range(n)))
    return f


def test_many_bad_rows_are_one_line_and_verbose_lists_them(capsys, tmp_path):
    f, db = many_bad(tmp_path), tmp_path / "r.db"
    rc, out, err = run(capsys, "traces", "import", f, "--db", db)
    assert rc == 2 and err.count("\n") == 1
    assert "10 bad rows in 10 round(s); nothing imported" in err
    assert "line 3: unknown worker 'Zed'" in err and "line 5: unknown worker" in err and "line 6:" not in err
    assert "and 7 more (--verbose lists them all)" in err
    rc, out, err = run(capsys, "traces", "import", f, "--db", db, "--verbose")
    assert rc == 2 and err.count("\n") == 11 and all(f"bad.csv, line {i}: unknown worker" in err for i in range(3, 13))
    rc, out, err = run(capsys, "traces", "import", f, "--db", db, "--skip-bad")
    assert rc == 0 and [line.split(":")[0] for line in out.splitlines()] == [
        "skipped rounds", "not scored (burger)", "note", "imported 1 round(s) of 1 person(s) from " + str(f)]
    assert "skipped rounds: p0 round 1, p1 round 1, p2 round 1 and 7 more (10 bad row(s): line 3:" in out


def test_a_file_of_bad_rounds_only_is_one_line_with_skip_bad_too(capsys, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(HEADER + "".join(f"p{i},1,burger,0,Zed,0,chop\n" for i in range(5)))
    rc, out, err = run(capsys, "traces", "import", f, "--db", tmp_path / "r.db", "--skip-bad")
    assert rc == 2 and err.count("\n") == 1 and "--skip-bad imports" not in err
    assert "no round to import, every round has a bad row (5 bad rows): line 2: unknown worker 'Zed'" in err
    assert "; and 2 more (--verbose lists them all)" in err


def test_calibrate_says_its_bad_rows_in_one_line(capsys, tmp_path):
    f = many_bad(tmp_path)
    rc, out, err = run(capsys, "traces", "calibrate", f, "burger", "--out", tmp_path / "n.toml")
    assert rc == 2 and err.count("\n") == 1 and "10 bad rows; nothing written" in err and "and 7 more" in err
    rc, out, err = run(capsys, "traces", "calibrate", f, "burger", "--out", tmp_path / "n.toml", "--verbose")
    assert rc == 2 and err.count("\n") == 11


# -- 4. --json everywhere, progress where it takes a while -----------------------------------

def test_export_speaks_json(capsys, tmp_path):
    f, db = tmp_path / "t.csv", tmp_path / "r.db"
    people_trace(f, rounds=1, people=("ann", "bob"))
    assert run(capsys, "traces", "import", f, "--db", db)[0] == 0
    rc, out, err = run(capsys, "traces", "export", "--db", db, "--out", tmp_path / "e.csv", "--json")
    assert rc == 0, err
    got = json.loads(out.strip().splitlines()[-1])
    assert got["out"] == str(tmp_path / "e.csv") and got["rounds"] == 2
    assert got["rows"] == len(read_trace(tmp_path / "e.csv").rounds[0].rows) * 2 == len(read_trace(f).rounds[0].rows) * 2


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_long_import_and_a_trainee_fit_show_progress_at_a_terminal(capsys, monkeypatch, tmp_path):
    f, db = tmp_path / "t.csv", tmp_path / "r.db"
    people_trace(f, rounds=5, people=("ann",))
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert main(["traces", "import", str(f), "--db", str(db)]) == 0
    assert all(f"{what}:" in screen.getvalue() for what in ("reading", "replaying", "scoring", "preparing", "storing"))
    screen.seek(0), screen.truncate()
    assert main(["traces", "trainee", "--db", str(db), "--out", str(tmp_path / "m.pt"), "--epochs", "5"]) == 0
    assert "loading:" in screen.getvalue() and "fitting:" in screen.getvalue()


def test_progress_stays_off_a_pipe(capsys, tmp_path):
    f = tmp_path / "t.csv"
    people_trace(f, rounds=1, people=("ann",))
    rc, out, err = run(capsys, "traces", "import", f, "--db", tmp_path / "r.db")
    assert rc == 0 and err == ""


# -- 5. supervisor-only data and databases that are not there -------------------------------

def test_export_needs_the_supervisor_password_once_there_is_one(capsys, monkeypatch, tmp_path):
    f, db = tmp_path / "t.csv", tmp_path / "r.db"
    people_trace(f, rounds=1, people=("ann",))
    assert run(capsys, "traces", "import", f, "--db", db)[0] == 0
    with open_store(str(db)) as st:
        st.set_password(st.person("boss"), "a long password")
    out = tmp_path / "e.csv"
    rc, _, err = run(capsys, "traces", "export", "--db", db, "--out", out)
    assert rc == 2 and "supervisor password is needed" in err and err.count("\n") == 1 and not out.exists()
    rc, _, err = run(capsys, "traces", "export", "--db", db, "--out", out, "--password", "wrong password")
    assert rc == 2 and "password is wrong" in err and not out.exists()
    assert run(capsys, "traces", "export", "--db", db, "--out", out, "--password", "a long password")[0] == 0
    monkeypatch.setenv("KITCHEN_COACH_SUPERVISOR_PASSWORD", "a long password")
    assert run(capsys, "traces", "export", "--db", db, "--out", out, "--trainee", "ann")[0] == 0


@pytest.mark.parametrize("command", [["export", "--out", "{tmp}/e.csv"], ["table"],
                                     ["trainee", "--out", "{tmp}/m.pt"]])
def test_reading_commands_refuse_a_database_that_is_not_there(capsys, tmp_path, command):
    missing = tmp_path / "mistyped.db"
    argv = ["traces", *[a.format(tmp=tmp_path) for a in command], "--db", missing]
    rc, out, err = run(capsys, *argv)
    assert rc == 2 and f"no database at {missing}" in err and err.count("\n") == 1
    assert not missing.exists()


def test_parse_refuses_utf16_in_one_line():
    from engine.traces.format import TraceFileError

    with pytest.raises(TraceFileError, match="UTF-16 text; save the trace as UTF-8 CSV"):
        parse_trace(HEADER.encode("utf-16"), "t.csv")
