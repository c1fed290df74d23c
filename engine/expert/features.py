"""What the expert sees: one feature row per legal choice of one idle worker.

The policy acts one idle worker at a time (workers in index order within a
tick; each later worker sees the earlier ones' choices as taken tasks and busy
time). Each legal choice -- "stay idle" or "take open task j" -- becomes one
row of `N_FEATURES` numbers, and one network with shared weights scores every
row, so the same weights handle any number of workers, orders and tasks.

Durations: the expert may use the *true* base durations of every worker
(GAME.md hides them only from the trainee). It never sees the noise of a task
that has not started, so it is not clairvoyant in stochastic scenarios.

Times are divided by the scenario's mean duration, so kitchens with slow and
fast recipes look alike, and every feature is clipped to [-CLIP, CLIP].

Row layout (FEATURE_NAMES, same order):

  choice: is_task (0 for "stay idle")
  pair (worker w, task j; 0 on the idle row):
    dur            w's duration for j
    slower_than_best  w's duration minus the fastest worker's duration for j
    finish_lead    earliest finish of j by any *other* worker (counting when
                   busy workers come free and what earlier workers took this
                   tick) minus w's finish if w starts now; > 0: w finishes first
    tail           critical path after j (fastest durations) to serve its order
    order_left     fastest-duration work left in j's order, j included
    last_task      1 if finishing j serves its order
    order_wait     ticks since j's order arrived
    reward         j's dish reward / mean dish reward (reward objective)
    slack          ticks left before the horizon after w finishes j and its tail
    skill_rank     w's rank among all workers for j (0 = fastest, 1 = slowest)
    advantage_gap  w's slowdown on j minus its smallest slowdown on any open task
  worker w:
    best_lead      largest finish_lead of w over the open tasks
    best_gap       w's smallest slowdown over the open tasks
    others_after   idle workers still to choose after w this tick
  global:
    time           tick / horizon
    n_open         open tasks not yet taken this tick
    work_left      fastest-duration work of every unstarted task / workers
    served         fraction of orders served
    not_in         fraction of orders not yet in the kitchen (queue or future)
    next_free      ticks until the next busy worker comes free
    objective      1 for reward, 0 for makespan
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from engine.scenario import Objective
from engine.simulator import IDLE, Kitchen, State

# Bump whenever a row changes meaning: saved experts record it and are refused otherwise.
FEATURES_VERSION = 1

FEATURE_NAMES = (
    "is_task",
    "dur", "slower_than_best", "finish_lead", "tail", "order_left", "last_task", "order_wait",
    "reward", "slack", "skill_rank", "advantage_gap",
    "best_lead", "best_gap", "others_after",
    "time", "n_open", "work_left", "served", "not_in", "next_free", "objective",
)
N_FEATURES = len(FEATURE_NAMES)
GLOBAL_FEATURES = FEATURE_NAMES[FEATURE_NAMES.index("time"):]
N_GLOBAL = len(GLOBAL_FEATURES)
CLIP = 5.0


@dataclass
class KitchenTables:
    """Per-kitchen constants, computed once (the hot path only indexes them)."""
    base: np.ndarray         # [W, J] base durations / scale
    fastest: np.ndarray      # [J]
    tail: np.ndarray         # [J] critical path after j / scale
    rank: np.ndarray         # [W, J] skill rank in [0, 1]
    reward: np.ndarray       # [J] dish reward / mean reward
    last_task: np.ndarray    # [J]
    order_of: np.ndarray     # [J]
    order_at: np.ndarray     # [O]
    scale: float
    objective: float
    per_task: np.ndarray     # [J, 7] the columns of TickView._gather that a tick does not change


_tables: "weakref.WeakKeyDictionary[Kitchen, KitchenTables]" = weakref.WeakKeyDictionary()


def tables(kitchen: Kitchen) -> KitchenTables:
    t = _tables.get(kitchen)
    if t is None:
        t = _tables[kitchen] = _build_tables(kitchen)
    return t


def _build_tables(k: Kitchen) -> KitchenTables:
    base_raw = np.array(k.base_duration, dtype=np.float64).reshape(k.n_workers, k.n_tasks)
    sc = k.scenario
    scale = float(np.mean([d for w in sc.workers for d in w.durations.values()]))
    base = base_raw / scale
    fastest = np.array(k.fastest, dtype=np.float64) / scale  # among the workers who may take each task
    succ = k.task_succ
    tail = np.zeros(k.n_tasks)
    memo: dict[int, float] = {}

    def after(j: int) -> float:
        if j not in memo:
            memo[j] = max((fastest[s] + after(s) for s in succ[j]), default=0.0)
        return memo[j]

    for j in range(k.n_tasks):
        tail[j] = after(j)
    if k.n_workers > 1:
        order = base.argsort(axis=0, kind="stable").argsort(axis=0, kind="stable")
        rank = order / (k.n_workers - 1)
    else:
        rank = np.zeros_like(base)
    rewards = np.array([k.order_reward[k.task_order[j]] for j in range(k.n_tasks)], dtype=np.float64)
    mean_reward = np.mean([r.reward for r in sc.recipes.values()]) or 1.0
    reward = rewards / mean_reward
    last_task = np.array(k.task_last, dtype=float)
    objective = 1.0 if sc.objective is Objective.REWARD else 0.0
    per_task = np.zeros((k.n_tasks, 7))
    per_task[:, 0] = np.arange(k.n_tasks)
    per_task[:, 1] = fastest
    per_task[:, 2] = tail
    per_task[:, 4] = last_task
    per_task[:, 6] = reward * objective
    return KitchenTables(
        base=base, fastest=fastest, tail=tail, rank=rank, reward=reward, last_task=last_task,
        order_of=np.array(k.task_order, dtype=np.int64),
        order_at=np.array(k.order_at, dtype=np.int64),
        scale=scale, objective=objective, per_task=per_task,
    )


class TickView:
    """One tick of one kitchen seen by workers choosing one at a time.

    `rows(w)` gives the feature rows and the matching choices (IDLE first, then
    open tasks not yet taken); `take(w, choice)` records a worker's choice so
    the next worker sees it.

    `horizon`: the one that `time` and `slack` are measured against, by default
    the kitchen's. An expert trained with a shorter horizon than the kitchen's
    passes its own, so it sees the rows it was trained on (engine/game_identity.py);
    past that horizon `time` stays at 1, the end it knew."""

    def __init__(self, kitchen: Kitchen, state: State, horizon: int | None = None):
        self.k, self.s = kitchen, state
        self.tb = tb = tables(kitchen)
        self.horizon = horizon = horizon or kitchen.ticks
        t = state.tick
        self.idle = kitchen.idle_workers(state)
        self.open = kitchen.open_tasks(state)
        self.taken: set[int] = set()
        self.decision: dict[int, int] = {}
        self.ready = np.maximum(np.array(state.worker_free, dtype=np.float64), t)
        # order_left: fastest work still to do in each task's order
        ends = np.array(state.task_end)
        unstarted = ends < 0
        todo = tb.fastest[unstarted]
        left_by_order = np.bincount(tb.order_of[unstarted], weights=todo,
                                    minlength=kitchen.n_orders) if kitchen.n_tasks else np.zeros(0)
        self.order_left = left_by_order
        n_orders = max(kitchen.n_orders, 1)
        served = sum(1 for x in state.order_served if x >= 0) / n_orders
        not_in = sum(1 for e in state.order_entered if e < 0) / n_orders
        work_left = float(np.add.reduce(todo)) / kitchen.n_workers
        busy = [f - t for f in state.worker_free if f > t]
        next_free = (min(busy) / tb.scale) if busy else 0.0
        self._gather()
        self.global_part = np.array([
            min(t / horizon, 1.0), 0.0, work_left, served, not_in, next_free, tb.objective,
        ])

    def pending(self) -> list[int]:
        """Idle workers who still have a real choice (an open task untaken)."""
        return [w for w in self.idle if w not in self.decision]

    def has_choice(self) -> bool:
        return any(j not in self.taken for j in self.open)

    def rows(self, w: int) -> tuple[np.ndarray, list[int]]:
        k, tb = self.k, self.tb
        opts = k.for_worker(w, self.open, self.taken)  # the kitchen's rulebook says what w may take
        n = len(opts)
        x = np.zeros((n + 1, N_FEATURES))
        remaining = sum(1 for v in self.idle if v not in self.decision and v != w)
        x[:, 14] = remaining / k.n_workers            # others_after
        x[:, 15:] = self.global_part
        x[:, 16] = n / k.n_workers                    # n_open
        if n:
            # Columns that do not depend on the worker are gathered once per tick;
            # per worker only the few that do are computed (this is the hot path).
            if n != len(self.open):
                pos = [self._pos[j] for j in opts]
                sel, D, rank = self._cols[pos], self._D[:, pos], self._rank[w, pos]
            else:
                sel, D, rank = self._cols, self._D, self._rank[w]
            finish = self.ready[:, None] / tb.scale + D                 # [W, n]
            mine = self.s.tick / tb.scale + D[w]
            if k.n_workers > 1:
                finish[w] = np.inf
                lead = np.minimum.reduce(finish, axis=0) - mine
            else:
                lead = np.full(n, CLIP)
            slower = D[w] - sel[:, 1]
            least = np.minimum.reduce(slower)
            body = x[1:]
            body[:, 0] = 1.0
            body[:, 1] = D[w]
            body[:, 2] = slower
            body[:, 3] = lead
            body[:, 4:9] = sel[:, 2:7]
            body[:, 9] = self._horizon - D[w] - sel[:, 2]
            body[:, 10] = rank
            body[:, 11] = slower - least
            x[:, 12] = np.maximum.reduce(lead)
            x[:, 13] = least
        # np.clip in two ufuncs, and the reductions above as ufuncs: the same
        # numbers without the wrappers, which cost as much as the arithmetic here
        np.maximum(x, -CLIP, out=x)
        np.minimum(x, CLIP, out=x)
        return x, [IDLE] + opts

    def _gather(self) -> None:
        """Per-task columns of the open tasks: [index, fastest, tail, order_left,
        last_task, order_wait, reward]; their durations and skill ranks for every worker."""
        tb, t = self.tb, self.s.tick
        idx = np.array(self.open, dtype=np.intp)
        orders = tb.order_of[idx]
        self._pos = {j: i for i, j in enumerate(self.open)}
        # one gather of the fixed columns, then the two that move with the tick
        # (a column_stack of seven gathers cost as much as the rest of the view)
        self._cols = cols = tb.per_task[idx]
        cols[:, 3] = self.order_left[orders]
        cols[:, 5] = (t - tb.order_at[orders]) / tb.scale
        self._D = tb.base[:, idx]
        self._rank = tb.rank[:, idx]
        self._horizon = (self.horizon - t) / tb.scale

    def take(self, w: int, choice: int) -> None:
        self.decision[w] = choice
        if choice != IDLE:
            self.taken.add(choice)
            self.ready[w] = self.s.tick + self.k.base_duration[w][choice] + self.k.handover

    def global_features(self) -> np.ndarray:
        """The state's global part (for the value baseline)."""
        g = self.global_part.copy()
        g[1] = len(self.open) / self.k.n_workers
        return g
