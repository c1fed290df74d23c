"""No decision lost: a process playing a round is killed with SIGKILL in the
middle of it; every tick it had reported as committed is in the database, the
round is unfinished (not corrupt), and it resumes or closes."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from engine.policies import BASELINES
from engine.records.store import open_store
from engine.scenario import load_scenario
from engine.simulator import Kitchen
from test_records_store import db_url  # noqa: F401  (fixture: SQLite and PostgreSQL)

ROOT = Path(__file__).resolve().parent.parent
SCENARIO, SEED, KILL_AFTER = "research-normal", 5, 4

CHILD = textwrap.dedent("""
    import sys, time
    import numpy as np
    from engine.policies import BASELINES
    from engine.records.store import open_store
    from engine.scenario import load_scenario
    from engine.simulator import Kitchen

    store = open_store(sys.argv[1])
    sc = load_scenario(sys.argv[2]); seed = int(sys.argv[3])
    rid = store.start_round(store.start_session(store.person("ada")), sc, seed, policy="random")
    print("round", rid, flush=True)
    k, rng = Kitchen(sc, seed), np.random.default_rng(seed)
    s = k.initial_state()
    while not s.done:
        d = {}
        if k.has_decision(s):
            d = BASELINES["random"](k, s, rng)
            store.record_decision(rid, s.tick, d, think_seconds=0.1)
            print("committed", s.tick, flush=True)
            time.sleep(0.003)  # short, so the kill often lands inside the next commit
        s, _ = k.step(s, d)
    print("finished", flush=True)
""")


def reference(sc, seed):
    """The states and decided ticks the child's round goes through."""
    k, rng = Kitchen(sc, seed), np.random.default_rng(seed)
    s, states, decided = k.initial_state(), [], []
    while not s.done:
        states.append(s)
        d = {}
        if k.has_decision(s):
            d = BASELINES["random"](k, s, rng)
            decided.append(s.tick)
        s, _ = k.step(s, d)
    return k, states, decided


def test_sigkill_mid_round_loses_no_committed_tick(db_url):  # noqa: F811
    open_store(db_url).close()  # schema in place before the child starts
    child = subprocess.Popen([sys.executable, "-c", CHILD, db_url, SCENARIO, str(SEED)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reported = []
    try:
        rid = int(child.stdout.readline().split()[1])
        while len(reported) < KILL_AFTER:
            line = child.stdout.readline()
            assert line.startswith("committed"), line + child.stderr.read()
            reported.append(int(line.split()[1]))
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL

    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as c:  # WAL recovery happens here, as in the app
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    sc = load_scenario(SCENARIO)
    k, states, decided = reference(sc, SEED)
    assert len(decided) > KILL_AFTER + 1  # the kill really was mid-round
    store = open_store(db_url)
    try:
        rec = store.load_round(rid)
        stored = [d.tick for d in rec.decisions]
        assert set(reported) <= set(stored)
        assert stored == decided[:len(stored)]  # a prefix: no gap, no half-written tick
        (info,) = store.unfinished_rounds(store.person("ada"))
        assert info.id == rid and not info.finished
        _, resume_state = store.resume(rid)
        assert resume_state == states[[s.tick for s in states].index(decided[len(stored)])]
        assert store.replay(rid) == [s for s in states if s.tick <= resume_state.tick]
        closed = store.close_round(rid)
        assert closed.abandoned and store.unfinished_rounds(store.person("ada")) == []
    finally:
        store.close()
