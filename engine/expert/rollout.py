"""Playing with a trained scorer: greedy decisions, finishing a round, and the
decision-time improvement of one-agent-at-a-time rollout (Bertsekas).

Rollout: for each idle worker in turn (index order), try each of its legal
choices with the earlier workers' choices fixed and the later ones left to the
policy, finish the round with the greedy policy, and keep the best; ties go to
the policy's own choice. The policy's own choice is always among those tried,
so on a deterministic scenario the rollout policy is never worse than the
policy alone (the cost-improvement property; tests check it).

Stochastic scenarios: a `Kitchen` is one seed's round, so its future noise and
arrivals must not be peeked at. `future_kitchens` keeps everything known at
the state's tick (orders that have arrived, the state itself, including when
running tasks end) and redraws the rest -- arrivals after the tick and the
noise of tasks not yet started -- from fresh seeds. Comparing two decisions on
the same list of redrawn futures is what common random numbers means here.
"""
from __future__ import annotations

import dataclasses
import weakref

import numpy as np

from engine.expert.features import TickView
from engine.expert.network import NumpyScorer
from engine.simulator import IDLE, Kitchen, State


def greedy_decision(kitchen: Kitchen, state: State, scorer: NumpyScorer,
                    fixed: dict[int, int] | None = None, horizon: int | None = None) -> dict[int, int]:
    """Each idle worker in turn takes its highest-scoring choice; workers in
    `fixed` (which must come first in index order) keep theirs. `horizon`: the
    one the scorer was trained with (features.TickView)."""
    view = TickView(kitchen, state, horizon)
    fixed = fixed or {}
    for w in view.idle:
        if w in fixed:
            view.take(w, fixed[w])
            continue
        if not view.has_choice():
            break
        x, opts = view.rows(w)
        view.take(w, opts[int(scorer.logits(x).argmax())])  # the method: np.argmax's wrapper costs more
    return {w: j for w, j in view.decision.items() if j != IDLE}


def top_choices(view: TickView, w: int, scorer: NumpyScorer, n: int) -> list[int]:
    """The policy's `n` + 1 highest-scoring choices for idle worker `w` in
    `view` (staying idle among them if it ranks so), best first, ties in row
    order: the candidates the scorer, the search and the narrow rollout try."""
    x, opts = view.rows(w)
    return [opts[i] for i in np.argsort(-scorer.logits(x), kind="stable")[:n + 1]]


class Finisher:
    """Value of a state when the greedy policy plays the round out.

    The greedy policy is deterministic in a given kitchen, so every state on a
    finished path maps to the same final value: remembering them makes the
    many overlapping rollouts of scoring and rollout cheap. `policy`: another
    deterministic policy to play out with instead (a baseline such as
    dispatch); `scorer` is still the one rollout completes decisions with."""

    def __init__(self, scorer: NumpyScorer, horizon: int | None = None, max_states: int = 200_000,
                 policy=None):
        self.scorer = scorer
        self.horizon = horizon
        self.max_states = max_states
        self.policy = policy
        self._memo: "weakref.WeakKeyDictionary[Kitchen, dict]" = weakref.WeakKeyDictionary()

    def value(self, kitchen: Kitchen, state: State) -> float:
        memo = self._memo.get(kitchen)
        if memo is None:
            memo = self._memo[kitchen] = {}
        path = []
        s = state
        while not s.done:
            v = memo.get(s)
            if v is not None:
                break
            path.append(s)
            if not kitchen.has_decision(s):
                d = {}
            elif self.policy is not None:
                d = self.policy(kitchen, s, None)
            else:
                d = greedy_decision(kitchen, s, self.scorer, horizon=self.horizon)
            s, _ = kitchen.step(s, d, check=False)
        else:
            v = kitchen.value(s)
        if len(memo) + len(path) > self.max_states:
            memo.clear()
        for p in path:
            memo[p] = v
        return v

    def after(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> float:
        """Take `decision` at `state`, then play greedily to the end."""
        s, _ = kitchen.step(state, decision)
        return self.value(kitchen, s)


def future_kitchens(kitchen: Kitchen, state: State, seeds) -> list[tuple[Kitchen, State]]:
    """The round from `state` on, with the unknown future redrawn per seed.

    Deterministic scenarios have one future: the kitchen itself."""
    sc = kitchen.scenario
    if not sc.stochastic:
        return [(kitchen, state)]
    t = state.tick
    n_fixed = len(sc.orders)
    kept = [o for o in kitchen.orders[n_fixed:] if o.at <= t]
    arrivals = tuple(dataclasses.replace(a, start=max(a.start, t + 1)) for a in sc.arrivals if a.until > t + 1)
    known = dataclasses.replace(sc, orders=sc.orders + tuple(kept), arrivals=arrivals)
    n_orders = n_fixed + len(kept)
    n_tasks = sum(len(tasks) for tasks in kitchen.order_tasks[:n_orders])
    out = []
    for seed in seeds:
        k = Kitchen(known, int(seed))
        pad_t = (-1,) * (k.n_tasks - n_tasks)
        pad_o = (-1,) * (k.n_orders - n_orders)
        s = State(t, state.task_end[:n_tasks] + pad_t, state.task_worker[:n_tasks] + pad_t,
                  state.worker_free, state.order_entered[:n_orders] + pad_o,
                  state.order_served[:n_orders] + pad_o, state.done)
        out.append((k, s))
    return out


def future_seeds(kitchen: Kitchen, state: State, k: int) -> list[int]:
    """Seeds for the redrawn futures: fixed by (round seed, tick), so scoring
    the same position twice gives the same answer."""
    return [int(x) for x in np.random.SeedSequence([kitchen.seed, state.tick, 7919]).generate_state(k)]


def mean_after(finisher: Finisher, futures: list[tuple[Kitchen, State]], decision: dict[int, int]) -> float:
    return float(np.mean([finisher.after(k, s, decision) for k, s in futures]))


def rollout_decision(kitchen: Kitchen, state: State, finisher: Finisher, samples: int = 8,
                     choices: int | None = None) -> dict[int, int]:
    """One-agent-at-a-time rollout on top of the greedy policy. `choices`:
    try only the policy's top that many tasks per worker besides staying idle
    and its own choice (None: every legal choice); each choice tried costs a
    play-out per future, and in a large kitchen most of them are far-fetched."""
    futures = future_kitchens(kitchen, state, future_seeds(kitchen, state, samples))
    better = 1.0 if kitchen.scenario.higher_is_better else -1.0
    scorer = finisher.scorer
    view = TickView(kitchen, state, finisher.horizon) if choices is not None else None
    fixed: dict[int, int] = {}
    for w in kitchen.idle_workers(state):
        taken = {j for j in fixed.values() if j != IDLE}
        options = kitchen.choices(state, w, taken)
        if len(options) == 1:
            fixed[w] = IDLE
            if view is not None:
                view.take(w, IDLE)
            continue
        if view is not None:
            options = list(dict.fromkeys([IDLE] + top_choices(view, w, scorer, choices)))
        base = greedy_decision(kitchen, state, scorer, fixed, finisher.horizon)
        base_choice = base.get(w, IDLE)
        best_choice, best_value = base_choice, mean_after(finisher, futures, base) * better
        for c in options:
            if c == base_choice:
                continue
            d = greedy_decision(kitchen, state, scorer, {**fixed, w: c}, finisher.horizon)
            v = mean_after(finisher, futures, d) * better
            if v > best_value + 1e-9:
                best_choice, best_value = c, v
        fixed[w] = best_choice
        if view is not None:
            view.take(w, best_choice)
    return {w: j for w, j in fixed.items() if j != IDLE}
