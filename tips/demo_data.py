"""`kitchen-coach demo-data`: a records database filled with plausible
trainees, so a supervisor can try the desk and the benchmarks have a
training centre's history to work on.

Who plays. Simulated trainees (tips/trainees.py, engine/trainee_sim.py): a
mixed population (tips/population.py `mixed_models`), each with one to three
costly habits of their own, their own noise, adherence and learning rate,
drawn from the seed. They learn the workers' speeds as they watch tasks
finish and lose habits as they follow tips against them. For the demo
only, practice also wears habits down: after each round every habit is
`PRACTICE` times as strong as before, tips or not (the engine's model keeps
a habit until advice goes against it, which is right for measuring tips
but leaves a trainee without tips flat for ever, unlike people). So every
trainee improves over rounds on average, those shown tips that fit them
fastest. (Their choice noise is left alone: less noise alone makes a habit
followed more faithfully, not a trainee better.)

What they see. Each trainee has an experimental condition, balanced over
the population (every four trainees in a row get the four conditions, in an
order drawn from the seed), and before each round is shown the tips the app
would show them next (tips/conditions.py `Coach.choose`, with the same
settings): their own rounds and everyone's last rounds decide it, as the app
reads them from the records (tips/history.py).

How it is stored. Every decision is scored by the move scorer against the
shipped expert, as the app scores them (tips/demo_scoring.py, in several
processes with `workers`), and each round of trainees is stored as a trace
import stores its rounds (engine/records/imports.py `store_rounds`: one
transaction, one session per trainee and condition, the rounds marked as
coming from "demo-data"), then the tips each saw (`Store.record_tip`, at
tick 0, when the app shows the next round's tips) and, for rounds with
tips, whether each was followed where it applied (tips/adherence.py, which
the app also keeps once a round is over).
"""
from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from engine.scenario import Scenario
from engine.simulator import Kitchen
from tips.adherence import decision_rows
from tips.conditions import CONDITIONS, Coach, Coaching, ShownTip
from tips.gains import PlayedRound
from tips.population import mixed_models
from tips.trainees import SimulatedTrainee

SOURCE = "demo-data"         # the rounds' source_file: where they came from
PRACTICE = 0.8               # each round a demo trainee's habits are this times as strong as the round before
THINK_SECONDS = 4.0          # a first round's median time to decide a tick; people get quicker
DEFAULT_PREFIX = "Demo trainee"


class DemoRefused(ValueError):
    """Nothing was stored; the message says why and what to do."""


@dataclass(frozen=True)
class DemoSettings:
    trainees: int
    rounds: int
    seed: int = 0
    workers: int = 1
    prefix: str = DEFAULT_PREFIX


@dataclass
class DemoResult:
    trainees: int = 0
    rounds: int = 0          # rounds stored, every trainee's (trainees x rounds each)
    decisions: int = 0
    seconds: float = 0.0
    conditions: dict[str, int] = field(default_factory=dict)  # condition -> trainees

    @property
    def rate(self) -> float:
        """Decisions stored per second, scoring and all."""
        return self.decisions / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict:
        return {"trainees": self.trainees, "rounds": self.rounds, "decisions": self.decisions}


def demo_names(prefix: str, n: int) -> list[str]:
    width = max(3, len(str(n)))
    return [f"{prefix} {i + 1:0{width}d}" for i in range(n)]


def balanced_conditions(n: int, seed: int) -> list[str]:
    """A condition per trainee: each block of four in a row has all four, in
    an order drawn from the seed (permuted blocks, as trials allocate arms)."""
    rng = np.random.default_rng([seed, 17])
    out: list[str] = []
    while len(out) < n:
        out += [CONDITIONS[i] for i in rng.permutation(len(CONDITIONS))]
    return out[:n]


def refuse_taken_names(store, names: list[str], prefix: str) -> None:
    """Nothing is stored for people who are in the database already: a second
    run would mix two histories under one name."""
    taken = {p.name for p in store.people()}
    clash = [n for n in names if n in taken]
    if clash:
        raise DemoRefused(f"{store.url} already has {len(clash)} of these demo trainees ({clash[0]}, ...); "
                          f"nothing stored: fill a new database (--db), or name this demo's trainees "
                          f"differently (--prefix, now {prefix!r})")


