"""Groups of simulated trainees the tips are measured on: the calibration
group whose rounds are all the population's figures there are before anyone
has played, and the populations of the simulated experiment: the mixed one
(the engine's greedy human with habits of their own) and the individual one
(near-expert trainees whose every mistake is their own habit or a slip)."""
from __future__ import annotations

import numpy as np

from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen
from tips.gains import PlayedRound, TipStat, cell_stats, merge
from tips.mining import MinedRules
from tips.trainees import (Habit, IndividualModel, NearExpertTrainee, RuleHabit, RuleHabitModel, SimulatedTrainee,
                           TraineeModel, costly_habits, worst_habits)


def round_kitchen(scenario: Scenario, seed: int, r: int) -> Kitchen:
    return Kitchen(scenario, seed * 1_000 + r if scenario.stochastic else 0)


def play(trainee: SimulatedTrainee, kitchen: Kitchen, tips) -> PlayedRound:
    steps = trainee.play(kitchen, tips)
    return PlayedRound(kitchen, steps, kitchen.value(trainee.final_state), shown=tuple(t.key for t in tips))


def calibration_stats(scenario: Scenario, mined: MinedRules, scorer,
                      seed: int = 0) -> tuple[dict[str, TipStat], list[PlayedRound]]:
    """Cell stats of one round each of a trainee without habits and one per
    role's worst habit (their own seeds): the population's figures before
    anyone has played, keyed by tip key; and those rounds."""
    parts, rounds = [], []
    for i, h in enumerate([None] + worst_habits(scenario)):
        t = SimulatedTrainee(f"calibration{i}", scenario, TraineeModel(habits=(h,) if h else ()),
                             seed=9_000_000 + seed * 101 + i)
        rounds.append(play(t, round_kitchen(scenario, seed + 7, 0), []))
        parts.append(cell_stats(mined, scorer, rounds[-1:]))
    return {st.tip.key: st for st in merge(parts)}, rounds


def pool(*cell_maps: dict[str, TipStat]) -> dict[str, TipStat]:
    """Cell stats of several groups added up, key by key."""
    out: dict[str, TipStat] = {}
    for cells in cell_maps:
        for key, c in cells.items():
            m = out.setdefault(key, TipStat(c.tip))
            m.add(c)
            m.rounds += c.rounds
            m.decisions += c.decisions
    return out


def rule_habits(mined: MinedRules, rounds: int = 4, least: float = 0.03) -> list[RuleHabit]:
    """One habit per cell of the tips' vocabulary (a rule with a condition, a
    role it speaks to) that can cost something: in that rule's situation, the
    role is drawn to the task type it is slowest at, against the quickest
    worker, among those the rule does not say to do. Kept only where, in
    `rounds` rounds of a trainee without habits, the habit could act (its
    situation held with such a task open to a worker of the role) in at least
    `least` of that role's free moments: a condition that never holds for the
    role ("Alice is the quickest at chop") makes no habit."""
    sc, vocab = mined.scenario, mined.vocab
    fastest = {k: min(d for w in sc.workers if (d := w.ticks(k)) is not None) for k in sc.task_types}
    candidates = []
    for i in range(len(mined.rules.antecedents)):
        keys = mined.keys(i)
        action = vocab.actions[mined.action(i)]
        for role in [mined.role_of(i)] if mined.role_of(i) else vocab.roles:
            slowness = {}
            for k in sc.task_types:
                ticks = [d for w in sc.workers if w.role == role and (d := w.ticks(k)) is not None]
                if ticks and k != action:
                    slowness[k] = min(ticks) / fastest[k]
            if slowness:
                k = max(slowness, key=lambda t: (slowness[t], -sc.task_types.index(t)))
                candidates.append(RuleHabit(role, k, conditions=tuple(keys)))
    acts, _, moments = _habit_counts(mined, candidates, lambda r: SimulatedTrainee("probe", sc, seed=r), rounds)
    return [h for h, n in zip(candidates, acts) if n >= least * max(moments.get(h.role, 0), 1)]


def _habit_counts(mined: MinedRules, candidates: list[RuleHabit], probe, rounds: int, expert=None):
    """Over `rounds` rounds played by `probe(r)`: per candidate habit, the
    moments it could act (its situation held for a free worker of its role
    with a task of its type open to them) and, of those, how many the expert
    would have given that worker something else (0 without an expert); per
    role, its free moments."""
    sc, vocab = mined.scenario, mined.vocab
    where = [[vocab.index[k] for k in h.conditions] for h in candidates]
    acts, against = [0] * len(candidates), [0] * len(candidates)
    moments: dict[str, int] = {}
    for r in range(rounds):
        kitchen = round_kitchen(sc, 0, r)
        for state, _ in probe(r).play(kitchen):
            open_ = kitchen.open_tasks(state)
            plan = expert(kitchen, state) if expert is not None else None
            for w in kitchen.idle_workers(state):
                role = kitchen.workers[w].role
                moments[role] = moments.get(role, 0) + 1
                x = vocab.features(kitchen, state, w)
                types = {kitchen.tasks[j].type for j in kitchen.for_worker(w, open_)}
                j = plan.get(w, IDLE) if plan is not None else IDLE
                chosen = None if j == IDLE else kitchen.tasks[j].type
                for c, (h, idx) in enumerate(zip(candidates, where)):
                    if h.role == role and h.task_type in types and x[idx].all():
                        acts[c] += 1
                        against[c] += plan is not None and chosen != h.task_type
    return acts, against, moments


