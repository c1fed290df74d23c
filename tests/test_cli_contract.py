"""The command-line contract of README's "Command line": `--version`; every
command takes `--json` and prints one JSON object as its last line; every
error a user can cause is one line on stderr with exit status 2; and with no
display the app says so in one line instead of Qt aborting the process."""
from __future__ import annotations

import argparse
import ctypes
import io
import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from engine.records.store import open_store
from gui.cli import build_parser, main
from tests.cli_helpers import isolated, run  # noqa: F401 (isolated: a fixture every test here uses)

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.usefixtures("isolated")
PASSWORD = "kitchen-boss-1"


def kc(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "gui.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def last_json(out: str) -> dict:
    obj = json.loads(out.strip().splitlines()[-1])
    assert isinstance(obj, dict)
    return obj


@pytest.fixture
def records(tmp_path):
    """A database with one trainee and no supervisor."""
    path = tmp_path / "records.db"
    with open_store(str(path)) as store:
        store.person("ann")
    return path


# -- --version ------------------------------------------------------------------
def test_version_comes_from_the_installed_package():
    r = kc("--version")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout == f"kitchen-coach {version('kitchen-coach')}\n"


# -- --json on every command ------------------------------------------------------
def commands(parser: argparse.ArgumentParser, prefix=()) -> list[tuple[str, ...]]:
    """Every runnable command, nested ones (`scenario check`) included."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = commands(sub, prefix + (name,))
                out += nested or [prefix + (name,)]
    return out


def test_every_command_takes_json():
    parser = build_parser()
    found = commands(parser)
    assert {("play",), ("export",), ("scenario", "check"), ("traces", "import")} <= set(found)
    without = []
    for path in found:
        sub = parser
        for name in path:
            sub = next(a for a in sub._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
        if not any("--json" in a.option_strings for a in sub._actions):
            without.append(" ".join(path))
    assert without == []


def test_play_and_export_print_json(tmp_path, capsys):
    from engine.expert.trained import ExpertError, shipped_expert
    from engine.scenario import load_scenario

    try:
        shipped_expert(load_scenario("taco-demo"))
    except ExpertError as e:
        pytest.skip(f"no shipped taco-demo expert: {e}")
    db = str(tmp_path / "r.db")
    code, out, err = run(["play", "taco-demo", "--policy", "greedy", "--trainee", "ann", "--db", db,
                          "--seed", "3", "--json"], capsys)
    assert code == 0, err
    played = last_json(out)
    assert {"id", "person", "scenario", "seed", "policy", "value", "turns", "served", "decisions",
            "total_regret", "db"} <= set(played)
    assert (played["person"], played["scenario"], played["seed"], played["policy"]) == ("ann", "taco-demo", 3, "greedy")
    with open_store(db) as store:
        info = store.round_info(played["id"])
    assert (info.value, info.decisions, info.served) == (played["value"], played["decisions"], played["served"])
    code, out, err = run(["export", "--db", db, "--out", str(tmp_path / "x.csv"), "--json"], capsys)
    assert code == 0, err
    exported = last_json(out)
    assert exported["out"] == str(tmp_path / "x.csv") and exported["trainees"] == 1
    assert exported["rows"] == played["decisions"] == len((tmp_path / "x.csv").read_text().splitlines()) - 1


def _desk_login(monkeypatch, accept: bool):
    """The supervisor's password dialog, answered (or cancelled) without a person."""
    from gui.supervisor import login

    def answer(self):
        if not accept:
            return 0
        self.name.setText("Sam")
        self.pw.setText(PASSWORD)
        self.try_accept()
        return self.result()
    monkeypatch.setattr(login.LoginDialog, "exec", answer)


def test_supervisor_prints_json_when_the_desk_closes(qtbot, records, monkeypatch, capsys):
    from PySide6.QtWidgets import QApplication

    import gui.app

    with open_store(str(records)) as store:
        store.set_password(store.person("Sam", "supervisor"), PASSWORD)

    class ClosingApp:  # the event loop, ended as a supervisor closing the desk would
        def exec(self):
            for w in QApplication.topLevelWidgets():
                w.close()
            return 0
    monkeypatch.setattr(gui.app, "make_app", ClosingApp)
    _desk_login(monkeypatch, accept=True)
    code, out, err = run(["supervisor", "--db", str(records), "--json"], capsys)
    assert code == 0, err
    assert last_json(out) == {"db": f"sqlite:///{records}", "opened": True, "supervisor": "Sam"}
    _desk_login(monkeypatch, accept=False)
    code, out, err = run(["supervisor", "--db", str(records), "--json"], capsys)
    assert code == 1 and last_json(out) == {"db": f"sqlite:///{records}", "opened": False, "supervisor": None}


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="screenshots need Xvfb")
def test_screenshots_print_json(tmp_path):
    r = kc("screenshots", "--out", str(tmp_path / "shots"), "--scenario", "taco-demo", "--json", timeout=600)
    assert r.returncode == 0, r.stderr
    files = last_json(r.stdout)["files"]
    assert sorted(Path(f).name for f in files) == ["drill.png", "retry.png", "review.png", "round.png", "start.png", "summary.png"]
    assert all(Path(f).is_file() and Path(f).stat().st_size > 1000 for f in files)


