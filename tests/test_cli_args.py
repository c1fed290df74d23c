"""Command-line arguments and output of the engine's commands: numbers out of
range are refused by argparse with one line (never a traceback from deep
inside), --json everywhere, a reader that goes away early (`| head -1`) is no
error, and `train --out` never creates folders."""
import re
import argparse
import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from engine import cli_support
from gui.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
BURGER = (ROOT / "resources" / "scenarios" / "burger.toml").read_text()
HORIZON = re.search(r"^ticks = .*$", BURGER, re.M).group(0)  # the line, whatever the horizon


def refused(capsys, argv, option):
    """argv must stop in argparse (exit 2) with a line naming the option."""
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert option in line
    return line


# -- --seed ----------------------------------------------------------------------------------

def seed_commands(tmp_path):
    return {
        "simulate": ["simulate", "burger"],
        "play": ["play", "burger", "--policy", "greedy", "--trainee", "ann", "--db", str(tmp_path / "kc.db")],
        "experiment": ["experiment", "burger", "--trainees", "1", "--rounds", "1"],
        "train": ["train", "burger", "--out", str(tmp_path / "x.pt"), "--iterations", "1", "--rollouts", "1"],
        "evaluate": ["evaluate", "burger", "--policy", "greedy"],
    }


@pytest.mark.parametrize("command", ["simulate", "play", "experiment", "train", "evaluate"])
@pytest.mark.parametrize("value", ["-1", "4294967296", "1.5", "seven", "9" * 5000])
def test_a_seed_out_of_range_is_one_line(tmp_path, capsys, command, value):
    # through main, as a user runs it: a bad seed must never reach numpy (ValueError traceback)
    with pytest.raises(SystemExit) as e:
        main([*seed_commands(tmp_path)[command], "--seed", value])
    assert e.value.code == 2
    err = capsys.readouterr().err
    line = err.strip().splitlines()[-1]
    assert "Traceback" not in err and "--seed" in line and len(line) < 300
    assert "from 0 to 4294967295" in line or "not a whole number" in line
    assert not (tmp_path / "kc.db").exists() and not (tmp_path / "x.pt").exists()


@pytest.mark.parametrize("value", ["0", "4294967295"])
def test_the_whole_seed_range_is_accepted(tmp_path, value):
    for argv in seed_commands(tmp_path).values():
        assert build_parser().parse_args([*argv, "--seed", value]).seed == int(value)


