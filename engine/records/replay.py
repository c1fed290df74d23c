"""Decisions as named data, and a stored round folded back into states.

The engine speaks in indices (`{worker_index: task_index}`); the database keeps
names (`[{"worker": "Carol", "order": 0, "task": "chop"}]`) so that rows read on
their own and survive a scenario whose workers were listed in another order.
Replaying is a pure fold: scenario + seed + the decisions, through `Kitchen.step`.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from engine.scenario import parse_scenario
from engine.simulator import IDLE, Kitchen, State


class ReplayError(ValueError):
    """A stored decision that no longer fits its round (should never happen)."""


def kitchen_for(scenario_key: str, scenario_text: str, seed: int) -> Kitchen:
    # The key as "file name" makes Scenario.key come back as the stored key.
    return Kitchen(parse_scenario(scenario_text, scenario_key), seed)


def encode(kitchen: Kitchen, decision: Mapping[Any, int] | None) -> list[dict]:
    """{worker: task} -> named pairs, in worker order; idle workers left out."""
    out = []
    for w, j in sorted(((int(w), int(j)) for w, j in (decision or {}).items())):
        if j == IDLE:
            continue
        if not (0 <= w < kitchen.n_workers and 0 <= j < kitchen.n_tasks):
            raise ReplayError(f"decision names worker {w} or task {j}, which this round does not have")
        t = kitchen.tasks[j]
        out.append({"worker": kitchen.workers[w].name, "order": t.order, "task": t.name})
    return out


def decode(kitchen: Kitchen, pairs: Iterable[Mapping]) -> dict[int, int]:
    workers = {w.name: i for i, w in enumerate(kitchen.workers)}
    tasks = {(t.order, t.name): t.index for t in kitchen.tasks}
    out = {}
    for p in pairs:
        try:
            out[workers[p["worker"]]] = tasks[(int(p["order"]), p["task"])]
        except KeyError:
            raise ReplayError(f"stored decision {dict(p)} names a worker or task this round lacks") from None
    return out


def describe(pairs: Iterable[Mapping]) -> str:
    """One readable cell for exports: 'Carol: chop (order 1); Bob: cook (order 1)'."""
    parts = [f"{p['worker']}: {p['task']} (order {int(p['order']) + 1})" for p in pairs]
    return "; ".join(parts) if parts else "idle"


def encode_score_decision(kitchen: Kitchen, value) -> list[dict] | None:
    """The expert's decision out of a MoveScore dict, whatever form it took
    there: {worker: task} (int or str keys, as JSON turns them) or named pairs."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return encode(kitchen, {int(w): int(j) for w, j in value.items()})
    return [dict(p) for p in value]


def per_worker_names(kitchen: Kitchen, per_worker) -> dict[str, float] | None:
    if per_worker is None:
        return None
    out = {}
    for w, r in dict(per_worker).items():
        key = kitchen.workers[int(w)].name if str(w).lstrip("-").isdigit() else str(w)
        out[key] = None if r is None else float(r)
    return out


def fold(kitchen: Kitchen, decisions: Mapping[int, Mapping[int, int]], play_out: bool = False) -> list[State]:
    """States tick by tick: states[i] is the state at the start of tick i.

    Ticks with no stored decision are stepped with `{}`, as the app steps ticks
    where nobody can do anything. Stops after the last stored decision (then
    skips ahead through ticks with nothing to decide, as the app would), or
    plays the round out with idle ticks when `play_out`.
    """
    s = kitchen.initial_state()
    states = [s]
    last = max(decisions, default=-1)
    while not s.done and (play_out or s.tick <= last or not kitchen.has_decision(s)):
        d = decisions.get(s.tick, {})
        try:
            s, _ = kitchen.step(s, d)
        except ValueError as e:
            raise ReplayError(f"tick {s.tick}: {e}") from None
        states.append(s)
    return states
