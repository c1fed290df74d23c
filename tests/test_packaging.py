"""A user outside this repository can install Kitchen Coach: `python -m build`
makes a wheel that carries every bundled scenario and expert, and once that
wheel is installed into a fresh virtual environment, `kitchen-coach` runs
from it: --version, scenario check, evaluate --json, and the app itself.

To stay quick, the fresh environment takes its dependencies (torch, Qt, ...)
from this checkout's .venv through a .pth file, while the project itself
comes only from the wheel: the test checks that `engine` and `gui` are
imported from inside the new environment, never from the repository (a .pth
directory's own .pth files, such as the editable install's, are not run)."""
import json
import os
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pkg")
    # build from a copy of the working tree, so no build/ folder lands in the checkout
    files = run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT).stdout.split("\0")
    src = tmp / "src"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes((ROOT / name).read_bytes())
    built = run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp / "dist")], cwd=src)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next((tmp / "dist").glob("kitchen_coach-*.whl"))

    venv = tmp / "venv"
    made = run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(venv)])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    (site / "_kitchen_coach_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    pip = run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
               str(wheel)])
    assert pip.returncode == 0, pip.stderr
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KITCHEN_COACH_DB", "VIRTUAL_ENV")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), QT_QPA_PLATFORM="offscreen",
               KITCHEN_COACH_CONFIG=str(home / "settings.json"))
    return {"wheel": wheel, "venv": venv, "python": python, "cli": venv / "bin" / "kitchen-coach",
            "env": env, "cwd": home}


def test_the_wheel_carries_every_bundled_scenario_and_expert(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    bundled = [p.relative_to(ROOT).as_posix() for d in ("scenarios", "experts")
               for p in (ROOT / "resources" / d).iterdir() if p.is_file()]
    assert len(bundled) >= 14
    assert sorted(set(bundled) - names) == []
    assert "engine/records/migrations/script.py.mako" in names


def test_the_project_comes_from_the_wheel_not_the_repository(installed):
    out = run([str(installed["python"]), "-c",
               "import engine, gui, tips, engine.scenario as s; print(engine.__file__); print(gui.__file__); "
               "print(tips.__file__); print(s.BUNDLED_DIR)"], cwd=installed["cwd"], env=installed["env"])
    assert out.returncode == 0, out.stderr
    paths = out.stdout.split()
    assert len(paths) == 4
    for p in paths:
        assert Path(p).resolve().is_relative_to(installed["venv"].resolve()), p
        assert not Path(p).resolve().is_relative_to(ROOT)


def test_the_installed_commands_run(installed):
    cli, env, cwd = str(installed["cli"]), installed["env"], installed["cwd"]
    version = run([cli, "--version"], env=env, cwd=cwd)
    assert version.returncode == 0 and version.stdout.strip().endswith("0.1.0"), version.stderr
    check = run([cli, "scenario", "check", "burger"], env=env, cwd=cwd)
    assert check.returncode == 0, check.stderr
    evaluate = run([cli, "evaluate", "burger", "--json"], env=env, cwd=cwd)
    assert evaluate.returncode == 0, evaluate.stderr
    result = json.loads(evaluate.stdout.strip().splitlines()[-1])
    assert result["value"] == result["optimal"] == 11  # the shipped burger expert, from the wheel


def test_the_installed_app_opens(installed):
    db = installed["cwd"] / "records.db"
    env = dict(installed["env"], KITCHEN_COACH_DB=str(db))
    proc = subprocess.Popen([str(installed["cli"])], env=env, cwd=installed["cwd"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not db.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        time.sleep(1.0)
        assert proc.poll() is None, proc.stderr.read()  # still running a second later: the window is up
        assert db.read_bytes()[:16] == b"SQLite format 3\x00"
    finally:
        proc.terminate()
        proc.wait(10)