# -- one-line errors --------------------------------------------------------------
def bad_inputs(tmp_path: Path, db: Path) -> dict[str, list[str]]:
    missing = str(tmp_path / "mistyped.db")
    return {
        "play, unknown scenario": ["play", "no-such-kitchen", "--policy", "greedy", "--trainee", "ann", "--db", str(db)],
        "play, empty --db": ["play", "taco-demo", "--policy", "greedy", "--trainee", "ann", "--db", ""],
        "play, arguments missing": ["play"],
        "play, unknown policy": ["play", "taco-demo", "--policy", "lucky", "--trainee", "ann"],
        "export, mistyped --db": ["export", "--db", missing, "--out", str(tmp_path / "x.csv")],
        "export, empty --db": ["export", "--db", "", "--out", str(tmp_path / "x.csv")],
        "export, --out is a folder": ["export", "--db", str(db), "--out", str(tmp_path)],
        "export, unknown trainee": ["export", "--db", str(db), "--out", str(tmp_path / "x.csv"), "--trainee", "zed"],
        "export, wrong password": ["export", "--db", str(db), "--out", str(tmp_path / "x.csv"), "--password", "guessing-1"],
        "report, mistyped --db": ["report", "--all", "--out", str(tmp_path / "r.csv"), "--db", missing],
        "report, empty --db": ["report", "--all", "--out", str(tmp_path / "r.csv"), "--db", ""],
        "report, unknown trainee": ["report", "--trainee", "zed", "--out", str(tmp_path / "r.csv"), "--db", str(db),
                                    "--password", PASSWORD],
        "report, no password": ["report", "--all", "--out", str(tmp_path / "r.csv"), "--db", str(db)],
        "supervisor, mistyped --db": ["supervisor", "--db", missing],
        "supervisor, empty --db": ["supervisor", "--db", ""],
        "the app, empty --db": ["--db", ""],
        "tips, unknown scenario": ["tips", "no-such-kitchen"],
        "tips, mistyped --db": ["tips", "taco-demo", "--trainee", "ann", "--db", missing],
        "tips, wrong password": ["tips", "taco-demo", "--trainee", "ann", "--db", str(db), "--password", "guessing-1"],
        "tips, bad number": ["tips", "taco-demo", "--minutes", "0"],
        "experiment, no trainees": ["experiment", "taco-demo", "--trainees", "0", "--rounds", "1"],
        "screenshots, unknown scenario": ["screenshots", "--out", str(tmp_path / "s"), "--scenario", "no-such-kitchen"],
        "unknown command": ["cook"],
        "unknown option": ["--loud"],
    }


CASES = list(bad_inputs(Path("/t"), Path("/t/r.db")))


