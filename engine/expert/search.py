"""Expert-guided beam search: a stronger play-out for small deterministic kitchens.

The quick play-outs (the greedy expert, dispatch) go astray after an
off-script move, and the decision they follow from there is a single path. The
beam search keeps `width` paths at once. From every state in the beam, each
decision tick expands into the expert's greedy decision and its one-worker
deviations: one worker at a time (index order, earlier workers at the expert's
choice), that worker idle or given one of the expert's top `choices` tasks,
the later workers completed greedily. Every child is valued by the quick
play-outs; the `width` best children (by that value, ties to the order they
were made in, the expert's own first) form the next beam. A state's search
value is the best play-out found anywhere in the tree: a value some play
reaches, so it never claims more than the exact optimum, and never less than
the quick play-outs found from the root.

Guided by the expert only: the exact solver is the judge (engine/exact_regret.py),
never consulted here. Deterministic kitchens only: on a stochastic one a
`Kitchen` is one seed's round, and a search on it would peek at that future.

A search's answer is remembered per kitchen and state (weakly, like
rollout.Finisher), and the quick play-outs remember theirs: the decisions of
one round, whose states overlap, share work. What was searched before never
changes an answer: the same state always gets the same value.
"""
from __future__ import annotations

import itertools
import weakref
from typing import Callable

import numpy as np

from engine.exact_regret import settled
from engine.expert.features import TickView
from engine.expert.network import NumpyScorer
from engine.expert.rollout import greedy_decision, top_choices
from engine.simulator import IDLE, Kitchen, State

Quick = Callable[[Kitchen, State], float]


def deviations(kitchen: Kitchen, state: State, scorer: NumpyScorer, choices: int,
               horizon: int | None = None, joint: int = 0) -> list[dict[int, int]]:
    """The expert's greedy decision first, then its one-worker deviations
    (module docstring), each once; with `joint`, up to that many more
    decisions where several workers leave the expert's choice at once (each
    idle or one of its top `choices` tasks, fewest and smallest departures
    first): two workers swapping tasks is one, which no one-worker deviation
    with a greedy completion reaches."""
    greedy = greedy_decision(kitchen, state, scorer, horizon=horizon)
    out = [greedy]
    if choices < 0:
        return out
    view = TickView(kitchen, state, horizon)
    fixed: dict[int, int] = {}
    ranked: list[tuple[int, list[int]]] = []
    for w in view.idle:
        if not view.has_choice():
            break
        top = top_choices(view, w, scorer, choices)
        mine = greedy.get(w, IDLE)
        ranked.append((w, [mine] + top + [IDLE]))
        for c in dict.fromkeys([IDLE] + top):
            d = greedy_decision(kitchen, state, scorer, {**fixed, w: c}, horizon)
            if d not in out:
                out.append(d)
        fixed[w] = mine
        view.take(w, fixed[w])
    if joint and len(ranked) > 1:
        # first after its own choice, each worker may take a task the expert
        # gave another: swaps come first among the joint departures
        given = [j for j in greedy.values() if j != IDLE]
        ranked = [(w, list(dict.fromkeys([r[0]] + [j for j in given if kitchen.can_do(w, j)] + r[1:])))
                  for w, r in ranked]
        combos = []
        for pick in itertools.product(*[range(len(r)) for _, r in ranked]):
            if sum(1 for i in pick if i) < 2:
                continue  # the greedy decision and one-worker departures are above
            tasks = [r[i] for (_, r), i in zip(ranked, pick)]
            used = [j for j in tasks if j != IDLE]
            if len(used) == len(set(used)):
                combos.append((sum(1 for i in pick if i), sum(pick), tasks))
        combos.sort(key=lambda c: (c[0], c[1]))
        added = 0
        for _, _, tasks in combos:
            d = {w: j for (w, _), j in zip(ranked, tasks) if j != IDLE}
            if d not in out:
                out.append(d)
                added += 1
                if added >= joint:
                    break
    return out


def waited(kitchen: Kitchen, state: State) -> State | None:
    """Everyone idle now waits until the next busy worker is free (then the
    next state where somebody can act); None when nobody is busy. A worker
    saving itself for a task another will soon open is a plan no single idle
    tick shows: the quick play-out after one idle tick sets the worker to work
    at once."""
    t = state.tick
    busy = [f for f in state.worker_free if f > t]
    if not busy:
        return None
    s = state
    while not s.done and s.tick < min(busy):
        s, _ = kitchen.step(s, {}, check=False)
    return settled(kitchen, s)


