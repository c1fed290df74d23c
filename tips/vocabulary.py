"""The words tips are written in: yes/no predicates over the state one idle
worker sees, and the action classes a tip can recommend.

A training example is (state, worker): what the board looks like to one idle
worker at the start of a tick. Predicates are about roles and task types, never
about order numbers, so a rule carries over from one round to the next and
reads like advice a supervisor would give ("when only cooking is open, leave
Alice (server) idle"). Action classes are "leave the worker idle" (class 0) or
"assign the worker to a task of type k" (class 1 + k, in `scenario.task_types`
order); which worker is meant comes from the rule's "the deciding worker is the
<role>" predicate when it has one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State

IDLE_CLASS = 0
SOON = 2  # "will be free soon": within this many ticks; about one short task


@dataclass(frozen=True)
class Predicate:
    key: str    # stable id, e.g. "open:cook", "me:server", "not idle:chef"
    text: str   # the condition as a clause, e.g. "a cook task is open"


def _people(scenario: Scenario, role: str) -> str:
    names = [w.name for w in scenario.workers if w.role == role]
    return f"{' or '.join(names)} ({role})"


class Vocabulary:
    """Predicates and action classes of one scenario (its roles and task types)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.roles = tuple(dict.fromkeys(w.role for w in scenario.workers))
        self.types = scenario.task_types
        self.actions = ("idle",) + self.types
        preds: list[Predicate] = []
        for r in self.roles:
            preds.append(Predicate(f"me:{r}", f"the free worker is {_people(scenario, r)}"))
        for r in self.roles:
            who = _people(scenario, r)
            preds.append(Predicate(f"idle:{r}", f"{who} is free too"))
            preds.append(Predicate(f"not idle:{r}", f"{who} is busy"))
            preds.append(Predicate(f"soon:{r}", f"{who} will be free within {SOON} ticks"))
        for k in self.types:
            preds.append(Predicate(f"open:{k}", f"a {k} task is open"))
            preds.append(Predicate(f"not open:{k}", f"no {k} task is open"))
            preds.append(Predicate(f"open2:{k}", f"two or more {k} tasks are open"))
            preds.append(Predicate(f"only open:{k}", f"only {k} tasks are open"))
            preds.append(Predicate(f"waits on:{k}", f"a dish can go on only with a {k} task"))
            preds.append(Predicate(f"best:{k}", f"the free worker is the quickest at {k}"))
            preds.append(Predicate(f"quicker soon:{k}", f"someone quicker at {k} will be free within {SOON} ticks"))
        preds += [
            Predicate("all idle", "everyone is free"),
            Predicate("alone", "nobody else is free"),
            Predicate("unstarted2", "two or more orders are not started"),
            Predicate("queue", "orders are queueing outside the kitchen"),
            Predicate("last order", "one order is left"),
            Predicate("late", "a quarter of the round or less is left"),
        ]
        self.predicates = tuple(preds)
        self.index = {p.key: i for i, p in enumerate(preds)}
        self._role_of = tuple(w.role for w in scenario.workers)
        self._type_index = {k: i for i, k in enumerate(self.types)}
        # who may do what is the worker's rule (Worker.ticks is None for a type it may not take)
        fastest = {k: min(d for w in scenario.workers if (d := w.ticks(k)) is not None) for k in self.types}
        self._best = tuple(frozenset(k for k in self.types if w.ticks(k) == fastest[k]) for w in scenario.workers)

    # -- actions ---------------------------------------------------------------
    def action_class(self, kitchen: Kitchen, choice: int) -> int:
        """Class of one worker's choice (a flat task index or IDLE)."""
        return IDLE_CLASS if choice == IDLE else 1 + self._type_index[kitchen.tasks[choice].type]

    def task_for(self, kitchen: Kitchen, state: State, action: int, taken=(),
                 worker: int | None = None) -> int | None:
        """A concrete choice for an action class: IDLE, or the open task of that
        type from the earliest order not in `taken` (and, given a worker, one the
        kitchen lets that worker take); None if there is none."""
        if action == IDLE_CLASS:
            return IDLE
        k = self.types[action - 1]
        options = kitchen.open_tasks(state)
        if worker is not None:
            options = kitchen.for_worker(worker, options)
        taken = set(taken)
        for j in options:
            if kitchen.tasks[j].type == k and j not in taken:
                return j
        return None

    def action_text(self, action: int, subject: str) -> str:
        if action == IDLE_CLASS:
            return f"leave {subject} idle"
        return f"assign {subject} to {self.types[action - 1]}"

    def subject(self, keys: list[str], roles=None) -> str:
        """Who the rule speaks to: the role it names, else the roles it is
        narrowed to, else the quickest worker it names, else anyone free."""
        for key in keys:
            if key.startswith("me:"):
                return _people(self.scenario, key[3:])
        if roles:
            return " or ".join(_people(self.scenario, r) for r in roles)
        for key in keys:
            if key.startswith("best:"):
                k = key[5:]
                names = [w.label for w, best in zip(self.scenario.workers, self._best) if k in best]
                return " or ".join(names)
        return "the free worker"

    def conditions(self, keys: list[str]) -> list[str]:
        """The rule's situation as clauses. Who it speaks to ("me:" and "best:"
        predicates) is said in the action instead."""
        return [self.predicates[self.index[k]].text for k in keys
                if not k.startswith("me:") and not k.startswith("best:")]

    # -- predicates ---------------------------------------------------------------
    def features(self, kitchen: Kitchen, state: State, worker: int) -> np.ndarray:
        """The predicate vector of (state, worker), a bool array in `predicates` order."""
        return self.features_for_workers(kitchen, state, [worker])[0]

    def features_for_workers(self, kitchen: Kitchen, state: State, workers: list[int]) -> np.ndarray:
        t = state.tick
        idle = kitchen.idle_workers(state)
        open_ = kitchen.open_tasks(state)
        n_open = {k: 0 for k in self.types}
        for j in open_:
            n_open[kitchen.tasks[j].type] += 1
        open_types = {k for k, n in n_open.items() if n}
        waits_on: set[str] = set()
        unstarted = queue = left = 0
        for o in range(kitchen.n_orders):
            if state.order_served[o] >= 0:
                continue
            left += 1
            entered = state.order_entered[o]
            if entered < 0 or entered > t:
                queue += kitchen.order_at[o] <= t
                continue
            tasks = kitchen.order_tasks[o]
            if all(state.task_end[j] < 0 for j in tasks):
                unstarted += 1
            # stalled: nothing of the dish is running and all it can do next is one type
            running = any(state.task_end[j] > t for j in tasks)
            open_here = {kitchen.tasks[j].type for j in tasks if kitchen.is_open(state, j)}
            if not running and len(open_here) == 1:
                waits_on |= open_here
        out = np.zeros((len(workers), len(self.predicates)), dtype=bool)
        ix = self.index
        for row, w in enumerate(workers):
            v = out[row]
            v[ix[f"me:{self._role_of[w]}"]] = True
            others = [u for u in idle if u != w]
            for u, role in enumerate(self._role_of):
                if u == w:
                    continue
                if u in others:
                    v[ix[f"idle:{role}"]] = True
                else:
                    v[ix[f"not idle:{role}"]] = True
                    if state.worker_free[u] - t <= SOON:
                        v[ix[f"soon:{role}"]] = True
            for k in self.types:
                v[ix[f"open:{k}"]] = n_open[k] >= 1
                v[ix[f"not open:{k}"]] = n_open[k] == 0
                v[ix[f"open2:{k}"]] = n_open[k] >= 2
                v[ix[f"only open:{k}"]] = open_types == {k}
                v[ix[f"waits on:{k}"]] = k in waits_on
            for k in self._best[w]:
                v[ix[f"best:{k}"]] = True
            me = kitchen.scenario.workers[w]
            for u, wk in enumerate(kitchen.scenario.workers):
                if u != w and u not in others and state.worker_free[u] - t <= SOON:
                    for k in self.types:
                        theirs, mine = wk.ticks(k), me.ticks(k)
                        if theirs is not None and (mine is None or theirs < mine):
                            v[ix[f"quicker soon:{k}"]] = True
            v[ix["all idle"]] = len(idle) == kitchen.n_workers
            v[ix["alone"]] = not others
            v[ix["unstarted2"]] = unstarted >= 2
            v[ix["queue"]] = queue > 0
            v[ix["last order"]] = left == 1
            v[ix["late"]] = kitchen.ticks - t <= kitchen.ticks / 4
        return out

    # -- text ------------------------------------------------------------------------
    def rule_text(self, keys: list[str], action: int, roles=None, default: bool = False) -> str:
        """'When everyone is free and only cook tasks are open, leave Alice (server) idle'."""
        subject = self.subject(keys, roles)
        conds = self.conditions(keys)
        act = self.action_text(action, subject)
        if default:
            return f"In any other situation, {act}"  # a tip is read alone, not as the tail of a list
        if not conds:
            return f"When {subject} is free, {act}"
        return f"When {' and '.join(conds)}, {act}"
