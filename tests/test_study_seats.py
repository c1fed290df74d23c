"""Two seats (two processes) on one database run a study's participants at
the same moment (issue 16): each joins its own codes and plays their plans;
every participant ends finished, with all their rounds, under their own
code, and the export holds them all. SQLite, and PostgreSQL where
KITCHEN_COACH_TEST_PG is set (scripts/postgres).

Each seat is this file run as a script: it imports what it needs, says
"ready", and starts when the test says "go", so the two really overlap."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from engine.records.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEATS = 2
PER_SEAT = 2


def run_seats(url: str, tmp_path: Path) -> None:
    with open_store(url) as store:
        _, people = store.create_study("seats", ["none", "fixed"], SEATS * PER_SEAT, 5, ["taco-demo"], "taco-demo")
    codes = [p.code for p in people]
    procs = [subprocess.Popen([sys.executable, __file__, url, *codes[i * PER_SEAT:(i + 1) * PER_SEAT]],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(SEATS)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.communicate()[1][-2000:]
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    failed = [f"seat {i} (exit {p.returncode}): {err.strip()[-800:]}"
              for i, p in enumerate(procs) for _, err in [p.communicate(timeout=600)] if p.returncode != 0]
    assert not failed, "\n".join(failed)
    with open_store(url, create=False) as store:
        study = store.study("seats")
        progress = store.study_progress(study)
        assert [p.status for p in progress] == ["finished"] * len(codes)
        for pr in progress:
            rounds = store.history(store.find_person(pr.participant.code))
            assert len(rounds) == 2 and all(r.finished and r.decisions > 0 for r in rounds)
        from engine.records.study_export import write_study
        done = write_study(store, study, tmp_path / "export")
    rows = list(csv.DictReader(open(tmp_path / "export" / "participants.csv", newline="")))
    assert [r["code"] for r in rows] == codes and all(r["rounds"] == "2" for r in rows)
    events = list(csv.DictReader(open(tmp_path / "export" / "events.csv", newline="")))
    assert {e["code"] for e in events} == set(codes) and done["events"] == len(events)


def test_two_seats_run_participants_at_once_on_sqlite(tmp_path):
    run_seats(f"sqlite:///{tmp_path / 'records.db'}", tmp_path)


@pytest.mark.postgres
def test_two_seats_run_participants_at_once_on_postgresql(fresh_pg_url, tmp_path):
    run_seats(fresh_pg_url, tmp_path)


@pytest.mark.postgres
def test_fixed_tips_and_studies_on_postgresql(fresh_pg_url):
    """What SQLite tests elsewhere, on a server: a second store sees fixed tips
    per scenario field; a study name is taken once; a code joins once."""
    from engine.records.database import StoreError
    from engine.scenario import load_scenario
    from tips.fixed import fields, fixed_texts, handcrafted, save_fixed

    burger = load_scenario("burger")
    with open_store(fresh_pg_url) as a, open_store(fresh_pg_url) as b:
        save_fixed(a, burger, ["Keep the grill busy", "", "Plate early"], author="Sam")
        assert fixed_texts(b, burger) == ["Keep the grill busy", handcrafted(burger)[1], "Plate early"]
        assert fields(b, burger)[2].author == "Sam"
        _, people = a.create_study("pg", ["none", "mined"], 4, 2, ["burger"])
        with pytest.raises(StoreError, match="already exists"):
            b.create_study("pg", ["none"], 2, 2, ["burger"])
        assert a.join_study(people[0].code).person_id == b.join_study(people[0].code).person_id


def _seat(url: str, codes: list[str]) -> int:
    """One seat: each code joins (after consent) and plays its plan, as the app
    does: a sitting under the locked condition, rounds stored tick by tick."""
    import numpy as np

    from engine.policies import BASELINES
    from engine.records.play import play_and_store
    from engine.scenario import load_scenario

    store = open_store(url)
    print("ready", flush=True)
    sys.stdin.readline()
    for n, code in enumerate(codes):
        participant = store.join_study(code)
        session = store.study_session(participant)
        for i, key in enumerate(participant.study.plan):
            info = play_and_store(store, load_scenario(key), i, BASELINES["greedy"], "greedy", code,
                                  rng=np.random.default_rng(n), session=session)
            if participant.condition == "fixed" and i < len(participant.study.sequence):
                store.record_tip(info.id, 0, "fixed:0", "Eli chops")
            store.note_progress(participant)
    store.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(_seat(sys.argv[1], sys.argv[2:]))