@dataclass
class _Seat:
    """One demo trainee: who they are, what they have played."""
    name: str
    condition: str
    trainee: SimulatedTrainee
    think: np.random.Generator
    person_id: int = 0
    history: list[PlayedRound] = field(default_factory=list)


@dataclass
class _Played:
    seat: _Seat
    rnd: PlayedRound
    tips: list[ShownTip]
    final: object  # the round's last State


def fill_demo(store, scenario: Scenario, settings: DemoSettings, expert, scorer, mined,
              progress: bool = True, on_round: Callable[[int, DemoResult], None] | None = None) -> DemoResult:
    """Play, score and store `settings.trainees` x `settings.rounds` rounds
    (module docstring). Raises DemoRefused before storing anything when the
    names are taken. `on_round(r, result so far)` after each round of trainees is stored."""
    from engine.progress import progress_bar
    from tips.demo_scoring import RoundScoring, remembering

    t0 = time.perf_counter()
    s = settings
    names = demo_names(s.prefix, s.trainees)
    refuse_taken_names(store, names, s.prefix)
    from tips.fixed import fixed_texts

    fixed = fixed_texts(store, scenario)  # what "fixed" shows on this database, as in the app
    mined = remembering(mined)
    coaching = Coaching()
    coach = Coach(scenario, mined, scorer, coaching, calibration_seed=s.seed)
    seats = [_Seat(name, cond, SimulatedTrainee(name, scenario, model, seed=s.seed * 10_007 + i),
                   np.random.default_rng([s.seed, i, 23]))
             for i, (name, cond, model) in enumerate(zip(names, balanced_conditions(s.trainees, s.seed),
                                                          mixed_models(scenario, s.trainees, s.seed, mined)))]
    for seat in seats:
        seat.person_id = store.person(seat.name).id
    ids = _Ids(store.scenario_id(scenario), _expert_id(store, scenario, expert), _optimum(scenario))
    source_hash = hashlib.sha256(f"{SOURCE}:{scenario.content_hash}:{s.seed}:{s.prefix}".encode()).hexdigest()
    result = DemoResult(trainees=s.trainees, conditions={c: sum(x.condition == c for x in seats) for c in CONDITIONS})
    scoring = RoundScoring(scenario, mined, scorer, s.workers)
    bar = progress_bar(None, progress, f"demo-data {scenario.key}", "round", total=s.trainees * s.rounds)
    stopped = True
    try:
        for r in range(s.rounds):
            everyone = [rnd for seat in seats for rnd in seat.history[-coaching.history:]]
            played = [_play(coach, seat, scenario, s.seed, r, everyone, fixed) for seat in seats]
            scoring.score([p.rnd for p in played], bar.update)
            result.decisions += _store(store, mined, played, r, ids, source_hash)
            result.rounds += len(played)
            for p in played:
                p.seat.history = (p.seat.history + [p.rnd])[-coaching.rounds_looked_at:]
                p.seat.trainee.wear(PRACTICE)  # practice wears every habit down (module docstring)
            if progress:  # a line a round, above the bar on a terminal, alone in a log of a long run
                bar.write(f"demo-data: round {r + 1}/{s.rounds} of every trainee stored: {result.rounds} rounds, "
                          f"{result.decisions} decisions ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
            if on_round is not None:
                on_round(r, result)
        stopped = False
    finally:
        bar.close()
        scoring.close(stop=stopped)
    result.seconds = time.perf_counter() - t0
    return result


def _play(coach: Coach, seat: _Seat, scenario: Scenario, seed: int, r: int, everyone, fixed_texts) -> _Played:
    tips = coach.choose(seat.condition, seat.history, everyone, fixed_texts)
    kitchen = _kitchen(scenario, seed, seat, r)
    # a supervisor's text has no condition a simulated trainee can check
    steps = seat.trainee.play(kitchen, [t.tip for t in tips if t.tip is not None])
    final = seat.trainee.final_state
    rnd = PlayedRound(kitchen, steps, kitchen.value(final), shown=tuple(t.rule for t in tips))
    return _Played(seat, rnd, tips, final)


_KITCHENS: dict[tuple, Kitchen] = {}


def _kitchen(scenario: Scenario, seed: int, seat: _Seat, r: int) -> Kitchen:
    """Deterministic scenarios: one kitchen for everyone (the seed changes
    nothing there). Stochastic ones: each trainee's round its own seed."""
    if not scenario.stochastic:
        key = (scenario.content_hash, 0)
        if key not in _KITCHENS:
            _KITCHENS.clear()
            _KITCHENS[key] = Kitchen(scenario, 0)
        return _KITCHENS[key]
    own = int(np.random.SeedSequence([seed, seat.trainee.seed, r]).generate_state(1)[0] & 0x7FFFFFFF)
    return Kitchen(scenario, own)


@dataclass(frozen=True)
class _Ids:
    scenario: int
    expert: int | None
    optimum: float | None


def _expert_id(store, scenario: Scenario, expert) -> int | None:
    from engine.records.play import expert_id

    return expert_id(store, scenario, expert)


def _optimum(scenario: Scenario) -> float | None:
    import signal
    import threading

    from engine.records.play import known_optimum

    handler = signal.getsignal(signal.SIGINT)
    try:
        return known_optimum(scenario)
    finally:
        # OR-Tools' solver leaves Ctrl-C to the operating system's default
        # (measured: /proc/self/status SigCgt loses SIGINT after a solve), so
        # the process would die at once, its scoring processes left running;
        # Python's handler again, and Ctrl-C stops the run cleanly
        if callable(handler) and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, handler)


