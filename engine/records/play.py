"""One round played by a policy and stored exactly as the trainee app stores a
person's round: a session, the round, then each decided tick scored and
committed as it ends, then the outcome."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from engine.records.store import RoundInfo, Store
from engine.rounds import play_round
from engine.scenario import Scenario
from engine.simulator import Kitchen


def expert_id(store: Store, scenario: Scenario, expert) -> int | None:
    """Register a loaded `engine.expert.trained.Expert` (by its weights' hash) and return its id."""
    if expert is None:
        return None
    record = dict(getattr(expert, "record", None) or {})
    file_hash = record.get("weights_sha256") or getattr(expert, "scenario_hash", "") or "unknown"
    metrics = {k: v for k, v in record.items() if isinstance(v, (int, float, str, bool)) and k != "weights_sha256"}
    return store.expert(scenario, file_hash, metrics)


def play_and_store(store: Store, scenario: Scenario, seed: int, policy: Callable, policy_name: str,
                   trainee: str, scorer=None, expert=None, rng: np.random.Generator | None = None,
                   condition: str = "headless", session=None, optimum: float | None = None) -> RoundInfo:
    """Play one round with `policy(kitchen, state, rng)`; score each decision with
    `scorer.score(kitchen, state, decision)` when given; store it all."""
    rng = rng if rng is not None else np.random.default_rng(seed)
    if session is None:
        session = store.start_session(store.person(trainee), condition=condition)
    rid = store.start_round(session, scenario, seed, expert_id(store, scenario, expert), policy=policy_name)
    def decide(kitchen: Kitchen, state, rng) -> dict[int, int]:
        t0 = time.perf_counter()
        decision = policy(kitchen, state, rng)
        think = time.perf_counter() - t0
        score = scorer.score(kitchen, state, decision) if scorer is not None else None
        store.record_decision(rid, state.tick, decision, score, think_seconds=think)
        return decision

    play_round(Kitchen(scenario, seed), decide, rng, check=True)
    return store.finish_round(rid, optimum=optimum)


def known_optimum(scenario: Scenario) -> float | None:
    """The proven optimum when the engine has it (cached per scenario there)."""
    try:
        from engine.optimum import optimal_value
    except ImportError:
        return None
    if scenario.stochastic:
        return None
    try:
        # bounded: a headless round should not wait minutes for a nicety
        return optimal_value(scenario, time_limit=10)
    except Exception:  # the optimum is a nicety here; a solver failure must not lose the round
        return None
