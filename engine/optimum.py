"""The proven optimum of a concrete round, from its start or from any
mid-round state, by OR-Tools CP-SAT.

The round is a flexible job shop in whole ticks:

- every task not yet started gets a start tick S and one worker, chosen by
  optional intervals (one per worker that could take it); its end E = S + d is
  the tick from which it counts as done, so a successor starts at E or later;
- a worker's intervals last d + handover and may not overlap (the handover is
  the walk between stations after each task);
- an order is in the kitchen from its entry tick to the tick after it is
  served; with `max_open_orders` these intervals form a cumulative of that
  capacity, and entry ticks keep first-come-first-served order. The model
  lets an order enter later than the simulator would (entry is automatic in
  the game), which never helps: tasks only need the order to be inside, and
  by induction over the FCFS order the real entry is never later than the
  model's, so every model schedule is playable and vice versa.

That is the model for makespan. For the reward objective (a weighted sum of
completion ticks, where this model's bound stalls) `solve` uses the
time-indexed model of `engine.time_indexed`; both model the same rules, and
tests hold each to the brute-force search.

`solve` only calls a result proven when CP-SAT says OPTIMAL (or INFEASIBLE for
a makespan round that cannot finish inside the horizon, whose value is then
the horizon). Tests replay every schedule in the simulator and compare the
value with `engine.exhaustive` on small rounds.

The time limit bounds CP-SAT's search, not the building of the model, which
for the time-indexed model grows with the square of the horizon. So a round
whose model would take more than a few seconds to build is not built: its
Solution is unproven with a note that says why (`MAX_INTERVAL_CHOICES`,
`engine.time_indexed.MAX_TERMS`).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from ortools.sat.python import cp_model

from engine.scenario import Objective, Scenario
from engine.simulator import Kitchen, State
from engine.time_indexed import MAX_TERMS, TimeIndexedModel, estimated_terms, scale_factor

# (task, worker) choices the interval model may hold: 60,000 take about three
# seconds to build, and CP-SAT proves nothing that size in any useful time.
MAX_INTERVAL_CHOICES = 60_000


@dataclass(frozen=True)
class Assignment:
    order: int
    task: int     # flat task index in the kitchen
    worker: int
    start: int


@dataclass(frozen=True)
class Solution:
    value: float | None          # own units: turns (makespan) or points (reward); None: no schedule found
    proven: bool                 # CP-SAT proved it optimal
    schedule: list[Assignment]   # tasks started from the given state on, by start tick
    seconds: float
    bound: float | None = None   # a proven bound on the optimum (== value when proven)
    note: str = ""               # when not proven: why, in words


def solve(kitchen: Kitchen, state: State | None = None, time_limit: float = 60,
          workers: int = 8, model: str = "auto") -> Solution:
    """The proven optimum from `state` (default: the start). Reward rounds use
    the time-indexed model, makespan rounds the interval model ("auto"; or
    name one: "intervals" or "ticks", which tests compare). `workers` are
    CP-SAT's portfolio of search strategies; even on two cores eight of them
    prove faster than two, as different ones close different gaps."""
    t_start = time.perf_counter()
    s = state if state is not None else kitchen.initial_state()
    sc = kitchen.scenario
    if s.done:
        return Solution(_plain(kitchen.value(s)), True, [], time.perf_counter() - t_start)
    if model == "auto":
        model = "ticks" if sc.objective is Objective.REWARD else "intervals"
    why = too_large(kitchen, s, model)
    if why:
        return Solution(None, False, [], time.perf_counter() - t_start, trivial_bound(kitchen, s), why)
    model = TimeIndexedModel(kitchen, s) if model == "ticks" else _IntervalModel(kitchen, s)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = max(1, int(workers))
    # CP-SAT would otherwise take Ctrl-C for itself and leave the default
    # handler behind: the next Ctrl-C killed a command with no message
    solver.parameters.catch_sigint_signal = False
    if isinstance(model, TimeIndexedModel):
        solver.parameters.linearization_level = 2  # the tight LP is the point of that model
    status = solver.solve(model.m)
    seconds = time.perf_counter() - t_start
    if status == cp_model.INFEASIBLE and sc.objective is Objective.MAKESPAN:
        # nothing finishes every order inside the horizon: every play gives `ticks` turns
        return Solution(kitchen.ticks, True, [], seconds)
    if status == cp_model.MODEL_INVALID:  # a bug in a model, never the user's input
        raise RuntimeError(f"CP-SAT refused the model: {model.m.validate()}")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # UNKNOWN: the time ran out before any schedule; CP-SAT's bound is then
        # not filled in (it reads 0), so the bound is the trivial one
        return Solution(None, False, [], seconds, trivial_bound(kitchen, s),
                        f"no schedule found within {time_limit:g} s")
    schedule = sorted((Assignment(kitchen.task_order[j], j, w, start) for j, w, start in model.schedule(solver)),
                      key=lambda a: (a.start, a.worker, a.task))
    value = model.value_of(solver)
    bound = model.bound_of(solver)
    if not math.isfinite(bound):
        bound = trivial_bound(kitchen, s)
    proven = status == cp_model.OPTIMAL
    return Solution(_plain(value), proven, schedule, seconds, _plain(bound),
                    "" if proven else f"optimality not proven within {time_limit:g} s")


def too_large(kitchen: Kitchen, s: State | None = None, model: str = "auto") -> str:
    """Why the model of this round (from `s`, default the start) is too large
    to build, or "". Cheap: it counts, it builds nothing."""
    s = s if s is not None else kitchen.initial_state()
    if model == "auto":
        model = "ticks" if kitchen.scenario.objective is Objective.REWARD else "intervals"
    if model == "ticks":
        terms = estimated_terms(kitchen, s, stop_above=MAX_TERMS)
        if terms > MAX_TERMS:
            return (f"the round is too large for the exact solver (more than {MAX_TERMS:,} terms in "
                    "the time-indexed model, which grows with the square of the horizon)")
        return ""
    todo = sum(1 for j in range(kitchen.n_tasks) if s.task_end[j] < 0)
    if todo * kitchen.n_workers > MAX_INTERVAL_CHOICES:
        return (f"the round is too large for the exact solver ({todo:,} tasks x {kitchen.n_workers} workers "
                f"to choose from; at most {MAX_INTERVAL_CHOICES:,})")
    return ""


def trivial_bound(kitchen: Kitchen, s: State) -> float:
    """A bound no play can beat, for when the solver has none: one more turn
    (makespan), or every dish's reward with no waiting (reward)."""
    if kitchen.scenario.objective is Objective.MAKESPAN:
        return s.tick + 1
    return float(sum(max(0, r) for r in kitchen.order_reward))


