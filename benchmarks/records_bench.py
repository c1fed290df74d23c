"""Records store at scale: 10,000 rounds of burger stored through the same
Store calls the app makes (one commit per decision), then the two reads a
person waits for: one round's replay and one trainee's whole history.

Goals: replay and history each < 50 ms.

    .venv/bin/python benchmarks/records_bench.py [--rounds N] [--trainees N] [--db URL]

Rows are real: each round is a random-policy round of burger whose decisions
carry real MoveScore data (the shipped burger expert, or an untrained network
when none is shipped). Scoring is done once for 50 distinct rounds and their
scores reused, since it is the storage that is being measured.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from engine.policies import random_policy  # noqa: E402
from engine.records.store import open_store  # noqa: E402
from engine.rounds import play_round  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402
from engine.simulator import Kitchen  # noqa: E402

DISTINCT = 50


def expert_and_scorer(scenario):
    import torch

    torch.set_num_threads(1)
    from engine.expert.trained import Expert, ExpertError, shipped_expert
    from engine.expert.network import PolicyNet
    from engine.expert.scoring import MoveScorer

    try:
        expert, which = shipped_expert(scenario), "shipped expert"
    except ExpertError:
        torch.manual_seed(0)
        expert, which = Expert(PolicyNet(hidden=16), record={"weights_sha256": "0" * 64}), "untrained network"
    return MoveScorer(expert, episodes=1), which


def scored_rounds(scenario, scorer):
    """DISTINCT random rounds: per seed, a list of (tick, decision, score dict)."""
    out = {}
    for seed in range(DISTINCT):
        record: list = []
        k = Kitchen(scenario, seed)
        play_round(k, random_policy, np.random.default_rng(seed), record, decided_only=True, check=True)
        out[seed] = [(s.tick, d, scorer.score(k, s, d).to_dict()) for s, d in record]
    return out


def timed(fn, repeat: int) -> float:
    """Median milliseconds of `fn()` over `repeat` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10_000)
    ap.add_argument("--trainees", type=int, default=100)
    ap.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    args = ap.parse_args()

    sc = load_scenario("burger")
    scorer, which = expert_and_scorer(sc)
    t0 = time.perf_counter()
    rounds = scored_rounds(sc, scorer)
    print(f"scored {DISTINCT} distinct rounds with the {which} in {time.perf_counter() - t0:.1f} s")

    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    store = open_store(url)
    people = [store.person(f"trainee-{i:03d}") for i in range(args.trainees)]
    sessions = [store.start_session(p, condition="bench") for p in people]
    n_decisions = 0
    t0 = time.perf_counter()
    for i in range(args.rounds):
        seed = i % DISTINCT
        rid = store.start_round(sessions[i % len(sessions)], sc, seed, policy="random")
        for tick, d, score in rounds[seed]:
            store.record_decision(rid, tick, d, score, think_seconds=1.5)
        n_decisions += len(rounds[seed])
        store.finish_round(rid)
        if (i + 1) % 1000 == 0:
            print(f"  {i + 1} rounds stored ({time.perf_counter() - t0:.0f} s)", flush=True)
    elapsed = time.perf_counter() - t0
    store.close()
    print(f"insert: {args.rounds} rounds, {n_decisions} decisions in {elapsed:.1f} s = "
          f"{args.rounds / elapsed:.0f} rounds/s, {n_decisions / elapsed:.0f} decisions/s "
          f"(one commit per decision, as the app does)")
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        print(f"database size: {size / 2 ** 20:.1f} MiB ({size / args.rounds / 1024:.1f} KiB per round)")

    # reads as a freshly opened app does them: a new Store, nothing cached
    store = open_store(url)
    middle = [args.rounds // 2 + j for j in range(20)]
    replay_ms = statistics.median(timed(lambda r=r: (open_store_cache_clear(store), store.replay(r),
                                                     store.load_round(r)), 1) for r in middle)
    person = store.person("trainee-042" if args.trainees > 42 else "trainee-000")
    history_ms = timed(lambda: store.history(person), 20)
    n_hist = len(store.history(person))
    print(f"replay of one round (load_round + replay, cold): {replay_ms:.1f} ms "
          f"(goal < 50 ms: {'met' if replay_ms < 50 else 'NOT met'})")
    print(f"one trainee's whole history ({n_hist} rounds): {history_ms:.1f} ms "
          f"(goal < 50 ms: {'met' if history_ms < 50 else 'NOT met'})")
    store.close()


def open_store_cache_clear(store) -> None:
    store._kitchens.clear()  # time the cold path: the round's kitchen rebuilt from stored text


if __name__ == "__main__":
    main()
