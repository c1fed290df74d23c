"""One way to play a round: a policy asked at every tick where somebody has
a choice, the kitchen stepping on with {} where nobody has one (GAME.md).

A policy is any callable `policy(kitchen, state, rng) -> {worker: task or IDLE}`
(engine.policies). Baselines, simulated trainees, the expert, trace
generation, the records' headless rounds and the benchmarks all play rounds
through `play_round`, so a rule about when a policy is asked lives here once.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from engine.simulator import Kitchen, State

Policy = Callable[[Kitchen, State, "np.random.Generator | None"], dict]


def play_round(kitchen: Kitchen, policy: Policy, rng: np.random.Generator | None = None,
               record: list | None = None, *, start: State | None = None,
               decided_only: bool = False, check: bool = False) -> State:
    """Play from `start` (the round's first state) to the end with `policy`,
    asked only where somebody can act; returns the final state.

    `record`: (state, decision) pairs are appended to it, for every tick, or
    with `decided_only` for the ticks where the policy was asked. `rng`: passed
    to the policy, by default one seeded with the kitchen's seed. `check`:
    have the kitchen refuse an illegal decision (IllegalDecision) instead of
    trusting the policy."""
    rng = rng if rng is not None else np.random.default_rng(kitchen.seed)
    s = start if start is not None else kitchen.initial_state()
    while not s.done:
        decide = kitchen.has_decision(s)
        d = policy(kitchen, s, rng) if decide else {}
        if record is not None and (decide or not decided_only):
            record.append((s, d))
        s, _ = kitchen.step(s, d, check=check)
    return s


def decided_states(kitchen: Kitchen, policy: Policy, rng: np.random.Generator | None = None) -> list[State]:
    """Every state of a round played by `policy` where somebody had a choice."""
    record: list = []
    play_round(kitchen, policy, rng, record, decided_only=True)
    return [s for s, _ in record]
