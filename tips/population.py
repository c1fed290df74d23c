"""Groups of simulated trainees the tips are measured on: the calibration
group whose rounds are all the population's figures there are before anyone
has played, and the mixed population of the simulated experiment."""
from __future__ import annotations

import numpy as np

from engine.scenario import Scenario
from engine.simulator import Kitchen
from tips.gains import PlayedRound, TipStat, cell_stats, merge
from tips.mining import MinedRules
from tips.trainees import Habit, SimulatedTrainee, TraineeModel, costly_habits, worst_habits


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


def mixed_models(scenario: Scenario, n: int, seed: int) -> list[TraineeModel]:
    """`n` trainees who differ as people do: each has one to three costly
    habits of their own, drawn from the scenario's (role, task type) pairs
    where that role is slower than the quickest worker, of its own strength,
    with its own noise, its own adherence (how often it takes advice that
    applies) and its own learning rate (how much a habit weakens each time
    it takes advice against it). Drawn from `seed` alone, so every condition plays the same people."""
    rng = np.random.default_rng([seed, 13])
    learn = np.random.default_rng([seed, 14])  # its own stream: the same people as without learning rates
    habits = costly_habits(scenario) or worst_habits(scenario)
    out = []
    for _ in range(n):
        m = int(rng.integers(1, min(3, len(habits)) + 1)) if habits else 0
        picked = rng.choice(len(habits), size=m, replace=False) if m else []
        own = tuple(Habit(habits[i].role, habits[i].task_type, float(rng.uniform(2.5, 4.5))) for i in picked)
        out.append(TraineeModel(tau=float(rng.uniform(0.25, 0.45)), follow=float(rng.uniform(0.6, 0.95)),
                                habits=own, learn=float(learn.uniform(0.05, 0.25))))
    return out
