"""The exact rules of GAME.md: a concrete round (`Kitchen`), its immutable
`State`, the legal choices of each idle worker, and a step function.

A `Kitchen` is a scenario made concrete for one seed: stochastic arrivals are
drawn into a fixed list of orders and each task's noise (one extra tick with
probability `slow_prob`) is drawn once per task. The noise is therefore a
property of the task, revealed when it starts; whoever takes the task, the
same seed gives the same round, which is also what makes common random
numbers work when two decisions are compared on the same seed.

States are plain tuples so they hash, compare and copy cheaply; the step
function is the hot path of training and scoring and is written for speed
(flat task indices, precomputed duration table, no per-step allocation beyond
the new tuples).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

from engine.objective import Objective, from_return, to_return  # noqa: F401 (imported from here too)
from engine.scenario import Order, Scenario

IDLE = -1  # a worker's choice to stay idle this tick
# The duration table's entry for a task the worker may not take (a scenario's
# `cannot`): longer than any horizon, so a fastest-worker minimum never picks it;
# the rulebook (can_do, why_not) keeps anyone from taking it.
NEVER = 10**6


class IllegalDecision(ValueError):
    """A decision that breaks the rules at this tick; the message says which pair and why."""


@dataclass(frozen=True)
class Refusal:
    """Why a worker may not take a task now: `kind` for code ("busy", "cannot",
    "taken", "done", "started", "not arrived", "queued", "waits", "over",
    "no worker", "no task"), `text` for the trainee."""
    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Task:
    index: int          # flat index in the kitchen
    order: int          # order index (0-based, file order, arrivals after)
    name: str           # task name in the recipe (chop, chop2, ...)
    type: str           # task type (chop)
    preds: tuple[int, ...]  # flat indices of tasks it waits for

    def label(self, kitchen: "Kitchen") -> str:
        return f"{self.name} for order {self.order + 1} ({kitchen.orders[self.order].dish})"


@dataclass(frozen=True, slots=True)
class State:
    tick: int
    task_end: tuple[int, ...]      # -1 = not started; else tick from which it counts as done
    task_worker: tuple[int, ...]   # -1 = not started; else worker index
    worker_free: tuple[int, ...]   # first tick at which the worker can take a task
    order_entered: tuple[int, ...]  # -1 = not yet in the kitchen
    order_served: tuple[int, ...]   # -1 = not served; else tick at whose end it was served
    done: bool


class Kitchen:
    """A scenario made concrete for one seed: orders, tasks, durations."""

    def __init__(self, scenario: Scenario, seed: int = 0):
        self.scenario = scenario
        self.seed = int(seed)
        rng = np.random.default_rng(self.seed)
        orders = list(scenario.orders)
        drawn = []
        for i, a in enumerate(scenario.arrivals):
            counts = rng.poisson(a.rate, size=a.until - a.start)
            drawn += [(a.start + k, i, Order(a.dish, a.start + k)) for k, n in enumerate(counts) for _ in range(n)]
        drawn.sort(key=lambda x: (x[0], x[1]))
        orders += [o for _, _, o in drawn]
        self.orders: tuple[Order, ...] = tuple(orders)

        tasks: list[Task] = []
        order_tasks = []
        for oi, o in enumerate(self.orders):
            r = scenario.recipes[o.dish]
            base = len(tasks)
            idx = {name: base + k for k, name in enumerate(r.tasks)}
            for name in r.tasks:
                tasks.append(Task(idx[name], oi, name, r.types[name], tuple(idx[p] for p in r.after[name])))
            order_tasks.append(tuple(range(base, base + len(r.tasks))))
        self.tasks: tuple[Task, ...] = tuple(tasks)
        self.order_tasks: tuple[tuple[int, ...], ...] = tuple(order_tasks)
        if scenario.slow_prob > 0:
            self.extra = tuple(int(x) for x in (rng.random(len(tasks)) < scenario.slow_prob))
        else:
            self.extra = (0,) * len(tasks)
        self.workers = scenario.workers
        # duration[w][j]: ticks worker w needs for task j, noise included
        self.duration = tuple(
            tuple(w.durations[t.type] + self.extra[t.index] if w.can(t.type) else NEVER for t in tasks)
            for w in scenario.workers
        )
        self.base_duration = tuple(tuple(w.durations[t.type] if w.can(t.type) else NEVER for t in tasks)
                                   for w in scenario.workers)
        self.order_reward = tuple(scenario.recipes[o.dish].reward for o in self.orders)
        self.order_at = tuple(o.at for o in self.orders)
        self.ticks = scenario.ticks
        self.handover = scenario.handover
        self.max_open = scenario.max_open_orders
        self.n_workers = len(scenario.workers)
        self._makespan = scenario.objective is Objective.MAKESPAN
        self.n_tasks = len(tasks)
        self.n_orders = len(self.orders)
        self.task_order = tuple(t.order for t in tasks)
        self.task_preds = tuple(t.preds for t in tasks)
        self._open_cache: tuple[State | None, list[int]] = (None, [])
        # per worker: the tasks it may ever take, or None when it may take all (the fast path)
        self._able = tuple(
            None if all(w.can(t.type) for t in tasks) else frozenset(t.index for t in tasks if w.can(t.type))
            for w in scenario.workers)
        self._everyone_able = all(a is None for a in self._able)
        # fastest[j]: the quickest base duration for task j among the workers who may take it
        self.fastest = tuple(min(self.base_duration[w][j] for w in range(self.n_workers) if self.can_do(w, j))
                             for j in range(self.n_tasks))
        # remaining_work[j]: the longest chain of fastest durations from task j,
        # itself included, to the end of its order (its critical path), which
        # dispatching ranks by; fixed by the recipes, so computed once here
        # rather than on every decision of every play-out
        succ: list[list[int]] = [[] for _ in range(self.n_tasks)]
        for j in range(self.n_tasks):
            for p in self.task_preds[j]:
                succ[p].append(j)
        # task_succ[j]: the tasks that wait for task j, in index order
        self.task_succ = tuple(tuple(x) for x in succ)
        # task_last[j]: nothing waits for task j, so finishing it serves its order
        self.task_last = tuple(not x for x in succ)
        remaining: dict[int, int] = {}

        def chain(j: int) -> int:
            if j not in remaining:  # recipes are acyclic (the scenario loader checks)
                remaining[j] = self.fastest[j] + max((chain(k) for k in succ[j]), default=0)
            return remaining[j]

        self.remaining_work = tuple(chain(j) for j in range(self.n_tasks))

    # -- start ----------------------------------------------------------------
    def initial_state(self) -> State:
        entered = self._enter([-1] * self.n_orders, [-1] * self.n_orders, 0)
        return State(0, (-1,) * self.n_tasks, (-1,) * self.n_tasks, (0,) * self.n_workers,
                     tuple(entered), (-1,) * self.n_orders, False)

    def _enter(self, entered: list[int], served: list[int], t: int) -> list[int]:
        """Orders that have arrived enter the kitchen at tick t, first come
        first served, while fewer than `max_open_orders` are in it."""
        if self.max_open <= 0:
            for o, at in enumerate(self.order_at):
                if entered[o] < 0 and at <= t:
                    entered[o] = t if t >= at else at
            return entered
        inside = sum(1 for o in range(self.n_orders) if entered[o] >= 0 and served[o] < 0)
        for o in sorted(range(self.n_orders), key=lambda o: (self.order_at[o], o)):
            if inside >= self.max_open:
                break
            if entered[o] < 0 and self.order_at[o] <= t:
                entered[o] = t
                inside += 1
        return entered

    # -- what is legal ----------------------------------------------------------
    def idle_workers(self, s: State) -> list[int]:
        t = s.tick
        return [w for w, f in enumerate(s.worker_free) if f <= t] if not s.done else []

    def is_open(self, s: State, j: int) -> bool:
        if s.task_end[j] >= 0:
            return False
        e = s.order_entered[self.task_order[j]]
        if e < 0 or e > s.tick:
            return False
        ends, t = s.task_end, s.tick
        return all(0 <= ends[p] <= t for p in self.task_preds[j])

    def open_tasks(self, s: State) -> list[int]:
        # The same state is usually asked twice in a row (has_decision, then
        # the policy), so the last answer is kept, keyed by identity (cheap,
        # and states are immutable). Loops instead of all(...) generators:
        # this is the simulator's hottest function.
        # one attribute holding (state, answer): safe to share across threads
        cached = self._open_cache
        if cached[0] is s:
            return list(cached[1])
        out: list[int] = []
        if not s.done:
            t, ends, entered, served = s.tick, s.task_end, s.order_entered, s.order_served
            preds = self.task_preds
            for o, e in enumerate(entered):
                if e < 0 or e > t or served[o] >= 0:
                    continue
                for j in self.order_tasks[o]:
                    if ends[j] >= 0:
                        continue
                    for p in preds[j]:
                        pe = ends[p]
                        if pe < 0 or pe > t:
                            break
                    else:
                        out.append(j)
        self._open_cache = (s, out)
        return list(out)

    # -- the rulebook: who may take what ----------------------------------------
    def can_do(self, worker: int, j: int) -> bool:
        """Whether the worker may ever take task j (the scenario's worker rules),
        whatever the state; `why_not` adds what the state allows now."""
        able = self._able[worker]
        return able is None or j in able

    def for_worker(self, worker: int, tasks: Iterable[int], taken: Iterable[int] = ()) -> list[int]:
        """The tasks among `tasks` (open ones, say) that the worker may take,
        leaving out those in `taken`, in the given order."""
        able = self._able[worker]
        taken = set(taken)
        if able is None:
            return [j for j in tasks if j not in taken]
        return [j for j in tasks if j in able and j not in taken]

    def choices(self, s: State, worker: int, taken: Iterable[int] = ()) -> list[int]:
        """Legal choices of one idle worker: IDLE first, then each open task it
        may take that no worker who chose before it this tick took."""
        if s.done or not 0 <= worker < self.n_workers or s.worker_free[worker] > s.tick:
            return [IDLE]
        return [IDLE] + self.for_worker(worker, self.open_tasks(s), taken)

    def why_not(self, s: State, worker: int, j: int, taken: Iterable[int] = ()) -> "Refusal | None":
        """None when `worker` may take task j at this tick, `taken` being the
        tasks other workers took this tick; else why not, in words a trainee
        reads (ticks counted from 1, as the board shows them). The one rulebook:
        `check`, `choices`, the board, the policies and the tips agree with it."""
        if s.done:
            return Refusal("over", "The round is over.")
        if not 0 <= worker < self.n_workers:
            return Refusal("no worker", "There is no such worker or task.")
        if not 0 <= j < self.n_tasks:
            return Refusal("no task", "There is no such worker or task.")
        name = self.workers[worker].name
        if s.worker_free[worker] > s.tick:
            left = s.worker_free[worker] - s.tick
            return Refusal("busy", f"{name} is busy for {left} more tick{'s' if left != 1 else ''}.")
        t = self.tasks[j]
        if not self.can_do(worker, j):
            return Refusal("cannot", f"{name} ({self.workers[worker].role}) never does {t.type} tasks.")
        label = f"{t.name} for order {t.order + 1}".capitalize()
        if j in set(taken):
            return Refusal("taken", f"{label} is already taken this tick.")
        if s.task_end[j] >= 0:
            if s.task_end[j] <= s.tick:
                return Refusal("done", f"{label} is already done.")
            return Refusal("started", f"{label} is already taken by {self.workers[s.task_worker[j]].name}.")
        entered = s.order_entered[t.order]
        if entered < 0 or entered > s.tick:
            at = self.order_at[t.order]
            if at > s.tick:
                return Refusal("not arrived", f"Order {t.order + 1} arrives at tick {at + 1}.")
            return Refusal("queued", f"Order {t.order + 1} is queued: the kitchen is full.")
        waiting = [self.tasks[p].name for p in t.preds if not 0 <= s.task_end[p] <= s.tick]
        if waiting:
            return Refusal("waits", f"{label} waits for {' and '.join(waiting)}.")
        return None

    def has_decision(self, s: State) -> bool:
        """True when some idle worker may take some open task this tick."""
        if s.done:
            return False
        t = s.tick
        idle = [w for w, f in enumerate(s.worker_free) if f <= t]
        if not idle:
            return False
        open_ = self.open_tasks(s)
        if not open_ or self._everyone_able:
            return bool(open_)
        return any(self.for_worker(w, open_) for w in idle)

    def check(self, s: State, decision: Mapping[int, int]) -> None:
        """Raise IllegalDecision naming the first pair `why_not` refuses (the
        wording of trace files and the CLI: ticks counted from 0, the dish named)."""
        if s.done:
            raise IllegalDecision("the round is over")
        seen: set[int] = set()
        for w, j in decision.items():
            if j == IDLE:
                continue
            refusal = self.why_not(s, w, j, seen)
            if refusal is not None:
                raise IllegalDecision(self._check_message(s, w, j, refusal))
            seen.add(j)

    def _check_message(self, s: State, w: int, j: int, refusal: "Refusal") -> str:
        kind = refusal.kind
        if kind == "no worker":
            return f"unknown worker {w}"
        if kind == "no task":
            return f"unknown task {j}"
        if kind == "busy":
            return f"{self.workers[w].name} is busy until tick {s.worker_free[w]}"
        if kind == "taken":
            return f"{self.tasks[j].label(self)} is given to two workers"
        if kind == "cannot":
            return f"{self.workers[w].label} cannot do {self.tasks[j].type} tasks"
        return f"{self.tasks[j].label(self)} is not open at tick {s.tick}"

    # -- the step ---------------------------------------------------------------
    def step(self, s: State, decision: Mapping[int, int] | None = None, check: bool = True) -> tuple[State, float]:
        """Apply a decision {worker: task or IDLE} at tick s.tick and play the
        tick out. Returns the next state and the tick's reward (the objective
        decomposed per tick: -1 per tick played for makespan; dishes served
        minus waiting cost for reward)."""
        if check:
            self.check(s, decision or {})
        t = s.tick
        ends = list(s.task_end)
        who = list(s.task_worker)
        free = list(s.worker_free)
        if decision:
            h = self.handover
            for w, j in decision.items():
                if j == IDLE:
                    continue
                d = self.duration[w][j]
                ends[j] = t + d
                who[j] = w
                free[w] = t + d + h
        served = list(s.order_served)
        gained = 0.0
        entered = s.order_entered
        for o in range(self.n_orders):
            if served[o] >= 0 or entered[o] < 0:
                continue
            last = 0
            for j in self.order_tasks[o]:
                e = ends[j]
                if e < 0:
                    break
                if e > last:
                    last = e
            else:
                if last <= t + 1:
                    served[o] = last - 1
                    gained += self.order_reward[o]
        if self._makespan:
            reward = -1.0
        else:
            waiting = sum(1 for o in range(self.n_orders)
                          if self.order_at[o] <= t and (served[o] < 0 or served[o] >= t))
            reward = gained - self.scenario.wait_cost * waiting
        nt = t + 1
        done = nt >= self.ticks or all(x >= 0 for x in served)
        new_entered = s.order_entered
        if not done and any(e < 0 for e in entered):
            new_entered = tuple(self._enter(list(entered), served, nt))
        return State(nt, tuple(ends), tuple(who), tuple(free), new_entered, tuple(served), done), reward

    def step_sequence(self, s: State, decisions: Iterable[Mapping[int, int]]) -> State:
        for d in decisions:
            s, _ = self.step(s, d)
        return s

    # -- outcome ----------------------------------------------------------------
    def turns(self, s: State) -> int:
        """Ticks played so far (GAME.md: a round finished at the end of tick 4 has 5 turns)."""
        return s.tick

    def score(self, s: State) -> float:
        """The reward objective's score counted up to the state's tick."""
        sc = self.scenario
        total = 0.0
        for o in range(self.n_orders):
            at = self.order_at[o]
            if s.order_served[o] >= 0:
                total += self.order_reward[o] - sc.wait_cost * (s.order_served[o] + 1 - at)
            elif at < s.tick:
                total -= sc.wait_cost * (s.tick - at)
        return total

    def value(self, s: State) -> float:
        """The round's outcome in the scenario's own units: turns (makespan,
        lower is better) or points (reward, higher is better)."""
        return float(self.turns(s)) if self._makespan else self.score(s)

    def served_count(self, s: State) -> int:
        return sum(1 for x in s.order_served if x >= 0)

    def task_state(self, s: State, j: int) -> str:
        """'waiting', 'open', 'busy' or 'done' at the state's tick (for display)."""
        e = s.task_end[j]
        if e >= 0:
            return "done" if e <= s.tick else "busy"
        return "open" if self.is_open(s, j) and not s.done else "waiting"


def with_choice(decision: Mapping[int, int], worker: int, task: int) -> dict[int, int]:
    """`decision` with one worker's choice changed to `task`. If another worker
    held that task, it takes the first worker's old choice, so the decision
    stays legal and nobody else's choice changes (how the move scorer blames
    one worker at a time)."""
    changed = dict(decision)
    holder = next((v for v, j in decision.items() if j == task and j != IDLE and v != worker), None)
    old = changed.get(worker, IDLE)
    changed[worker] = task
    if holder is not None:
        changed[holder] = old
    return changed
