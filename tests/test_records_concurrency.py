"""Eight `play` commands at once on one database (issue 11): on a new SQLite
file some said "is not a Kitchen Coach database (it has other tables)" (they
looked while another was half-way through creating the schema), and on an
existing database some died on `UNIQUE constraint failed:
scenarios.content_hash` (two created the same scenario row). Every one must
exit 0 and store its round.

Started one after another, eight commands spend seconds importing torch and
rarely meet; so a launcher (this file as a script) imports what `play` needs
once, forks eight processes that wait, says it is ready, and when the test
says go releases them all at once, each running `kitchen-coach play` (the
same `main`) with its own connections. (Eight processes each importing torch
themselves cost about 36 s of CPU per test on two cores, for the same race.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.records.store import open_store

ROOT = Path(__file__).resolve().parent.parent
N = 8

pytestmark = pytest.mark.slow


def play_at_once(url: str) -> None:
    launcher = subprocess.Popen([sys.executable, __file__, url], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert launcher.stdout.readline().strip() == "ready", launcher.communicate()[1][-2000:]
    out, err = launcher.communicate("go\n", timeout=600)
    assert launcher.returncode == 0, f"{out.strip()[-3000:]}\n{err.strip()[-2000:]}"
    with open_store(url, create=False) as store:
        for i in range(N):
            person = store.find_person(f"t{i}")
            assert person is not None, f"t{i} was not stored"
            (r,) = store.history(person)
            assert r.finished and r.decisions > 0


def test_eight_plays_at_once_on_a_new_sqlite_file(tmp_path):
    play_at_once(str(tmp_path / "records.db"))


def test_eight_plays_at_once_on_an_existing_sqlite_file(tmp_path):
    path = tmp_path / "records.db"
    open_store(str(path)).close()  # the schema, and nothing yet for the scenario, its expert or these people
    play_at_once(str(path))


@pytest.mark.postgres
def test_eight_plays_at_once_on_a_new_postgresql_database(fresh_pg_url):
    play_at_once(fresh_pg_url)


@pytest.mark.postgres
def test_eight_plays_at_once_on_an_existing_postgresql_database(fresh_pg_url):
    open_store(fresh_pg_url).close()
    play_at_once(fresh_pg_url)


def _launch(url: str) -> int:
    """Import once, fork N players that wait, release them together; exit 0
    only if every one exited 0 (else print each failure's last words)."""
    import multiprocessing
    import tempfile

    import engine.expert.trained  # noqa: F401  (torch: seconds to import, so before the start)
    import engine.optimum  # noqa: F401
    import engine.records.commands  # noqa: F401
    import engine.records.play  # noqa: F401
    import engine.expert.scoring  # noqa: F401
    import gui.cli  # noqa: F401

    ctx = multiprocessing.get_context("fork")  # the children share these imports, not any connection
    go = ctx.Event()
    logs = [tempfile.TemporaryFile() for _ in range(N)]
    players = [ctx.Process(target=_play_when_told, args=(url, i, go, logs[i].fileno())) for i in range(N)]
    for p in players:
        p.start()
    print("ready", flush=True)
    sys.stdin.readline()
    go.set()
    failed = 0
    for i, p in enumerate(players):
        p.join(600)
        if p.exitcode != 0:
            failed += 1
            logs[i].seek(0)
            print(f"t{i} (exit {p.exitcode}): {logs[i].read().decode(errors='replace').strip()[-600:]}")
    return 1 if failed else 0


def _play_when_told(url: str, i: int, go, log: int) -> None:
    import os

    from gui.cli import main

    os.dup2(log, 1)
    os.dup2(log, 2)
    go.wait()
    sys.exit(main(["play", "burger", "--policy", "greedy", "--trainee", f"t{i}", "--db", url, "--seed", str(i)]))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(_launch(sys.argv[1]))
