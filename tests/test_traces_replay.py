"""Trace files: reading (TRACES.md) and validation by replay through the engine."""
import io

import numpy as np
import pytest

from engine.policies import BASELINES, play_round
from engine.scenario import load_scenario
from engine.simulator import Kitchen
from engine.traces.format import TraceFileError, parse_trace, write_trace
from engine.traces.generate import simulate_rows
from engine.traces.replay import replay_file

HEADER = "person,round,scenario,tick,worker,order,task\n"


def trace(text: str, name="t.csv"):
    return parse_trace(text.encode(), name)


def csv_of(rows) -> str:
    buf = io.StringIO()
    write_trace(buf, rows)
    return buf.getvalue()


def only_problem(text):
    good, problems = replay_file(trace(text))
    assert len(problems) == 1, problems
    return good, problems[0]


@pytest.mark.parametrize("name", ["burger", "research-normal", "rush", "dinner-service"])
def test_simulated_rounds_replay_to_the_engines_states(name):
    sc = load_scenario(name)
    people = {p: BASELINES[p] for p in ("random", "greedy", "dispatch")}
    rows = simulate_rows(sc, name, people, rounds=3, seed=5)
    good, problems = replay_file(trace(csv_of(rows)))
    assert problems == []
    assert len(good) == 9
    for r in good:
        # step the engine with the same decisions: every state must be the engine's
        k = Kitchen(sc, r.seed)
        states = [k.initial_state()]
        for d in r.decisions:
            states.append(k.step(states[-1], d)[0])
        assert r.states == states
        assert r.finished and r.final.done
        assert r.duration_mismatches == 0


def test_replay_matches_play_round_exactly():
    sc = load_scenario("pasta")
    k = Kitchen(sc, 0)
    record = []
    final = play_round(k, BASELINES["dispatch"], np.random.default_rng(0), record)
    from engine.traces.generate import round_rows
    rows = round_rows(k, [d for _, d in record], "pat", 1, "pasta")
    (r,), problems = replay_file(trace(csv_of(rows)))
    assert problems == []
    assert r.states[:-1] == [s for s, _ in record]
    assert r.final == final
    assert r.value == k.value(final)


def test_roles_stand_for_workers_when_unique_and_rows_may_come_in_any_order():
    text = HEADER + "ann,1,burger,2,Bob,1,chop\nann,1,burger,0,chef,0,chop\nann,1,burger,0,server,0,cook\n"
    (r,), problems = replay_file(trace(text))
    assert problems == []
    assert r.decisions[0] == {2: 0, 0: 1} and r.decisions[2] == {1: 3}


def test_a_cut_log_is_kept_unfinished_at_the_first_tick_with_a_choice_left_open():
    text = HEADER + "ann,1,burger,0,Carol,0,chop\n"
    (r,), _ = replay_file(trace(text))
    assert not r.finished
    assert r.final.tick == 1  # Alice and Bob could have worked from tick 0, but Carol is busy to 2
    k = r.kitchen
    assert k.has_decision(r.final)


def test_unknown_worker_is_refused_with_its_line():
    _, p = only_problem(HEADER + "ann,1,burger,0,Carol,0,chop\nann,1,burger,0,Zed,0,cook\n")
    assert p.line == 3 and "unknown worker 'Zed'" in p.message and "Carol (chef)" in p.message
    assert p.text("t.csv").startswith("t.csv, line 3: ")


def test_task_not_open_is_refused_with_its_line():
    _, p = only_problem(HEADER + "ann,1,burger,0,Carol,0,plate\n")
    assert p.line == 2 and "plate for order 1 (burger) is not open at tick 0" in p.message


def test_busy_worker_is_refused_with_its_line():
    _, p = only_problem(HEADER + "ann,1,burger,0,Carol,0,chop\nann,1,burger,1,Carol,0,cook\n")
    assert p.line == 3 and "Carol is busy until tick 2" in p.message


def test_same_task_twice_and_two_tasks_for_one_worker():
    _, p = only_problem(HEADER + "a,1,burger,0,Carol,0,chop\na,1,burger,0,Bob,0,chop\n")
    assert p.line == 3 and "given to two workers" in p.message
    _, p = only_problem(HEADER + "a,1,burger,0,Carol,0,chop\na,1,burger,0,Carol,1,chop\n")
    assert p.line == 3 and "second task" in p.message and "line 2" in p.message