def _draw_habits(rng: np.random.Generator, habits: list) -> list:
    """One to three of `habits`, each with its own strength: (habit, strength) pairs."""
    m = int(rng.integers(1, min(3, len(habits)) + 1)) if habits else 0
    picked = rng.choice(len(habits), size=m, replace=False) if m else []
    return [(habits[i], float(rng.uniform(2.5, 4.5))) for i in picked]


def mixed_models(scenario: Scenario, n: int, seed: int, mined: MinedRules | None = None) -> list[TraineeModel]:
    """`n` trainees who differ as people do: each has one to three costly
    habits of their own, of its own strength, with its own noise, its own
    adherence (how often it takes advice that applies) and its own learning
    rate (how much a habit weakens each time it takes advice against it).
    Given the mined rules, the habits are drawn from their vocabulary
    (`rule_habits`: one per rule and role, situational); without, from the
    (role, task type) pairs where that role is slower than the quickest
    worker. Drawn from `seed` alone, so every condition plays the same people."""
    rng = np.random.default_rng([seed, 13])
    learn = np.random.default_rng([seed, 14])  # its own stream: the same people as without learning rates
    situational = rule_habits(mined) if mined is not None else []
    habits = situational or costly_habits(scenario) or worst_habits(scenario)
    out = []
    for _ in range(n):
        drawn = _draw_habits(rng, habits)
        noise = dict(tau=float(rng.uniform(0.25, 0.45)), follow=float(rng.uniform(0.6, 0.95)),
                     learn=float(learn.uniform(0.05, 0.25)))
        if situational:
            own = tuple(RuleHabit(h.role, h.task_type, st, h.conditions) for h, st in drawn)
            out.append(RuleHabitModel(rule_habits=own, **noise))
        else:
            own = tuple(Habit(h.role, h.task_type, st) for h, st in drawn)
            out.append(TraineeModel(habits=own, **noise))
    return out


def vocabulary_habits(mined: MinedRules, expert, rounds: int = 4, least: float = 0.05,
                      costly: float = 0.8) -> list[RuleHabit]:
    """Habits drawn from the whole vocabulary, not only the mined list's
    rules: in one predicate's situation (who is free or busy, what is open,
    how the round stands), a role drawn to a task type some other worker is
    quicker at. Kept where, in `rounds` rounds of a near-expert trainee
    without habits, it could act in at least `least` of the role's free
    moments and the expert would have chosen otherwise at least `costly` of
    those times: a habit that costs (issue 13), met often enough to learn of."""
    sc, vocab = mined.scenario, mined.vocab
    # who is free is the role itself ("me:") or its skill ("best:"): no situation
    situations = [p.key for p in vocab.predicates if not p.key.startswith(("me:", "best:"))]
    candidates = [RuleHabit(h.role, h.task_type, conditions=(key,)) for h in costly_habits(sc) for key in situations]
    acts, against, moments = _habit_counts(
        mined, candidates, lambda r: NearExpertTrainee("probe", sc, IndividualModel(), seed=r, expert=expert),
        rounds, expert)
    return [h for h, n, a in zip(candidates, acts, against)
            if n and n >= least * moments.get(h.role, 0) and a >= costly * n]


def individual_models(scenario: Scenario, n: int, seed: int, mined: MinedRules, expert) -> list[IndividualModel]:
    """`n` near-expert trainees (tips/trainees.py), each with one to three
    habits of `vocabulary_habits`, of its own strength, and its own slip
    rate, adherence and learning rate. Drawn from `seed` alone, so every
    condition plays the same people."""
    rng = np.random.default_rng([seed, 13])
    habits = vocabulary_habits(mined, expert)
    out = []
    for _ in range(n):
        own = tuple(RuleHabit(h.role, h.task_type, st, h.conditions) for h, st in _draw_habits(rng, habits))
        out.append(IndividualModel(rule_habits=own, slip=float(rng.uniform(0.03, 0.07)),
                                   follow=float(rng.uniform(0.6, 0.95)), learn=float(rng.uniform(0.05, 0.25))))
    return out