def _plain(v: float):
    """Whole values as int (turns, most points), so JSON shows 20 and not 20.0."""
    return int(v) if float(v).is_integer() else float(v)


class _IntervalModel:
    def __init__(self, kitchen: Kitchen, s: State):
        k, sc = kitchen, kitchen.scenario
        self.k, self.s = k, s
        m = self.m = cp_model.CpModel()
        H, t0, h = k.ticks, s.tick, k.handover
        reward_mode = sc.objective is Objective.REWARD
        self.scale = scale_factor(sc.wait_cost) if reward_mode else 1

        self.start: dict[int, cp_model.IntVar] = {}
        self.use: dict[int, dict[int, cp_model.IntVar]] = {}
        end: dict[int, object] = {}   # done-from tick: int for started tasks, else a variable
        per_worker: dict[int, list] = {w: [] for w in range(k.n_workers)}

        open_orders = [o for o in range(k.n_orders) if s.order_served[o] < 0]
        served_var: dict[int, object] = {}
        self.served_var = served_var
        for o in open_orders:
            todo = [j for j in k.order_tasks[o] if s.task_end[j] < 0]
            fixed_end = max((s.task_end[j] for j in k.order_tasks[o] if s.task_end[j] >= 0), default=0)
            if reward_mode:
                # a dish that cannot or will not be finished by the horizon is simply dropped
                served_var[o] = 0 if (fixed_end > H) else m.new_bool_var(f"served{o}")
            else:
                served_var[o] = 1
            for j in todo:
                # work that ends after the horizon is worth nothing, so no task is planned there
                S = m.new_int_var(t0, H - 1, f"S{j}")
                E = m.new_int_var(t0 + 1, H, f"E{j}")
                xs = {}
                for w in range(k.n_workers):
                    if not k.can_do(w, j):  # the worker's `cannot`: no way to give it j
                        continue
                    x = m.new_bool_var(f"x{j}_{w}")
                    d = k.duration[w][j]
                    m.add(S >= s.worker_free[w]).only_enforce_if(x)
                    m.add(E == S + d).only_enforce_if(x)
                    per_worker[w].append(m.new_optional_fixed_size_interval_var(S, d + h, x, f"I{j}_{w}"))
                    xs[w] = x
                if isinstance(served_var[o], int):
                    (m.add_exactly_one(xs.values()) if served_var[o] else
                     m.add(sum(xs.values()) == 0))
                else:
                    m.add(sum(xs.values()) == served_var[o])
                self.start[j], self.use[j], end[j] = S, xs, E
            for j in k.order_tasks[o]:
                if s.task_end[j] >= 0:
                    end[j] = s.task_end[j]
        for w, ivs in per_worker.items():
            m.add_no_overlap(ivs)

        # precedence, only between tasks that are actually done in the plan
        for j, S in self.start.items():
            for p in k.task_preds[j]:
                if reward_mode and not isinstance(served_var[k.task_order[j]], int):
                    m.add(S >= end[p]).only_enforce_if(served_var[k.task_order[j]])
                else:
                    m.add(S >= end[p])

        # entry ticks and completion ticks of orders still in play
        self.finish: dict[int, object] = {}
        entry: dict[int, object] = {}
        for o in open_orders:
            if s.order_entered[o] >= 0:
                entry[o] = s.order_entered[o]
            else:
                entry[o] = m.new_int_var(max(k.order_at[o], t0 + 1), H, f"En{o}")
            ends = [end[j] for j in k.order_tasks[o]]
            sv = served_var[o]
            if isinstance(sv, int) and sv == 0:
                continue
            C = m.new_int_var(t0 + 1, H, f"C{o}")
            if isinstance(sv, int):
                m.add_max_equality(C, ends)
                m.add(C <= H)
            else:
                for e in ends:
                    m.add(C >= e).only_enforce_if(sv)
                m.add(C <= H).only_enforce_if(sv)
                m.add(C == H).only_enforce_if(~sv)
            for j in k.order_tasks[o]:
                if j in self.start:
                    m.add(self.start[j] >= entry[o])
            self.finish[o] = C

        if k.max_open == 0:
            self._break_order_symmetry(open_orders)
        if k.max_open > 0:
            fcfs = sorted(open_orders, key=lambda o: (k.order_at[o], o))
            for a, b in zip(fcfs, fcfs[1:]):
                m.add(entry[a] <= entry[b])
            ivs = []
            for o in open_orders:
                # an order that is never served stays inside to the end of the round
                leave = self.finish.get(o, H)
                size = m.new_int_var(0, H, f"in{o}")
                ivs.append(m.new_interval_var(entry[o], size, leave, f"K{o}"))
            m.add_cumulative(ivs, [1] * len(ivs), k.max_open)

        if reward_mode:
            M = H
            self._reward_objective(served_var, H)
        else:
            M = m.new_int_var(t0 + 1, H, "turns")
            m.add_max_equality(M, list(self.finish.values()))
            self.objective_var = M
            m.minimize(M)
        # redundant load bounds: no_overlap implies them, but as linear
        # constraints they give the LP relaxation a real lower bound
        for w in range(k.n_workers):
            load = [xs[w] * (k.duration[w][j] + h) for j, xs in self.use.items() if w in xs]
            if load:
                m.add(sum(load) <= M + h - max(t0, s.worker_free[w]))

    def _break_order_symmetry(self, open_orders):
        """Orders of the same dish, arriving together and not yet touched, are
        interchangeable: permuting their schedules changes nothing, so ask for
        their first tasks to start in order. (Not with max_open_orders, where
        FCFS entry makes them different.)"""
        k, s = self.k, self.s
        groups: dict[tuple, list[int]] = {}
        for o in open_orders:
            tasks = k.order_tasks[o]
            if all(j in self.start for j in tasks):
                # durations differ per task once noise is revealed, so they are part of the key
                key = (k.orders[o].dish, max(k.order_at[o], s.tick),
                       tuple(tuple(k.duration[w][j] for j in tasks) for w in range(k.n_workers)))
                groups.setdefault(key, []).append(o)
        for orders in groups.values():
            for a, b in zip(orders, orders[1:]):
                ja, jb = k.order_tasks[a][0], k.order_tasks[b][0]
                sa, sb = self.served_var[a], self.served_var[b]
                if isinstance(sa, int) or isinstance(sb, int):
                    self.m.add(self.start[ja] <= self.start[jb])
                else:
                    # serve the first ones of the group; among those served, start in order
                    self.m.add(sa >= sb)
                    self.m.add(self.start[ja] <= self.start[jb]).only_enforce_if(sb)

    def _reward_objective(self, served_var, H):
        k, s, m, f = self.k, self.s, self.m, self.scale
        wc = int(round(k.scenario.wait_cost * f))
        const = 0
        terms = []
        for o in range(k.n_orders):
            at = k.order_at[o]
            if s.order_served[o] >= 0:
                const += f * k.order_reward[o] - wc * (s.order_served[o] + 1 - at)
                continue
            sv = served_var[o]
            if isinstance(sv, int):
                const -= wc * (H - at)
                continue
            # served: reward - wc*(C - at); unserved: C == H so the same formula holds
            terms.append(f * k.order_reward[o] * sv - wc * (self.finish[o] - at))
        self.const = const
        m.maximize(sum(terms) + const)

    def value_of(self, solver: cp_model.CpSolver) -> float:
        if self.k.scenario.objective is Objective.MAKESPAN:
            return solver.value(self.objective_var)
        return solver.objective_value / self.scale

    def bound_of(self, solver: cp_model.CpSolver) -> float:
        return solver.best_objective_bound / self.scale

    def schedule(self, solver: cp_model.CpSolver):
        for j, xs in self.use.items():
            for w, x in xs.items():
                if solver.boolean_value(x):
                    yield j, w, solver.value(self.start[j])


