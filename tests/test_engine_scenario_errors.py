"""GAME.md "Bad input": every fault is refused with one message that names
the file, the place (table and key) and the problem."""
import subprocess
import sys

import pytest

from engine.scenario import ScenarioError, load_scenario

GOOD = '''[scenario]
name = "Test"
ticks = 20

[[workers]]
name = "Ann"
role = "server"
chop = 3
cook = 4
plate = 1

[recipes.burger]
tasks = ["chop", "cook", "plate"]
after = { plate = ["chop", "cook"] }

[[orders]]
dish = "burger"
at = 0
count = 2

[[arrivals]]
dish = "burger"
rate = 0.1

[noise]
slow_prob = 0.1
'''

# fault -> (how to break GOOD, words the place must contain, words the problem must contain)
FAULTS = {
    "not TOML": (lambda t: t.replace('name = "Test"', 'name = "Test'), [], ["not valid TOML"]),
    "missing ticks": (lambda t: t.replace("ticks = 20\n", ""), ["scenario"], ["missing", "ticks"]),
    "missing worker role": (lambda t: t.replace('role = "server"\n', ""), ["workers[0]"], ["missing", "role"]),
    "unknown key in scenario": (lambda t: t.replace("ticks = 20", "ticks = 20\ntick = 3"),
                                ["scenario.tick"], ["unknown key"]),
    "unknown key in recipe": (lambda t: t.replace("[recipes.burger]", "[recipes.burger]\nprice = 3"),
                              ["recipes.burger.price"], ["unknown key"]),
    "unknown key in order": (lambda t: t.replace("count = 2", "count = 2\nwhen = 1"),
                             ["orders[0].when"], ["unknown key"]),
    "unknown key in arrivals": (lambda t: t.replace("rate = 0.1", "rate = 0.1\nuntill = 5"),
                                ["arrivals[0].untill"], ["unknown key"]),
    "unknown key in noise": (lambda t: t.replace("slow_prob = 0.1", "slow_prob = 0.1\nfast_prob = 0.1"),
                             ["noise.fast_prob"], ["unknown key"]),
    "unknown top-level table": (lambda t: t + "\n[extras]\nx = 1\n", ["extras"], ["unknown key"]),
    "unknown task in after": (lambda t: t.replace('plate = ["chop", "cook"]', 'plate = ["chop", "grill"]'),
                              ["recipes.burger.after.plate"], ["unknown task", "grill"]),
    "unknown task type in a worker": (lambda t: t.replace("plate = 1", "plate = 1\nfry = 2"),
                                      ["workers[0]", "fry"], ["unknown task type"]),
    "unknown dish": (lambda t: t.replace('dish = "burger"\nat', 'dish = "pizza"\nat'),
                     ["orders[0].dish"], ["unknown dish", "pizza"]),
    "missing worker duration": (lambda t: t.replace("cook = 4\n", ""), ["workers[0]", "Ann"],
                                ["missing duration", "cook"]),
    "precedence cycle": (lambda t: t.replace('after = { plate = ["chop", "cook"] }',
                                             'after = { plate = ["chop"], chop = ["cook"], cook = ["plate"] }'),
                         ["recipes.burger.after"], ["cycle"]),
    "duration zero": (lambda t: t.replace("cook = 4", "cook = 0"), ["workers[0]", "cook"], ["whole number >= 1"]),
    "duration not whole": (lambda t: t.replace("cook = 4", "cook = 2.5"), ["workers[0]", "cook"],
                           ["whole number >= 1"]),
    "order at the horizon": (lambda t: t.replace("at = 0", "at = 20"), ["orders[0].at"], ["horizon"]),
    "order after the horizon": (lambda t: t.replace("at = 0", "at = 25"), ["orders[0].at"], ["horizon"]),
}

# these go through the command line end to end; the rest through load_scenario
VIA_CLI = {"not TOML", "unknown key in scenario", "precedence cycle", "order at the horizon"}


def _write(tmp_path, fault):
    path = tmp_path / "kitchen.toml"
    path.write_text(FAULTS[fault][0](GOOD))
    return path


def test_the_good_file_loads(tmp_path):
    path = tmp_path / "kitchen.toml"
    path.write_text(GOOD)
    assert load_scenario(path).name == "Test"


@pytest.mark.parametrize("fault", sorted(set(FAULTS) - VIA_CLI))
def test_load_scenario_names_file_place_and_problem(tmp_path, fault):
    path = _write(tmp_path, fault)
    _, place_words, problem_words = FAULTS[fault]
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    e = err.value
    assert e.file == str(path) and str(path) in str(e)
    for w in place_words:
        assert w in e.place, (w, e.place)
    for w in problem_words:
        assert w in e.problem, (w, e.problem)
    assert "\n" not in str(e)


@pytest.mark.parametrize("fault", sorted(VIA_CLI))
def test_scenario_check_command_refuses_with_one_line(tmp_path, fault):
    path = _write(tmp_path, fault)
    _, place_words, problem_words = FAULTS[fault]
    r = subprocess.run([sys.executable, "-m", "gui.cli", "scenario", "check", str(path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stdout == ""
    message = r.stderr.strip()
    assert len(message.splitlines()) == 1
    assert str(path) in message
    for w in place_words + problem_words:
        assert w in message, (w, message)


def test_scenario_check_says_ok(tmp_path):
    path = tmp_path / "kitchen.toml"
    path.write_text(GOOD)
    r = subprocess.run([sys.executable, "-m", "gui.cli", "scenario", "check", str(path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok"
