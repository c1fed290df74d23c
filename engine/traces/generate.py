"""Trace rows made by the simulator: rounds played by policies, written in the
TRACES.md format. Tests and benchmarks use them as "people" whose decisions
are known exactly, and `habit_policy` gives a simulated trainee with a
known habit for the trainee model to find."""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from engine.policies import play_round
from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State


def round_rows(kitchen: Kitchen, decisions: Iterable[dict[int, int]], person: str, number: int,
               scenario_ref: str, with_seed: bool = True, with_duration: bool = True) -> list[dict]:
    """The trace rows of one round, given its per-tick decisions (tick = index)."""
    rows = []
    for tick, d in enumerate(decisions):
        for w, j in sorted(d.items()):
            if j == IDLE:
                continue
            task = kitchen.tasks[j]
            rows.append({
                "person": person, "round": number, "scenario": scenario_ref, "tick": tick,
                "worker": kitchen.workers[w].name, "order": task.order, "task": task.name,
                "seed": kitchen.seed if with_seed else None,
                "duration": kitchen.duration[w][j] if with_duration else None,
            })
    return rows


def simulate_rows(scenario: Scenario, scenario_ref: str, people: dict[str, Callable], rounds: int,
                  seed: int = 0, first_round: int = 1) -> list[dict]:
    """`rounds` rounds for each person, each person playing with their own
    policy, numbered from `first_round` (a person who played other scenarios
    before goes on counting); the i-th round of every person uses seed `seed + i`."""
    rows = []
    for person, policy in people.items():
        rng = np.random.default_rng([seed, first_round, len(rows)])
        for i in range(rounds):
            k = Kitchen(scenario, seed + i)
            record: list = []
            play_round(k, policy, rng, record)
            rows += round_rows(k, [d for _, d in record], person, first_round + i, scenario_ref)
    return rows


def habit_policy(base: Callable, worker_role: str, never_type: str, explore: float = 0.2) -> Callable:
    """A simulated trainee: plays like `base`, but with probability `explore`
    a worker picks a random legal choice instead, and the worker of role
    `worker_role` is never given a task of type `never_type` (the research's
    example habit: "the server never cooks")."""

    def policy(kitchen: Kitchen, state: State, rng: np.random.Generator) -> dict[int, int]:
        banned = {w for w, x in enumerate(kitchen.workers) if x.role == worker_role}
        allowed = lambda w, j: not (w in banned and kitchen.tasks[j].type == never_type)
        proposal = base(kitchen, state, rng)
        decision: dict[int, int] = {}
        for w in kitchen.idle_workers(state):
            taken = set(decision.values())
            if rng.random() < explore:
                options = [c for c in kitchen.choices(state, w, taken) if c == IDLE or allowed(w, c)]
                decision[w] = options[int(rng.integers(len(options)))]
                continue
            j = proposal.get(w, IDLE)
            if j != IDLE and (j in taken or not allowed(w, j)):
                j = IDLE
            decision[w] = j
        return {w: j for w, j in decision.items() if j != IDLE}

    return policy