# -- replay -------------------------------------------------------------------
def decisions_from(kitchen: Kitchen, state: State, schedule: Iterable[Assignment]) -> dict[int, dict[int, int]]:
    """A schedule as {tick: decision}, the form the simulator plays."""
    out: dict[int, dict[int, int]] = {}
    for a in schedule:
        out.setdefault(a.start, {})[a.worker] = a.task
    return out


def replay(kitchen: Kitchen, schedule: Iterable[Assignment], state: State | None = None) -> State:
    """Play a schedule in the simulator (checking every decision) to the round's end."""
    s = state if state is not None else kitchen.initial_state()
    plan = decisions_from(kitchen, s, schedule)
    while not s.done:
        s, _ = kitchen.step(s, plan.get(s.tick, {}))
    return s


# -- stochastic rounds and the cache ----------------------------------------------
def clairvoyant_bound(scenario: Scenario, seeds: Iterable[int], time_limit: float = 60,
                      progress: bool = False) -> dict:
    """Mean optimum with the noise revealed: what a player who knew every
    arrival and every slow task in advance could reach; no policy does better
    on average. A seed whose optimum is not proven in `time_limit` counts with
    the solver's bound instead, which keeps the mean a valid bound (only a
    looser one); "proven" says how many seeds were solved exactly.
    `progress`: a bar over the seeds on standard error (each may take the whole time limit)."""
    seeds = list(seeds)
    values, proven = [], 0
    if progress:
        from engine.progress import progress_bar
        seeds = progress_bar(seeds, True, f"solve {scenario.key}", "seed")
    for seed in seeds:
        sol = solve(Kitchen(scenario, seed), time_limit=time_limit)
        values.append(sol.value if sol.proven else sol.bound)
        proven += sol.proven
    return {"mean": float(np.mean(values)), "std": float(np.std(values)), "seeds": len(values),
            "proven": proven}


_OPTIMA: dict[str, float | None] = {}        # content hash -> proven optimum (None: stochastic)
_UNPROVEN: set[tuple[str, float]] = set()      # (content hash, time limit) that did not prove


def optimal_value(scenario: Scenario, time_limit: float = 120) -> float | None:
    """The proven optimum of a deterministic scenario (None for stochastic
    ones, or if it could not be proven), cached by the file's content hash.
    A failure is only remembered for its time limit, so a later caller that
    allows more time still gets its answer."""
    key = scenario.content_hash
    if key in _OPTIMA:
        return _OPTIMA[key]
    if scenario.stochastic:
        _OPTIMA[key] = None
        return None
    if (key, float(time_limit)) in _UNPROVEN:
        return None
    sol = solve(Kitchen(scenario), time_limit=time_limit)
    if not sol.proven:
        _UNPROVEN.add((key, float(time_limit)))
        return None
    _OPTIMA[key] = sol.value
    return sol.value


__all__ = ["Assignment", "Solution", "solve", "replay", "decisions_from", "clairvoyant_bound",
           "optimal_value", "too_large", "trivial_bound"]