@pytest.mark.parametrize("case", CASES)
def test_each_error_is_one_line(case, qapp, tmp_path, capsys, monkeypatch):
    db = tmp_path / "records.db"
    with open_store(str(db)) as store:
        store.person("ann")
        store.set_password(store.person("Sam", "supervisor"), PASSWORD)
    _desk_login(monkeypatch, accept=False)  # were a desk to open, nobody would answer its dialog
    code, out, err = run(bad_inputs(tmp_path, db)[case], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.endswith("\n") and err.startswith("kitchen-coach"), err
    assert "Traceback" not in err
    assert not (tmp_path / "mistyped.db").exists()  # a read-only command never creates a database


def test_errors_name_what_is_wrong(tmp_path, records, capsys):
    code, _, err = run(["export", "--db", str(tmp_path / "mistyped.db"), "--out", str(tmp_path / "x.csv")], capsys)
    assert code == 2 and "no database at" in err and "mistyped.db" in err
    code, _, err = run(["export", "--db", str(records), "--out", str(tmp_path)], capsys)
    assert code == 2 and "is a folder" in err
    code, _, err = run(["play", "--policy", "greedy"], capsys)
    assert code == 2 and "required: scenario, --trainee" in err and "--help" in err
    code, _, err = run(["report", "--all", "--out", str(tmp_path / "r.csv"), "--db", ""], capsys)
    assert code == 2 and "empty" in err


# -- no display -------------------------------------------------------------------
def headless_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(KITCHEN_COACH_DB=str(tmp_path / "app.db"), KITCHEN_COACH_CONFIG=str(tmp_path / "settings.json"),
               **extra)
    return env


def assert_one_clear_line(r, *words):
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("kitchen-coach: "), r.stderr
    assert "xcb-cursor" not in r.stderr and "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr


def test_the_app_without_a_display_says_so(tmp_path):
    r = kc(env=headless_env(tmp_path), timeout=60)
    assert_one_clear_line(r, "no display", "QT_QPA_PLATFORM=offscreen")


def test_the_desk_without_a_display_says_so(tmp_path, records):
    r = kc("supervisor", "--db", str(records), env=headless_env(tmp_path), timeout=60)
    assert_one_clear_line(r, "no display")


def _libxcb() -> bool:
    try:
        ctypes.CDLL("libxcb.so.1")
        return True
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux") or not _libxcb(), reason="X11 (libxcb) only")
def test_a_display_nobody_answers_is_one_line(tmp_path):
    number = next(n for n in range(917, 1000) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    r = kc(env=headless_env(tmp_path, DISPLAY=f":{number}"), timeout=60)
    assert_one_clear_line(r, "cannot connect", f":{number}")


@pytest.mark.skipif(shutil.which("cc") is None or not sys.platform.startswith("linux"), reason="needs a C compiler")
def test_a_missing_system_library_is_named(tmp_path, monkeypatch):
    """A stand-in for the xcb plugin that needs a library nobody installed,
    as libqxcb.so needs libxcb-cursor.so.0."""
    from gui import display

    (tmp_path / "dep.c").write_text("int dep(void) { return 1; }\n")
    (tmp_path / "plug.c").write_text("int dep(void);\nint plug(void) { return dep(); }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-Wl,-soname,libkcgone-x11.so.0", "-o",
                    str(tmp_path / "libkcgone-x11.so.0"), str(tmp_path / "dep.c")], check=True)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(tmp_path / "libplug.so"), str(tmp_path / "plug.c"),
                    str(tmp_path / "libkcgone-x11.so.0")], check=True)
    (tmp_path / "libkcgone-x11.so.0").unlink()
    assert display.missing_library(tmp_path / "libplug.so") == "libkcgone-x11.so.0"
    monkeypatch.setattr(display, "xcb_plugin", lambda: tmp_path / "libplug.so")
    problem = display.display_problem({"DISPLAY": ":0"})
    assert "libkcgone-x11.so.0" in problem and "apt-get install libkcgone-x11-0" in problem
    assert display.debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"


# -- progress ---------------------------------------------------------------------
class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_experiment_shows_progress_on_a_terminal(monkeypatch, capsys):
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["experiment", "taco-demo", "--trainees", "1", "--rounds", "2", "--json"]) == 0
    assert "conditions" in last_json(capsys.readouterr().out)
    shown = term.getvalue()
    assert "experiment taco-demo:" in shown and "/8 " in shown  # 4 conditions x 1 trainee x 2 rounds