def _subparsers(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield name, sub
                yield from ((f"{name} {n}", s) for n, s in _subparsers(sub))


def test_every_seed_option_is_the_one_seed_type():
    with_seed = {name: a.type for name, sub in _subparsers(build_parser())
                 for a in sub._actions if "--seed" in a.option_strings}
    assert {"simulate", "play", "experiment", "train", "evaluate"} <= set(with_seed)
    assert all(t is cli_support.seed for t in with_seed.values()), with_seed


def test_simulate_with_the_largest_seed_plays(capsys):
    assert main(["simulate", "burger", "--seed", "4294967295", "--episodes", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["episodes"] == 2


# -- other numbers -----------------------------------------------------------------------------

OUT_OF_RANGE = [
    (["solve", "burger", "--time-limit", "-5"], "--time-limit"),
    (["solve", "burger", "--time-limit", "0"], "--time-limit"),
    (["solve", "burger", "--time-limit", "nan"], "--time-limit"),
    (["solve", "burger", "--time-limit", "inf"], "--time-limit"),
    (["solve", "burger", "--seeds", "0"], "--seeds"),
    (["solve", "burger", "--seeds", "1000000000"], "--seeds"),
    (["simulate", "burger", "--episodes", "0"], "--episodes"),
    (["simulate", "burger", "--episodes", "1000000000000"], "--episodes"),
    (["evaluate", "burger", "--episodes", "-3"], "--episodes"),
    (["evaluate", "burger", "--episodes", "1000000000000"], "--episodes"),
    (["train", "burger", "--out", "x.pt", "--iterations", "-1"], "--iterations"),
    (["train", "burger", "--out", "x.pt", "--entropy", "nan"], "--entropy"),
    (["train", "burger", "--out", "x.pt", "--entropy", "-0.1"], "--entropy"),
    (["train", "burger", "--out", "x.pt", "--explore", "1.5"], "--explore"),
    (["train", "burger", "--out", "x.pt", "--explore", "nan"], "--explore"),
    (["train", "burger", "--out", "x.pt", "--rollouts", "0"], "--rollouts"),
    (["train", "burger", "--out", "x.pt", "--rollouts", "1000000000"], "--rollouts"),
    (["train", "burger", "--out", "x.pt", "--minutes", "inf"], "--minutes"),
]


@pytest.mark.parametrize("argv, option", OUT_OF_RANGE, ids=[" ".join(a[:1] + a[2:]) for a, _ in OUT_OF_RANGE])
def test_numbers_out_of_range_are_refused_by_argparse(capsys, argv, option):
    refused(capsys, argv, option)


# -- --json on every command of the engine ------------------------------------------------------

@pytest.mark.parametrize("argv", [["scenario", "check", "burger"], ["scenario", "show", "burger"],
                                  ["simulate", "burger"], ["solve", "burger"], ["evaluate", "burger"],
                                  ["train", "burger", "--out", "x.pt"]])
def test_every_engine_command_takes_json(argv):
    assert build_parser().parse_args([*argv, "--json"]).json is True


def test_scenario_check_json(tmp_path, capsys):
    assert main(["scenario", "check", "burger", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True and out["name"] == "Burger rush" and out["key"] == "burger"
    assert out["file"].endswith("burger.toml")

    bad = tmp_path / "bad.toml"
    bad.write_text(BURGER.replace(HORIZON, "ticks = 0"))
    assert main(["scenario", "check", str(bad), "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"ok": False, "file": str(bad), "place": "scenario.ticks",
                                        "problem": "must be >= 1, not 0"}
    assert captured.err.strip().splitlines() == [f"kitchen-coach: {bad}: scenario.ticks: must be >= 1, not 0"]


# -- a reader that goes away ----------------------------------------------------------------------

def test_a_closed_pipe_is_no_error(tmp_path):
    """`kitchen-coach scenario show BIG | head -1`: far more output than a pipe
    holds, so the command is still writing when the reader closes its end."""
    orders = "".join(f'\n[[orders]]\ndish = "burger"\nat = {t}\n' for t in range(3000))
    big = tmp_path / "big.toml"
    big.write_text(BURGER.replace(HORIZON, "ticks = 5000").replace("count = 4", "count = 1") + orders)
    p = subprocess.Popen([sys.executable, "-m", "gui.cli", "scenario", "show", str(big)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(timeout=60)
    assert first.startswith(b"Burger rush")
    assert err == "", err[-500:]


# -- train --out -----------------------------------------------------------------------------------

def test_train_refuses_an_out_in_a_missing_folder(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "x.pt"
    assert main(["train", "burger", "--out", str(out), "--iterations", "1", "--rollouts", "1"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "does not exist" in err and str(out.parent) in err
    assert not (tmp_path / "no").exists()


def test_train_refuses_an_out_that_is_a_folder(tmp_path, capsys):
    assert main(["train", "burger", "--out", str(tmp_path), "--iterations", "1", "--rollouts", "1"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "is a folder" in err
    assert list(tmp_path.parent.glob(tmp_path.name + ".*")) == []  # nothing written beside it either


# -- progress ------------------------------------------------------------------------------------

def test_solve_shows_progress_over_seeds_on_a_terminal(tmp_path):
    """A stochastic solve takes a full solve per seed (40 s for dinner-service):
    a bar over the seeds on standard error when that is a terminal, and
    standard output stays the one JSON object."""
    noisy = tmp_path / "noisy.toml"
    noisy.write_text(BURGER.replace("count = 4", "count = 1") + "\n[noise]\nslow_prob = 0.5\n")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    p = subprocess.Popen([sys.executable, "-m", "gui.cli", "solve", str(noisy), "--seeds", "3", "--json"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    out, _ = p.communicate(timeout=120)
    shown = b""
    while select.select([leader], [], [], 0)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert p.returncode == 3 and json.loads(out)["clairvoyant"]["seeds"] == 3
    assert b"solve noisy:" in shown and b"/3 [" in shown and b"seed/s" in shown


def test_solve_bounds_the_seeds_it_is_given(tmp_path, capsys):
    """--seed picks the first round, so a figure can be measured on seeds
    that training and checkpoint choice never saw."""
    from engine.optimum import clairvoyant_bound
    from engine.scenario import load_scenario

    noisy = tmp_path / "noisy.toml"
    noisy.write_text(BURGER.replace("count = 4", "count = 2") + "\n[noise]\nslow_prob = 0.5\n")
    assert main(["solve", str(noisy), "--seeds", "3", "--seed", "500", "--json"]) == 3
    got = json.loads(capsys.readouterr().out)["clairvoyant"]
    want = clairvoyant_bound(load_scenario(str(noisy)), seeds=range(500, 503), time_limit=10)
    assert got["mean"] == pytest.approx(want["mean"]) and got["seeds"] == 3
    assert got["mean"] != pytest.approx(clairvoyant_bound(load_scenario(str(noisy)), seeds=range(3),
                                                          time_limit=10)["mean"])
