"""Validation by replay: each trace round is played through the engine, row
by row, under GAME.md rules. The first row that the rules refuse is reported
with its line number and the engine's reason; a round that replays is kept
with its per-tick decisions and every state, ready to store.

How a round ends: after its last row the round goes on with nobody assigned
for as long as no assignment could change its outcome: nobody can act (work in
progress finishes, dishes are served), or the horizon is too near for any
further work to serve a dish that would count (`outcome_still_open`). If it
then reaches its end it is finished; if instead some idle worker could take an
open task that might still change the outcome, and the log has no row for it,
the log was cut there and the round is kept unfinished, at that tick
(TRACES.md: "a round may stop early"). A person who leaves a worker idle in
the last ticks, when nothing could be served in time anyway, has finished.

A round whose rows go on at or past the horizon ran past it: the game ends a
round at its horizon (GAME.md), so it is replayed to there, its decisions up to
the horizon are kept (and scored on import), and it is kept unfinished with
`past_horizon` set, not refused: a slow person's round is still a round. Rows
past the horizon are checked like any other (worker, order and task must
exist), and rows after every order was served are still an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.scenario import Scenario, ScenarioError, load_scenario
from engine.simulator import IllegalDecision, Kitchen, State
from engine.traces.format import Problem, TraceFile, TraceRound, TraceRow, shown
from engine.progress import progress_bar


class RoundError(ValueError):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class ReplayedRound:
    person: str
    number: int
    scenario_ref: str            # as the file wrote it (bundled name or path)
    scenario: Scenario
    seed: int
    kitchen: Kitchen
    decisions: list[dict[int, int]]  # decisions[t]: the assignments made at tick t ({} = none)
    states: list[State]              # states[t]: the state at the start of tick t; last = final
    finished: bool
    rows: list[TraceRow] = field(repr=False)
    duration_mismatches: int = 0     # rows whose `duration` differs from the engine's
    past_horizon: bool = False       # rows went on at or past the horizon: kept unfinished

    @property
    def key(self) -> tuple[str, int]:
        return (self.person, self.number)

    def decided(self) -> list[tuple[State, dict[int, int]]]:
        """(state, decision) of each tick where the person could act, up to
        their last row: what the app records. After the last row nobody
        decided anything; the replay of a stored round plays those ticks out."""
        last = self.rows[-1].tick
        return [(s, d) for s, d in zip(self.states, self.decisions)
                if s.tick <= last and self.kitchen.has_decision(s)]

    @property
    def final(self) -> State:
        return self.states[-1]

    @property
    def value(self) -> float:
        return self.kitchen.value(self.final)


class ScenarioResolver:
    """Scenario names of a trace file to loaded scenarios (each loaded once).
    A relative path is tried as given, then beside the trace file, so a trace
    and its scenario can travel together in one folder."""

    def __init__(self, base_dir: str | Path | None = None):
        self.base_dir = Path(base_dir) if base_dir else None
        self._cache: dict[str, Scenario | ScenarioError] = {}
        self._kitchens: dict[tuple[str, int], Kitchen] = {}
        self._workers: dict[str, dict[str, int]] = {}

    def scenario(self, ref: str) -> Scenario:
        if ref not in self._cache:
            try:
                self._cache[ref] = self._load(ref)
            except ScenarioError as e:
                self._cache[ref] = e
        got = self._cache[ref]
        if isinstance(got, ScenarioError):
            raise got
        return got

    def _load(self, ref: str) -> Scenario:
        p = Path(ref)
        try:
            if self.base_dir and not p.is_absolute() and not p.exists() and (self.base_dir / p).exists():
                return load_scenario(self.base_dir / p)
            return load_scenario(ref)
        except OSError as e:
            # looking a path up can fail before any file is opened: a name longer
            # than the file system allows, a folder that cannot be searched
            raise ScenarioError(shown(ref), "", f"no such file and no bundled scenario of that name "
                                                f"({e.strerror})") from None

    def kitchen(self, ref: str, seed: int) -> Kitchen:
        k = self._kitchens.get((ref, seed))
        if k is None:
            k = self._kitchens[(ref, seed)] = Kitchen(self.scenario(ref), seed)
        return k

    def workers(self, ref: str) -> dict[str, int]:
        """Worker name -> index, plus role -> index for roles no two workers share."""
        if ref not in self._workers:
            ws = self.scenario(ref).workers
            roles = [w.role for w in ws]
            m = {w.role: i for i, w in enumerate(ws) if roles.count(w.role) == 1}
            m.update({w.name: i for i, w in enumerate(ws)})
            self._workers[ref] = m
        return self._workers[ref]


def replay_file(trace: TraceFile, resolver: ScenarioResolver | None = None, progress: bool = False
                ) -> tuple[list[ReplayedRound], list[Problem]]:
    """Every round of the file replayed, or refused: (good rounds, problems).
    Rounds that already have a row problem are not replayed (the row is missing
    from them, so a replay would report misleading follow-on errors)."""
    resolver = resolver or ScenarioResolver(Path(trace.name).parent)
    bad = {p.round for p in trace.problems}
    good, problems = [], list(trace.problems)
    for r in progress_bar(trace.rounds, progress, "replaying", "round"):
        if r.key in bad:
            continue
        try:
            good.append(replay_round(r, resolver))
        except RoundError as e:
            problems.append(e.problem)
    problems.sort(key=lambda p: p.line)
    return good, problems


def replay_round(r: TraceRound, resolver: ScenarioResolver) -> ReplayedRound:
    first = r.rows[0]

    def fail(row: TraceRow, message: str):
        raise RoundError(Problem(row.line, message, r.key))

    try:
        scenario = resolver.scenario(first.scenario)
    except ScenarioError as e:
        if e.problem.startswith("no such file"):
            fail(first, f"unknown scenario {shown(first.scenario)}: {e.problem}")
        fail(first, f"scenario {shown(first.scenario)} cannot be used: {e}")
    seed = first.seed or 0
    kitchen = resolver.kitchen(first.scenario, seed)
    names = resolver.workers(first.scenario)
    by_tick: dict[int, list[tuple[TraceRow, int, int]]] = {}
    past: list[TraceRow] = []  # rows at or after the horizon
    for row in r.rows:
        w = names.get(row.worker)
        if w is None:
            fail(row, f"unknown worker {shown(row.worker)} (workers: "
                      f"{', '.join(x.label for x in scenario.workers)})")
        if row.order >= kitchen.n_orders:
            fail(row, f"unknown order {row.order} (this round has orders 0 to {kitchen.n_orders - 1})")
        recipe = scenario.recipes[kitchen.orders[row.order].dish]
        if row.task not in recipe.tasks:
            fail(row, f"unknown task {shown(row.task)} for order {row.order} "
                      f"({recipe.name}: {', '.join(recipe.tasks)})")
        if row.tick >= scenario.ticks:
            past.append(row)
            continue
        j = kitchen.order_tasks[row.order][recipe.tasks.index(row.task)]
        by_tick.setdefault(row.tick, []).append((row, w, j))

    s = kitchen.initial_state()
    states, decisions = [s], []
    mismatches = 0
    for tick in sorted(by_tick):
        while s.tick < tick:
            if s.done:
                fail(by_tick[tick][0][0], f"the round is already over: it ended at tick {s.tick - 1}")
            s = _advance(kitchen, s, {}, states, decisions)
        if s.done:
            fail(by_tick[tick][0][0], f"the round is already over: it ended at tick {s.tick - 1}")
        decision: dict[int, int] = {}
        line_of: dict[int, int] = {}
        for row, w, j in by_tick[tick]:
            if w in decision:
                fail(row, f"{scenario.workers[w].name} is given a second task at tick {tick} "
                          f"(line {line_of[w]} gave the first)")
            try:
                kitchen.check(s, {**decision, w: j})
            except IllegalDecision as e:
                fail(row, f"{e} (tick {tick})" if "tick" not in str(e) else str(e))
            decision[w] = j
            line_of[w] = row.line
            if row.duration is not None and row.duration != kitchen.duration[w][j]:
                mismatches += 1
        s = _advance(kitchen, s, decision, states, decisions)
    if past:
        # the person played on, so every tick up to the horizon was played (idle where no row)
        while not s.done:
            s = _advance(kitchen, s, {}, states, decisions)
        if all(x >= 0 for x in s.order_served):
            fail(past[0], f"the round is already over: every order was served by tick {s.tick - 1}")
    while not s.done and not (kitchen.has_decision(s) and outcome_still_open(kitchen, s)):
        s = _advance(kitchen, s, {}, states, decisions)
    return ReplayedRound(r.person, r.number, first.scenario, scenario, seed, kitchen, decisions,
                         states, s.done and not past, sorted(r.rows, key=lambda x: (x.tick, x.line)),
                         mismatches, past_horizon=bool(past))


def _advance(kitchen: Kitchen, s: State, decision: dict, states: list, decisions: list) -> State:
    s, _ = kitchen.step(s, decision, check=False)
    decisions.append(decision)
    states.append(s)
    return s


def outcome_still_open(kitchen: Kitchen, s: State) -> bool:
    """Could some assignment from this state on still change the round's outcome?

    An optimistic bound: every task not started starts as soon as its order has
    arrived, its predecessors are done and some worker is free, with whichever
    worker would finish it first, as if no two tasks ever wanted the same worker. Makespan: the outcome changes only if every
    order can still be served before the horizon (else turns = horizon whatever
    happens). Reward: if any order can still be served in time."""
    t, horizon = s.tick, kitchen.ticks
    free = [max(t, f) for f in s.worker_free]
    end: dict[int, int] = {}

    def finish(j: int) -> int:  # tick from which task j counts as done, at best
        if j not in end:
            if s.task_end[j] >= 0:
                end[j] = s.task_end[j]
            else:
                start = max([t, kitchen.order_at[kitchen.task_order[j]]] + [finish(p) for p in kitchen.task_preds[j]])
                end[j] = min(max(start, free[w]) + kitchen.duration[w][j] for w in range(kitchen.n_workers))
        return end[j]

    unserved = [o for o in range(kitchen.n_orders) if s.order_served[o] < 0]
    in_time = {o: max(finish(j) for j in kitchen.order_tasks[o]) <= horizon for o in unserved}
    # orders whose every task has started are served (or not) whatever anyone decides
    waiting = [o for o in unserved if any(s.task_end[j] < 0 for j in kitchen.order_tasks[o])]
    if not waiting:
        return False
    if not kitchen.scenario.higher_is_better:  # makespan
        return all(in_time.values())
    return any(in_time[o] for o in waiting)
