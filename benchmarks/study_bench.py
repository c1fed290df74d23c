"""A study at scale: N participants over the four arms each play the plan
(taco-demo, burger, then a taco-demo post-test) through the same Store calls
the app makes, with tips recorded in the arms that have them; then the three
things a researcher waits for: `study new`, `study status` and `study export`.

    .venv/bin/python benchmarks/study_bench.py [--participants N] [--db URL]

Decisions are scored by a quick stand-in (the dispatch rule as the expert:
each worker who differs costs one turn), since the export is what is measured.
Prints seconds for each step and the export's rows.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from engine.policies import BASELINES, dispatch_policy  # noqa: E402
from engine.records.play import play_and_store  # noqa: E402
from engine.records.store import open_store  # noqa: E402
from engine.records.study_export import write_study  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402
from engine.simulator import IDLE  # noqa: E402

ARMS = ["none", "fixed", "mined", "personalised"]


class StandIn:
    def score(self, kitchen, state, decision):
        expert = dispatch_policy(kitchen, state)
        differ = [w for w in kitchen.idle_workers(state) if decision.get(w, IDLE) != expert.get(w, IDLE)]
        verdict = "best" if not differ else ("mistake" if len(differ) == 1 else "blunder")
        return SimpleNamespace(to_dict=lambda: {"expert_decision": dict(expert), "regret": float(len(differ)),
                                                "verdict": verdict, "per_worker": {w: 1.0 for w in differ}})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=60)
    ap.add_argument("--db")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="study-bench-"))
    url = args.db or f"sqlite:///{folder / 'records.db'}"
    store = open_store(url)
    t0 = time.perf_counter()
    study, people = store.create_study("bench", ARMS, args.participants, 1, ["taco-demo", "burger"], "taco-demo")
    t_new = time.perf_counter() - t0
    scenarios = {k: load_scenario(k) for k in set(study.plan)}
    t0 = time.perf_counter()
    for n, p in enumerate(people):
        p = store.join_study(p.code)
        session = store.study_session(p)
        for i, key in enumerate(study.plan):
            info = play_and_store(store, scenarios[key], n + i, BASELINES["greedy"], "greedy", p.code,
                                  scorer=StandIn(), rng=np.random.default_rng(n), session=session)
            if p.condition != "none" and i < len(study.sequence):
                store.record_tip(info.id, 0, "fixed:0", "Keep the chef at the stove")
        store.note_progress(p)
    t_play = time.perf_counter() - t0
    t0 = time.perf_counter()
    progress = store.study_progress(study)
    t_status = time.perf_counter() - t0
    t0 = time.perf_counter()
    done = write_study(store, study, folder / "export")
    t_export = time.perf_counter() - t0
    finished = sum(p.status == "finished" for p in progress)
    print(f"study of {args.participants} participants, plan {', '.join(study.plan)} on {store.url}")
    print(f"  study new:    {t_new:.3f} s")
    print(f"  play (stored as the app does): {t_play:.1f} s")
    print(f"  study status: {t_status:.3f} s ({finished} finished)")
    print(f"  study export: {t_export:.3f} s ({done['events']} events, {done['participants']} participants)")
    store.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
