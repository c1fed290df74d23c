"""Scenario files beyond what a kitchen can be (engine/scenario_limits.py) are
refused by `scenario check` with one line naming the file, the place and the
limit; and `solve` ends with one clear line, never a traceback or "nan", on
every scenario the loader accepts."""
import re
import json
import subprocess
import sys
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

import engine.scenario as scenario_module
from engine import optimum
from engine.optimum import clairvoyant_bound, solve
from engine.scenario import ScenarioError, load_scenario, parse_scenario
from engine.scenario_limits import MAX_FILE_BYTES
from engine.simulator import Kitchen
from gui.cli import main

BURGER = (Path(__file__).resolve().parent.parent / "resources" / "scenarios" / "burger.toml").read_text()
HORIZON = re.search(r"^ticks = .*$", BURGER, re.M).group(0)  # the line, whatever the horizon
AT_HORIZON = f"line {BURGER[:BURGER.index(HORIZON)].count(chr(10)) + 1}"


def burger(old: str, new: str) -> str:
    assert old in BURGER
    return BURGER.replace(old, new, 1)


ARRIVALS = '\n[[arrivals]]\ndish = "burger"\nrate = {rate}\n'
WORKER = '\n[[workers]]\nname = "W{i}"\nrole = "cook"\nchop = 2\ncook = 2\nplate = 2\n'

# case -> (scenario text, words the place must hold, words the problem must hold)
BEYOND = {
    "horizon 10^26": (burger(HORIZON, "ticks = 100000000000000000000000000"),
                      "scenario.ticks", ["horizon", "10000 ticks"]),
    "horizon 1e26 (a float)": (burger(HORIZON, "ticks = 1e26"), "scenario.ticks", ["whole number"]),
    "handover 2^63-1": (burger('objective = "makespan"', 'objective = "makespan"\nhandover = 9223372036854775807'),
                        "scenario.handover", ["handover", "10000 ticks"]),
    "arrival rate 1e300": (BURGER + ARRIVALS.format(rate="1e300"), "arrivals[0].rate", ["5000 orders"]),
    "count 10^9": (burger("count = 4", "count = 1000000000"), "orders[0].count", ["5000 orders"]),
    "count 1e9 (a float)": (burger("count = 4", "count = 1e9"), "orders[0].count", ["whole number"]),
    "orders adding up": (BURGER + '\n[[orders]]\ndish = "burger"\ncount = 4997\n', "orders[1].count",
                         ["5000 orders", "4 before"]),
    "arrivals on top of orders": (burger("count = 4", "count = 4990") + ARRIVALS.format(rate="0.5"),
                                  "arrivals[0].rate", ["5000 orders"]),
    "duration of a million ticks": (burger("plate = 7", "plate = 1000000"), "workers[2] (Carol).plate",
                                    ["duration", "10000 ticks"]),
    "21 workers": (BURGER + "".join(WORKER.format(i=i) for i in range(18)), "workers", ["at most 20 workers"]),
    "21 tasks in a dish": (burger('tasks = ["chop", "cook", "plate"]',
                                  "tasks = [" + ", ".join(f'"t{i}"' for i in range(21)) + "]"),
                           "recipes.burger.tasks", ["at most 20 tasks"]),
    "reward 10^30": (burger("reward = 10", "reward = 1000000000000000000000000000000"), "recipes.burger.reward",
                     ["reward", "10000 points"]),
    "wait cost 1e300": (burger('objective = "makespan"', 'objective = "reward"\nwait_cost = 1e300'),
                        "scenario.wait_cost", ["between 0 and 1000"]),
    "max_open_orders 2^63": (burger('objective = "makespan"', 'objective = "makespan"\nmax_open_orders = '
                                    '9223372036854775807'), "scenario.max_open_orders", ["5000 orders"]),
    "a name of 10,000 characters": (burger('name = "Carol"', 'name = "' + "C" * 10_000 + '"'),
                                    "workers[2].name", ["at most 200 characters"]),
    "a name of two lines": (burger('name = "Burger rush"', 'name = "Burger\\nrush"'), "scenario.name",
                            ["one line"]),
    "a dish named with a tab": (burger("[recipes.burger]", '[recipes."bur\\tger"]'), "recipes.bur\\tger",
                                ["one line"]),
    "a precedence naming a task 100,000 times": (
        burger('after = { plate = ["chop", "cook"] }', 'after = { plate = [' + '"chop", ' * 100_000 + '"cook"] }'),
        "recipes.burger.after.plate", ["names a task twice"]),
    "an integer of 5000 digits": (burger(HORIZON, "ticks = " + "9" * 5000), AT_HORIZON, ["number of 5,000"]),
    "100,000 nested [": (burger(HORIZON, "ticks = " + "[" * 100_000), AT_HORIZON, ["nested more than 10"]),
    "100,000 nested {": (burger(HORIZON, "ticks = " + "{ a = " * 100_000), AT_HORIZON, ["nested more than 10"]),
}