def test_unknown_scenario_order_and_task():
    _, p = only_problem(HEADER + "a,1,no-such-kitchen,0,Carol,0,chop\n")
    assert p.line == 2 and "unknown scenario 'no-such-kitchen'" in p.message
    _, p = only_problem(HEADER + "a,1,burger,0,Carol,4,chop\n")
    assert p.line == 2 and "unknown order 4" in p.message
    _, p = only_problem(HEADER + "a,1,burger,0,Carol,0,fry\n")
    assert p.line == 2 and "unknown task 'fry'" in p.message


def test_a_scenario_file_that_does_not_load_says_why(tmp_path):
    (tmp_path / "bad.toml").write_text('[scenario]\nname = "x"\n')
    (tmp_path / "t.csv").write_text(HEADER + "a,1,bad.toml,0,Bob,0,chop\n")
    from engine.traces.format import read_trace
    _, (p,) = replay_file(read_trace(tmp_path / "t.csv"))
    assert p.line == 2 and "scenario 'bad.toml' cannot be used" in p.message and "'ticks'" in p.message


def test_rows_after_the_round_ended_are_refused():
    rows = simulate_rows(load_scenario("taco-demo"), "taco-demo", {"a": BASELINES["greedy"]}, 1)
    text = csv_of(rows) + "a,1,taco-demo,9,Eli,0,chop,0,\n"
    _, p = only_problem(text)
    assert p.line == len(rows) + 2 and "over" in p.message


def test_bad_values_and_mixed_scenarios_are_row_problems():
    text = HEADER + "a,1,burger,x,Carol,0,chop\nb,1,burger,0,Carol,0,chop\nb,1,pasta,0,Bob,0,chop\n"
    good, problems = replay_file(trace(text))
    assert [p.line for p in problems] == [2, 4]
    assert "tick must be a whole number" in problems[0].message and problems[0].round == ("a", 1)
    assert "differs" in problems[1].message
    assert good == []  # round b,1 has a bad row, so it is not replayed


def test_bad_rounds_leave_the_good_ones():
    text = HEADER + "a,1,burger,0,Carol,0,chop\nb,1,burger,0,Zed,0,chop\n"
    good, problems = replay_file(trace(text))
    assert [r.key for r in good] == [("a", 1)] and [p.round for p in problems] == [("b", 1)]


def test_missing_column_is_refused_naming_it():
    with pytest.raises(TraceFileError, match=r"line 1: missing column task"):
        trace("person,round,scenario,tick,worker,order\na,1,burger,0,Carol,0\n")
    with pytest.raises(TraceFileError, match="empty file"):
        trace("")


def test_a_scenario_file_beside_the_trace_is_found(tmp_path):
    (tmp_path / "mine.toml").write_text(load_scenario("taco-demo").text)
    f = tmp_path / "t.csv"
    f.write_text(HEADER + "a,1,mine.toml,0,Eli,0,chop\n")
    from engine.traces.format import read_trace
    (r,), problems = replay_file(read_trace(f))
    assert problems == [] and r.scenario.name == "Taco demo"


def test_written_traces_read_back_identically():
    rows = simulate_rows(load_scenario("dinner-service"), "dinner-service", {"a": BASELINES["random"]}, 2)
    t = trace(csv_of(rows))
    back = [{"person": r.person, "round": r.round, "scenario": r.scenario, "tick": r.tick, "worker": r.worker,
             "order": r.order, "task": r.task, "seed": r.seed, "duration": r.duration}
            for rr in t.rounds for r in rr.rows]
    assert back == rows


SOLO = """
[scenario]
name = "Solo"
ticks = 7
[[workers]]
name = "Sam"
role = "cook"
chop = 2
plate = 2
[recipes.dish]
tasks = ["chop", "plate"]
after = { plate = ["chop"] }
[[orders]]
dish = "dish"
count = 2
"""


def test_leaving_work_that_could_not_finish_in_time_is_a_finished_round(tmp_path):
    (tmp_path / "solo.toml").write_text(SOLO)
    from engine.traces.format import read_trace
    # order 2 needs 4 ticks of Sam's from tick 4: past the horizon of 7, so idling ends the round
    (tmp_path / "t.csv").write_text(HEADER + "a,1,solo.toml,0,Sam,0,chop\na,1,solo.toml,2,Sam,0,plate\n")
    (r,), _ = replay_file(read_trace(tmp_path / "t.csv"))
    assert r.finished and r.final.tick == 7 and r.value == 7
    # the same first row alone: at tick 2 both dishes could still be served in time, so the log was cut
    (tmp_path / "t.csv").write_text(HEADER + "a,1,solo.toml,0,Sam,0,chop\n")
    (r,), _ = replay_file(read_trace(tmp_path / "t.csv"))
    assert not r.finished and r.final.tick == 2
