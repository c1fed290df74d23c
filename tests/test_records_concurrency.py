"""Eight `play` commands at once on one database (issue 11): on a new SQLite
file some said "is not a Kitchen Coach database (it has other tables)" (they
looked while another was half-way through creating the schema), and on an
existing database some died on `UNIQUE constraint failed:
scenarios.content_hash` (two created the same scenario row). Every one must
exit 0 and store its round.

Started one after another, eight commands spend seconds importing torch and
rarely meet; so each runs in a child (this file as a script) that imports
what `play` needs, says it is ready, and runs `kitchen-coach play` (the same
`main`) when the test tells all of them to go at once."""
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
    procs = [subprocess.Popen([sys.executable, __file__, url, str(i)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(N)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.communicate()[1][-2000:]
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    failed = []
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=600)
        if p.returncode != 0:
            failed.append(f"t{i} (exit {p.returncode}): {err.strip()[-600:]}")
    assert not failed, "\n".join(failed)
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


def _play_when_told(url: str, i: int) -> int:
    import engine.expert.trained  # noqa: F401  (torch: seconds to import, so before the start)
    import engine.optimum  # noqa: F401
    import engine.records.commands  # noqa: F401
    import engine.records.play  # noqa: F401
    import engine.expert.scoring  # noqa: F401
    from gui.cli import main

    print("ready", flush=True)
    sys.stdin.readline()
    return main(["play", "burger", "--policy", "greedy", "--trainee", f"t{i}", "--db", url, "--seed", str(i)])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(_play_when_told(sys.argv[1], int(sys.argv[2])))
