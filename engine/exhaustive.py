"""Exact optimum by brute force: every legal decision at every tick, with the
simulator itself as the model.

This is deliberately the dumbest correct search there is, so that it shares
nothing with the CP-SAT model in `engine.optimum` except the step function:
tests compare the two on small scenarios, and a rule that one of them models
wrongly shows up as a difference. It is exponential; keep it to a handful of
tasks (or a mid-round state near the end of a bigger round).
"""
from __future__ import annotations

from typing import Iterator

from engine.simulator import IDLE, Kitchen, State


class SearchTooLarge(RuntimeError):
    """The search visited more states than it was allowed to."""


def decisions(kitchen: Kitchen, s: State) -> Iterator[dict[int, int]]:
    """Every legal decision at s: each idle worker idle or on a distinct open task."""
    idle = kitchen.idle_workers(s)
    open_ = kitchen.open_tasks(s)
    options = [IDLE] + open_

    def rec(i: int, used: frozenset, chosen: dict[int, int]):
        if i == len(idle):
            yield dict(chosen)
            return
        w = idle[i]
        for j in options:
            if j != IDLE and j in used:
                continue
            chosen[w] = j
            yield from rec(i + 1, used | {j} if j != IDLE else used, chosen)
        del chosen[w]

    yield from rec(0, frozenset(), {})


def exhaustive_optimum(kitchen: Kitchen, state: State | None = None,
                       max_states: int = 2_000_000) -> tuple[float, list[dict[int, int]]]:
    """The best final value reachable from `state` (own units: fewest turns
    for makespan, most points for reward) and one sequence of decisions, one
    per tick, that reaches it."""
    s0 = state if state is not None else kitchen.initial_state()
    better = (lambda a, b: a > b) if kitchen.scenario.objective == "reward" else (lambda a, b: a < b)
    memo: dict[State, tuple[float, dict[int, int] | None]] = {}

    def best(s: State) -> float:
        if s.done:
            return kitchen.value(s)
        hit = memo.get(s)
        if hit is not None:
            return hit[0]
        if len(memo) >= max_states:
            raise SearchTooLarge(f"more than {max_states} states")
        if not kitchen.has_decision(s):
            choice: dict[int, int] = {}
            v = best(kitchen.step(s, choice, check=False)[0])
        else:
            v, choice = None, None
            for d in decisions(kitchen, s):
                dv = best(kitchen.step(s, d, check=False)[0])
                if v is None or better(dv, v):
                    v, choice = dv, d
        memo[s] = (v, choice)
        return v

    value = best(s0)
    plan, s = [], s0
    while not s.done:
        d = memo[s][1] if s in memo else {}
        plan.append(d)
        s = kitchen.step(s, d, check=False)[0]
    return value, plan


__all__ = ["decisions", "exhaustive_optimum", "SearchTooLarge"]