def _store(store, mined, played: list[_Played], r: int, ids: _Ids, source_hash: str) -> int:
    """One round of every trainee, a transaction per condition as a trace
    import stores a file; then the tips shown and their adherence. Returns
    the decisions stored."""
    # the records' modules (SQLAlchemy) only when storing: the command line is built without them
    from engine.records import imports
    from engine.records import replay as rp
    from engine.records.models import utcnow
    from engine.records.store import Store

    now = utcnow()
    stored = 0
    for condition in CONDITIONS:
        group = [p for p in played if p.seat.condition == condition]
        if not group:
            continue
        rows, digests = [], []
        for p in group:
            k, sc = p.rnd.kitchen, p.rnd.kitchen.scenario
            median = THINK_SECONDS * 0.9 ** r
            think = p.seat.think.lognormal(np.log(median), 0.5, size=len(p.rnd.steps))
            pairs = [(st.tick, rp.encode(k, d)) for st, d in p.rnd.steps]
            rows.append([dict(tick=t, decision=named, think_seconds=round(float(th), 2), wall_time=now,
                              **Store._score_columns(k, score))
                         for (t, named), th, score in zip(pairs, think, p.rnd.scores)])
            digests.append(imports.content_digest(p.seat.name, sc.content_hash, k.seed if sc.stochastic else None,
                                                  imports.assignments(pairs)))
        hashes = imports.copy_hashes(store, digests)
        new = [imports.NewRound(p.seat.person_id, ids.scenario, p.rnd.kitchen.seed, ids.expert, h, dec, True,
                                p.rnd.kitchen.value(p.final), p.rnd.kitchen.turns(p.final),
                                p.rnd.kitchen.served_count(p.final), ids.optimum)
               for p, h, dec in zip(group, hashes, rows)]
        round_ids, _ = imports.store_rounds(store, new, condition, SOURCE, source_hash)
        for rid, p in zip(round_ids, group):
            for tip in p.tips:
                store.record_tip(rid, 0, tip.rule, tip.text)
            if p.rnd.shown:
                store.record_adherence(rid, decision_rows(mined, p.rnd.kitchen, p.rnd.steps,
                                                          [(0, key) for key in dict.fromkeys(p.rnd.shown)]))
        stored += sum(len(dec) for dec in rows)
    return stored

