"""A trace round that runs past the horizon (a slow person: real people took up
to 47 turns in the research kitchen) is stored and scored up to the horizon,
where the game ends it, and marked unfinished; it is not refused."""
import json

from engine.policies import greedy_policy
from engine.records.store import open_store
from engine.scenario import load_scenario
from engine.simulator import Kitchen
from engine.traces.format import read_trace, write_trace
from engine.traces.generate import round_rows
from engine.traces.replay import replay_file
from gui.cli import main

SCENARIO = "research-normal"


def slow_rows(person="slow"):
    """A person who leaves everyone idle for the first 45 ticks, then plays
    greedily: done only well after the 60-tick horizon would allow."""
    k = Kitchen(load_scenario(SCENARIO))
    s, decisions = k.initial_state(), []
    while not s.done:
        d = greedy_policy(k, s) if s.tick >= 45 and k.has_decision(s) else {}
        decisions.append(d)
        s, _ = k.step(s, d)
    assert s.done and k.served_count(s) < k.n_orders  # the game itself stops at the horizon
    rows = round_rows(k, decisions, person, 1, SCENARIO)
    # and the log goes on: the person finished the last plate after the horizon
    last = rows[-1]
    rows.append({**last, "tick": k.ticks + 6, "order": 3, "task": "plate"})
    return rows


def test_a_round_past_the_horizon_replays_unfinished_with_its_decisions(tmp_path):
    path = tmp_path / "slow.csv"
    write_trace(path, slow_rows())
    good, problems = replay_file(read_trace(path))
    assert problems == [] and len(good) == 1
    r = good[0]
    assert r.past_horizon and not r.finished
    assert r.final.tick == r.kitchen.ticks and any(d for _, d in r.decided())


def test_traces_import_stores_and_scores_it_marked_unfinished(tmp_path, capsys):
    path, db = tmp_path / "slow.csv", tmp_path / "r.db"
    write_trace(path, slow_rows())
    assert main(["traces", "import", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "unfinished (ran past the horizon): slow round 1" in out
    with open_store(str(db)) as st:
        (info,) = st.history(st.find_person("slow"))
        assert not info.finished and info.turns == 60
        decisions = st.load_round(info.id).decisions
        assert decisions and all(d.verdict is not None for d in decisions)
    write_trace(path, slow_rows("slower"))
    assert main(["traces", "import", str(path), "--db", str(db), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["past_horizon"] == [{"person": "slower", "round": 1}] and got["unfinished"] == 1


def test_rows_after_every_order_was_served_are_still_an_error(tmp_path, capsys):
    k = Kitchen(load_scenario(SCENARIO))
    s, decisions = k.initial_state(), []
    while not s.done:
        d = greedy_policy(k, s) if k.has_decision(s) else {}
        decisions.append(d)
        s, _ = k.step(s, d)
    rows = round_rows(k, decisions, "ann", 1, SCENARIO)
    rows.append({**rows[-1], "tick": k.ticks + 1})
    path = tmp_path / "after.csv"
    write_trace(path, rows)
    _, problems = replay_file(read_trace(path))
    assert len(problems) == 1 and "already over" in problems[0].message
