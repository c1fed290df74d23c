"""Baseline policies, so the expert has something to beat.

A policy is any callable `policy(kitchen, state, rng) -> {worker: task or IDLE}`
returning a legal decision for the state's tick.
"""
from __future__ import annotations

from typing import Callable, Protocol

import numpy as np

from engine.rounds import play_round  # noqa: F401  (the one way to play a round; imported from here too)
from engine.scenario import Objective
from engine.simulator import IDLE, Kitchen, State


class Policy(Protocol):
    def __call__(self, kitchen: Kitchen, state: State, rng: np.random.Generator) -> dict[int, int]: ...


def random_policy(kitchen: Kitchen, state: State, rng: np.random.Generator) -> dict[int, int]:
    """Each idle worker in turn picks uniformly among its legal choices (idle included)."""
    decision: dict[int, int] = {}
    for w in kitchen.idle_workers(state):
        options = kitchen.choices(state, w, decision.values())
        decision[w] = options[int(rng.integers(len(options)))]
    return decision


def greedy_policy(kitchen: Kitchen, state: State, rng: np.random.Generator | None = None) -> dict[int, int]:
    """Every idle worker takes an open task, fastest pairs first; nobody who
    could work is left idle (the habit the research set out to correct)."""
    idle = kitchen.idle_workers(state)
    open_ = kitchen.open_tasks(state)
    pairs = sorted((kitchen.base_duration[w][j], w, j) for w in idle for j in kitchen.for_worker(w, open_))
    decision: dict[int, int] = {}
    used: set[int] = set()
    for _, w, j in pairs:
        if w not in decision and j not in used:
            decision[w] = j
            used.add(j)
    return decision


def _order_work_left(kitchen: Kitchen, state: State, o: int) -> float:
    return sum(kitchen.fastest[j] for j in kitchen.order_tasks[o] if state.task_end[j] < 0)


def dispatch_policy(kitchen: Kitchen, state: State, rng: np.random.Generator | None = None) -> dict[int, int]:
    """Classic dispatching: each task to the worker who would *finish* it
    earliest (ECT), counting busy workers at the tick they become free; an idle
    worker is left idle when a busy but faster worker would still finish the
    task sooner. Tasks are ranked by the rule that suits the objective: most
    work remaining first (MWKR) for makespan; for the reward objective, whose
    waiting cost is a weighted sum of completion times, the order with the
    most reward per tick of work left first (WSPT), so nearly done dishes go out."""
    t = state.tick
    remaining = kitchen.remaining_work
    if kitchen.scenario.objective is Objective.REWARD:
        def rank(j):
            o = kitchen.task_order[j]
            return (-kitchen.order_reward[o] / max(1.0, _order_work_left(kitchen, state, o)),
                    kitchen.order_at[o], -remaining[j], j)
    else:
        def rank(j):
            return (-remaining[j], j)
    open_ = sorted(kitchen.open_tasks(state), key=rank)
    ready = {w: max(t, f) for w, f in enumerate(state.worker_free)}
    decision: dict[int, int] = {}
    for j in open_:
        able = [w for w in ready if kitchen.can_do(w, j)]
        best = min(able, key=lambda w: (ready[w] + kitchen.base_duration[w][j], w))
        if ready[best] == t and best not in decision:
            decision[best] = j
        # reserve the chosen worker either way, so the next task looks elsewhere
        ready[best] += kitchen.base_duration[best][j] + kitchen.handover
    return decision


BASELINES: dict[str, Callable] = {
    "random": random_policy,
    "greedy": greedy_policy,
    "dispatch": dispatch_policy,
}

