"""The exact regret of a decision on a deterministic round: the best value
reachable after it against the best value reachable before it, both proven
by CP-SAT (engine.optimum.solve). This is the judge the move scorer is
measured against (engine/expert/verdicts.py) and what `MoveScorer(exact=True)`
reports beside its verdicts.

    regret = optimum(after) - optimum(before)   makespan (turns)
    regret = optimum(before) - optimum(after)   reward (points)

Optima are cached per (kitchen, state). A state where nobody can act has the
optimum of the state one tick later, so states are first stepped on to the
next one where somebody can: consecutive decisions of a round then share one
solve.

A witness saves most solves after a decision: any value achieved by playing
on from the state after it (the expert's play-out, say) can be no better
than the optimum before, because that decision was one of the options then.
When a witness reaches the optimum before, it is the optimum after: regret
0, proven without a solve. A witness never decides a regret above 0.
"""
from __future__ import annotations

from typing import Callable

from engine.simulator import Kitchen, State

Witness = Callable[[Kitchen, State], float]


def settled(kitchen: Kitchen, state: State) -> State:
    """The next state, from `state` on, where somebody can act (or the end)."""
    s = state
    while not s.done and not kitchen.has_decision(s):
        s, _ = kitchen.step(s, {}, check=False)
    return s


class Optima:
    """Proven optima per state, solved once each; None where CP-SAT cannot
    prove one within `time_limit` seconds."""

    def __init__(self, time_limit: float = 20.0, max_states: int = 100_000):
        self.time_limit = time_limit
        self.max_states = max_states
        self.solves = 0
        self._cache: dict = {}

    def optimum(self, kitchen: Kitchen, state: State) -> float | None:
        s = settled(kitchen, state)
        key = (kitchen, s)  # the kitchen itself, not its id: ids are reused once it is gone
        if key not in self._cache:
            if len(self._cache) >= self.max_states:
                self._cache.clear()
            from engine.optimum import solve  # CP-SAT loads only when a regret is asked for
            sol = solve(kitchen, s, time_limit=self.time_limit)
            self.solves += 1
            self._cache[key] = float(sol.value) if sol.proven else None
        return self._cache[key]

    def known(self, kitchen: Kitchen) -> dict[State, float | None]:
        """The optima solved so far for this kitchen (to save and `preload` later)."""
        return {s: v for (k, s), v in self._cache.items() if k is kitchen}

    def preload(self, kitchen: Kitchen, optima: dict[State, float | None]) -> None:
        """Optima solved before, for a kitchen of the same deterministic round."""
        self._cache.update({(kitchen, s): v for s, v in optima.items()})

    def regret(self, kitchen: Kitchen, state: State, decision: dict[int, int],
               witness: Witness | None = None) -> float | None:
        """Exact regret of `decision` at `state` (>= 0, own units), or None
        when an optimum could not be proven."""
        before = self.optimum(kitchen, state)
        if before is None:
            return None
        after_state = settled(kitchen, kitchen.step(state, decision)[0])
        key = (kitchen, after_state)
        if witness is not None and key not in self._cache and abs(witness(kitchen, after_state) - before) < 1e-9:
            self._cache[key] = before
        after = self.optimum(kitchen, after_state)
        if after is None:
            return None
        worse = -1.0 if kitchen.scenario.higher_is_better else 1.0
        return worse * (after - before)