@pytest.mark.parametrize("case", sorted(BEYOND))
def test_scenario_check_refuses_with_one_line(case, tmp_path, capsys):
    text, place, words = BEYOND[case]
    path = tmp_path / "kitchen.toml"
    path.write_text(text)
    assert main(["scenario", "check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err[:300]
    assert str(path) in err and place in err and all(w in err for w in words), err[:300]
    assert len(err) < 1000  # a line to read, not the offending value


def test_a_file_too_large_to_be_a_kitchen_is_refused_before_parsing(tmp_path, monkeypatch):
    """A 10 MB file of 250,000 orders: refused on its size, before the TOML parser
    (or anything that would expand the orders) sees it."""
    orders = '[[orders]]\ndish = "burger"\nat = 0\n' * 250_000
    text = BURGER.split("[[orders]]")[0] + orders
    path = tmp_path / "huge.toml"
    path.write_text(text)
    assert path.stat().st_size > 8_000_000

    def no_parsing(*a, **kw):
        raise AssertionError("parsed")

    monkeypatch.setattr(scenario_module.tomllib, "loads", no_parsing)
    for refuse in (lambda: load_scenario(path), lambda: parse_scenario(text, str(path))):
        with pytest.raises(ScenarioError, match=f"at most {MAX_FILE_BYTES:,} bytes") as e:
            refuse()
        assert str(path) in str(e.value)


def test_a_key_with_a_newline_is_named_on_one_line():
    with pytest.raises(ScenarioError) as e:
        parse_scenario(burger(HORIZON, HORIZON + '\n"tick\\ns" = 3'), "k.toml")
    assert "\n" not in str(e.value) and "unknown key" in str(e.value) and "tick\\ns" in str(e.value)


def test_the_largest_kitchen_is_accepted():
    """The limits are the game's, not a bundled scenario's: at each one the file loads."""
    text = burger(HORIZON, "ticks = 10000").replace("count = 4", "count = 5000")
    text = text.replace('objective = "makespan"', 'objective = "makespan"\nhandover = 10000\n'
                        'max_open_orders = 5000').replace("plate = 7", "plate = 10000")
    sc = parse_scenario(text + "".join(WORKER.format(i=i) for i in range(17)))
    assert len(sc.orders) == 5000 and len(sc.workers) == 20 and sc.ticks == 10000


# -- solve on what the loader accepts ----------------------------------------------------

def _solve_cli(path, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "gui.cli", "solve", str(path), *args],
                          capture_output=True, text=True, timeout=timeout)


def test_solve_on_a_round_too_large_for_the_solver_says_so(tmp_path):
    # a reward round of 2000 ticks: the time-indexed model would hold hundreds of millions of terms
    path = tmp_path / "long.toml"
    path.write_text(burger(HORIZON, "ticks = 2000").replace('objective = "makespan"',
                                                                 'objective = "reward"\nwait_cost = 0.5'))
    r = _solve_cli(path, "--time-limit", "1", timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "too large for the exact solver" in r.stderr


def _unknown(monkeypatch):
    """CP-SAT runs out of time before it finds any schedule."""
    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model, *a: cp_model.UNKNOWN)


@pytest.mark.parametrize("objective", ["makespan", "reward"])
def test_no_schedule_found_is_none_with_a_valid_bound_never_nan(monkeypatch, objective):
    sc = parse_scenario(burger('objective = "makespan"', f'objective = "{objective}"'))
    _unknown(monkeypatch)
    sol = solve(Kitchen(sc), time_limit=1)
    assert sol.value is None and not sol.proven and sol.schedule == []
    # CP-SAT reports a bound of 0 then, which is no bound at all for points: the trivial one instead
    assert sol.bound == (1 if objective == "makespan" else 40)
    assert "no schedule" in sol.note


def test_clairvoyant_bound_counts_unsolved_seeds_with_a_valid_bound(monkeypatch):
    sc = parse_scenario(BURGER + "\n[noise]\nslow_prob = 0.2\n")
    _unknown(monkeypatch)
    bound = clairvoyant_bound(sc, seeds=range(3), time_limit=1)
    assert bound == {"mean": 1.0, "std": 0.0, "seeds": 3, "proven": 0}


def test_solve_never_prints_nan(monkeypatch, tmp_path, capsys):
    _unknown(monkeypatch)
    assert main(["solve", "burger", "--time-limit", "1"]) == 1
    out, err = capsys.readouterr()
    assert "nan" not in (out + err).lower() and len(err.strip().splitlines()) == 1
    assert "no schedule found" in err and "raise --time-limit" in err
    assert main(["solve", "burger", "--time-limit", "1", "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == {"objective": "makespan", "optimal": None, "best": None, "bound": 1,
                               "message": err.strip().removeprefix("kitchen-coach: ")}


def test_solve_on_the_most_orders_ends_cleanly(tmp_path):
    """5000 orders: the interval model is built and searched for a second; the
    answer is an optimum or one line, whichever CP-SAT reaches, never nan."""
    path = tmp_path / "many.toml"
    path.write_text(burger(HORIZON, "ticks = 10000").replace("count = 4", "count = 5000"))
    r = _solve_cli(path, "--time-limit", "1")
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr and "nan" not in r.stdout + r.stderr
    if r.returncode == 1:
        assert len(r.stderr.strip().splitlines()) == 1 and "raise --time-limit" in r.stderr


def test_too_large_is_cheap_and_matches_solve():
    k = Kitchen(parse_scenario(burger(HORIZON, "ticks = 2000").replace(
        'objective = "makespan"', 'objective = "reward"')))
    why = optimum.too_large(k)
    assert "too large" in why
    sol = solve(k, time_limit=1)
    assert sol.value is None and sol.note == why and sol.bound == 40