class BeamSearch:
    """Search values of states (module docstring). `quick(kitchen, state)`:
    the value of the quick play-outs from a state, in the scenario's units."""

    def __init__(self, scorer: NumpyScorer, quick: Quick, horizon: int | None = None,
                 width: int = 4, choices: int = 2, joint: int = 0, wait: bool = False, depth: int | None = None,
                 max_states: int = 50_000):
        self.scorer = scorer
        self.quick = quick
        self.horizon = horizon
        self.width = width
        self.choices = choices
        self.joint = joint
        self.wait = wait
        self.depth = depth
        self.max_states = max_states
        self._memo: "weakref.WeakKeyDictionary[Kitchen, dict]" = weakref.WeakKeyDictionary()
        self.expanded = 0  # states expanded so far (a measure of work)

    def value(self, kitchen: Kitchen, state: State) -> float:
        """The best value found from `state` (own units)."""
        return self._search(kitchen, state)[0]

    def after(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> float:
        """The best value found after taking `decision` at `state`."""
        return self.value(kitchen, kitchen.step(state, decision)[0])

    def search(self, kitchen: Kitchen, state: State) -> tuple[float, dict[int, int] | None]:
        """The best value found from `state` and the decision at `state` that
        starts the best path (None when nobody can act there)."""
        return self._search(kitchen, state)[:2]

    def below(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> float | None:
        """The best value the search from `state` found after `decision` there
        (idle workers may be named with IDLE), or None when it did not try
        that decision: a value some play after it reaches, so a trainee's move
        that the search tried is valued as well as the expert's."""
        key = tuple(sorted((w, j) for w, j in decision.items() if j != IDLE))
        return self._search(kitchen, state)[2].get(key)

    def _search(self, kitchen: Kitchen, state: State) -> tuple[float, dict[int, int] | None, dict]:
        if kitchen.scenario.stochastic:
            raise ValueError("beam search is for deterministic kitchens only")
        memo = self._memo.get(kitchen)
        if memo is None:
            memo = self._memo[kitchen] = {}
        if state in memo:
            return memo[state]
        sign = -1.0 if kitchen.scenario.higher_is_better else 1.0  # cost = sign * value
        root = settled(kitchen, state)
        if root.done or not kitchen.has_decision(root):
            out = (kitchen.value(root), None, {})
        else:
            out = self._beam(kitchen, root, sign)
        if len(memo) >= self.max_states:
            memo.clear()
        memo[state] = out
        return out

    def _children(self, kitchen: Kitchen, s: State):
        for d in deviations(kitchen, s, self.scorer, self.choices, self.horizon, self.joint):
            yield d, settled(kitchen, kitchen.step(s, d, check=False)[0])
        if self.wait:
            w = waited(kitchen, s)
            if w is not None:
                yield {}, w

    def _beam(self, kitchen: Kitchen, root: State, sign: float) -> tuple[float, dict[int, int], dict]:
        best_cost, best_first = np.inf, None
        below: dict[tuple, float] = {}  # first decision -> best cost found after it
        beam: list[tuple[State, dict | None]] = [(root, None)]
        seen = {root}
        level = 0
        while beam and (self.depth is None or level < self.depth):
            level += 1
            children: list[tuple[float, int, State, dict]] = []
            for s, first in beam:
                self.expanded += 1
                for d, c in self._children(kitchen, s):
                    if c in seen:
                        continue
                    seen.add(c)
                    f = d if first is None else first
                    if c.done:
                        cost = sign * kitchen.value(c)
                    else:
                        cost = sign * self.quick(kitchen, c)
                        children.append((cost, len(children), c, f))
                    if cost < best_cost - 1e-9:
                        best_cost, best_first = cost, f
                    key = tuple(sorted(f.items()))
                    below[key] = min(below.get(key, np.inf), cost)
            children.sort(key=lambda x: (x[0], x[1]))
            beam = [(c, f) for _, _, c, f in children[:self.width]]
        return sign * best_cost, best_first, {k: sign * c for k, c in below.items()}
