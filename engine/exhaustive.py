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

from engine.scenario import Objective
from engine.simulator import IDLE, Kitchen, State


class SearchTooLarge(RuntimeError):
    """The search visited more states than it was allowed to."""


def decisions(kitchen: Kitchen, s: State, never_idle: bool = False) -> Iterator[dict[int, int]]:
    """Every legal decision at s: each idle worker idle or on a distinct open
    task. With `never_idle`, only those where a worker stays idle just when no
    open task is left for it (the greedy habit GAME.md's research corrects)."""
    idle = kitchen.idle_workers(s)
    options = {w: kitchen.choices(s, w) for w in idle}  # the kitchen's rulebook: who may take what

    def rec(i: int, used: frozenset, chosen: dict[int, int]):
        if i == len(idle):
            # never idle: nobody idle who could still have taken a task left open
            if not never_idle or all(j != IDLE or not set(options[w][1:]) - used for w, j in chosen.items()):
                yield dict(chosen)
            return
        w = idle[i]
        for j in options[w]:
            if j != IDLE and j in used:
                continue
            chosen[w] = j
            yield from rec(i + 1, used | {j} if j != IDLE else used, chosen)
        del chosen[w]

    yield from rec(0, frozenset(), {})


def exhaustive_optimum(kitchen: Kitchen, state: State | None = None, max_states: int = 2_000_000,
                       never_idle: bool = False) -> tuple[float, list[dict[int, int]]]:
    """The best final value reachable from `state` (own units: fewest turns
    for makespan, most points for reward) and one sequence of decisions, one
    per tick, that reaches it; with `never_idle`, the best among plays that
    never leave a worker idle while an open task is left."""
    s0 = state if state is not None else kitchen.initial_state()
    successors = lambda s: _successors(kitchen, s, never_idle)
    if kitchen.scenario.objective is Objective.MAKESPAN:
        return _fewest_turns(kitchen, s0, max_states, successors)
    return _most_points(kitchen, s0, max_states, successors)


def _successors(kitchen: Kitchen, s: State, never_idle: bool):
    if not kitchen.has_decision(s):
        yield {}, kitchen.step(s, {}, check=False)[0]
        return
    for d in decisions(kitchen, s, never_idle):
        yield d, kitchen.step(s, d, check=False)[0]


def _most_points(kitchen: Kitchen, s0: State, max_states: int, successors):
    memo: dict[State, tuple[float, dict[int, int]]] = {}

    def best(s: State) -> float:
        if s.done:
            return kitchen.value(s)
        if s in memo:
            return memo[s][0]
        if len(memo) >= max_states:
            raise SearchTooLarge(f"more than {max_states} states")
        v, choice = None, None
        for d, nxt in successors(s):
            dv = best(nxt)
            if v is None or dv > v:
                v, choice = dv, d
        memo[s] = (v, choice)
        return v

    value = best(s0)
    return value, _plan(kitchen, s0, lambda s: memo[s][1])


def _fewest_turns(kitchen: Kitchen, s0: State, max_states: int, successors):
    """Iterative deepening on the target T: "can every order be served within
    T turns?", with a memo of states already refuted for some T (refuted for T
    means refuted for every smaller T) and a critical-path lower bound to cut
    hopeless branches early. Exact: the bound never overestimates."""
    refuted: dict[State, int] = {}
    plan: dict[State, dict[int, int]] = {}

    def reach(s: State, T: int) -> bool:
        if s.done:
            return kitchen.value(s) <= T
        if refuted.get(s, -1) >= T or _lower_bound(kitchen, s) > T:
            return False
        if len(refuted) >= max_states:
            raise SearchTooLarge(f"more than {max_states} states")
        for d, nxt in successors(s):
            if reach(nxt, T):
                plan[s] = d
                return True
        refuted[s] = T
        return False

    for T in range(max(_lower_bound(kitchen, s0), s0.tick), kitchen.ticks):
        if reach(s0, T):
            return float(T), _plan(kitchen, s0, lambda s: plan[s])
    # nothing serves every order before the horizon: any play ends there
    return float(kitchen.ticks), _plan(kitchen, s0, lambda s: {})


def _lower_bound(kitchen: Kitchen, s: State) -> int:
    """Turns at least needed from s: every unserved order's tasks on their
    fastest worker, respecting precedence and arrival, ignoring who is busy."""
    if s.done:
        return s.tick
    lb = s.tick + 1
    for o in range(kitchen.n_orders):
        if s.order_served[o] >= 0:
            continue
        ready = s.order_entered[o] if s.order_entered[o] >= 0 else max(kitchen.order_at[o], s.tick + 1)
        ready = max(ready, s.tick)
        fin: dict[int, int] = {}
        for j in _topological(kitchen, o):
            if s.task_end[j] >= 0:
                fin[j] = s.task_end[j]
            else:
                start = max([ready] + [fin[p] for p in kitchen.task_preds[j]])
                fin[j] = start + min(kitchen.duration[w][j] for w in range(kitchen.n_workers)
                                     if kitchen.can_do(w, j))
        lb = max(lb, max(fin.values()))
    return lb


def _topological(kitchen: Kitchen, o: int) -> list[int]:
    out, seen = [], set()

    def visit(j):
        if j in seen:
            return
        seen.add(j)
        for p in kitchen.task_preds[j]:
            visit(p)
        out.append(j)

    for j in kitchen.order_tasks[o]:
        visit(j)
    return out


def _plan(kitchen: Kitchen, s0: State, choose) -> list[dict[int, int]]:
    out, s = [], s0
    while not s.done:
        d = choose(s) if kitchen.has_decision(s) else {}
        out.append(d)
        s = kitchen.step(s, d, check=False)[0]
    return out


__all__ = ["decisions", "exhaustive_optimum", "SearchTooLarge"]
