"""How often the move scorer's verdicts are right, judged by the exact optimum.

Decisions are drawn from the states people reach, two sources taken in turn:

- trainee: whole rounds of simulated trainees with habits (engine/trainee_sim.py;
  each of the scenario's worst habits alone, all of them, none; three noise
  levels), each trainee playing three rounds in a row as its beliefs settle;
- random: a random mid-round state (random play for 1..`prefix` decision
  ticks, as benchmarks/offtrajectory.py draws them), where the decision is
  taken by a fresh habit trainee or by random play, alternately.

Each decision gets the scorer's verdict and the exact one (engine/exact_regret.py:
CP-SAT optimum after the decision against the optimum before, same
`Thresholds`). A decision "truly costs" when its exact regret reaches the
inaccuracy threshold: on a makespan round regrets are whole turns, so that is
2 turns or more (a mistake or a blunder by the exact verdict); on a reward
round, 20 % of a mean dish's points. Figures:

  agreement          share of decisions whose scorer verdict is the exact verdict
  blunder_precision  of the decisions the scorer calls "blunder", the share that
                     truly cost (None when it calls none)
  false_best         share of all decisions called "best" or "good" by the
                     scorer that truly cost
  mean_regret        the scorer's regret and the exact regret, mean per decision

Deterministic scenarios only: a stochastic round has no exact optimum per state.
Decisions whose optimum CP-SAT cannot prove in time are left out (counted in
`unproven`) and more are drawn in their place.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.exact_regret import Optima, Witness, settled
from engine.policies import random_policy
from engine.scenario import Scenario
from engine.expert.scoring import Thresholds
from engine.simulator import Kitchen, State
from engine.trainee_sim import Habit, HabitTrainee, TraineeModel, worst_habits

GOALS = {"agreement": 0.97, "blunder_precision": 0.95, "false_best": 0.005}
TAUS = (0.2, 0.35, 0.6)


@dataclass(frozen=True)
class Drawn:
    state: State
    decision: dict[int, int]
    source: str  # "trainee" or "random"


@dataclass(frozen=True)
class Judged:
    drawn: Drawn
    scorer_regret: float
    scorer_verdict: str
    exact_regret: float
    exact_verdict: str


def random_states(kitchen: Kitchen, n: int, prefix: int, rng: np.random.Generator) -> list[State]:
    """Unfinished states after 1..prefix decision ticks of random play."""
    out = []
    for _ in range(n):
        s, left = kitchen.initial_state(), int(rng.integers(1, prefix + 1))
        while not s.done and left > 0:
            decide = kitchen.has_decision(s)
            s, _ = kitchen.step(s, random_policy(kitchen, s, rng) if decide else {}, check=False)
            left -= decide
        if not s.done:
            out.append(s)
    return out


def habit_sets(scenario: Scenario) -> list[tuple[Habit, ...]]:
    worst = worst_habits(scenario)
    return [(h,) for h in worst] + [tuple(worst), ()]


def trainee_decisions(kitchen: Kitchen, seed: int, rounds: int = 3) -> Iterator[Drawn]:
    habits = habit_sets(kitchen.scenario)
    for i in itertools.count():
        model = TraineeModel(tau=TAUS[i % len(TAUS)], habits=habits[i % len(habits)])
        trainee = HabitTrainee(f"sim{i}", kitchen.scenario, model, seed=seed * 100_003 + i)
        for _ in range(rounds):
            for s, d in trainee.play(kitchen):
                yield Drawn(s, d, "trainee")


def random_decisions(kitchen: Kitchen, seed: int, prefix: int = 7) -> Iterator[Drawn]:
    rng = np.random.default_rng([seed, 1])
    habits = habit_sets(kitchen.scenario)
    for i in itertools.count():
        for s in random_states(kitchen, 1, prefix, rng):
            s = settled(kitchen, s)
            if s.done:
                continue
            if i % 2:
                d = random_policy(kitchen, s, rng)
            else:
                model = TraineeModel(tau=TAUS[i % len(TAUS)], habits=habits[i % len(habits)])
                d = HabitTrainee(f"mid{i}", kitchen.scenario, model, seed=seed * 100_003 + i)(kitchen, s)
            yield Drawn(s, d, "random")


def draw_decisions(kitchen: Kitchen, seed: int = 0) -> Iterator[Drawn]:
    """Endless decisions, trainee and random in turn, fixed by `seed`."""
    for a, b in zip(trainee_decisions(kitchen, seed), random_decisions(kitchen, seed)):
        yield a
        yield b


def judge(kitchen: Kitchen, drawn: Drawn, scorer, optima: Optima, thresholds: Thresholds,
          witness: Witness | None = None) -> Judged | None:
    """Scorer and exact verdict of one decision; None where no optimum is proven."""
    exact = optima.regret(kitchen, drawn.state, drawn.decision, witness)
    if exact is None:
        return None
    m = scorer.score(kitchen, drawn.state, drawn.decision)
    return Judged(drawn, float(m.regret), m.verdict, exact, thresholds.verdict(exact))


def summarise(scenario: Scenario, judged: list[Judged], thresholds: Thresholds) -> dict:
    """The figures of the module docstring, as `evaluate --verdicts --json` prints them."""
    n = len(judged)
    costly = [j.exact_regret >= thresholds.inaccuracy for j in judged]
    blunders = [c for j, c in zip(judged, costly) if j.scorer_verdict == "blunder"]
    return {
        "scenario": scenario.key,
        "decisions": n,
        "agreement": sum(j.scorer_verdict == j.exact_verdict for j in judged) / n if n else None,
        "blunder_precision": sum(blunders) / len(blunders) if blunders else None,
        "false_best": sum(c for j, c in zip(judged, costly) if j.scorer_verdict in ("best", "good")) / n
        if n else None,
        "mean_regret": {"scorer": float(np.mean([j.scorer_regret for j in judged])) if n else None,
                        "exact": float(np.mean([j.exact_regret for j in judged])) if n else None},
    }


def goals_met(summary: dict) -> dict[str, bool]:
    """Each goal of issue 12 for these figures (no blunder called: precision holds)."""
    prec = summary["blunder_precision"]
    return {"agreement": (summary["agreement"] or 0) >= GOALS["agreement"],
            "blunder_precision": prec is None or prec >= GOALS["blunder_precision"],
            "false_best": (summary["false_best"] or 0) <= GOALS["false_best"]}


@dataclass
class Measurement:
    summary: dict
    judged: list[Judged]
    unproven: int


def measure(scenario: Scenario, scorer, decisions: int = 500, seed: int = 0, time_limit: float = 20.0,
            optima: Optima | None = None, witness: Witness | None = None, progress: bool = True,
            drawn: list[Drawn] | None = None, kitchen: Kitchen | None = None) -> Measurement:
    """Judge `decisions` decisions drawn from the states people reach (or the
    `drawn` ones given). `witness` (e.g. an expert's play-out value) only
    saves solves; `optima` may be shared between scorers to solve once, with
    the same `kitchen` (optima are cached per kitchen object)."""
    if scenario.stochastic:
        raise ValueError(f"{scenario.key} is stochastic: there is no exact optimum per state to judge by")
    from engine.progress import progress_bar

    kitchen = kitchen or Kitchen(scenario, 0)
    optima = optima or Optima(time_limit)
    thresholds = getattr(scorer, "thresholds", None) or Thresholds.for_scenario(scenario)
    source = iter(drawn) if drawn is not None else itertools.islice(draw_decisions(kitchen, seed), 4 * decisions)
    total = len(drawn) if drawn is not None else decisions
    judged, unproven = [], 0
    with progress_bar(None, progress, f"verdicts {scenario.key}", "decision", total=total) as bar:
        for d in source:
            j = judge(kitchen, d, scorer, optima, thresholds, witness)
            if j is None:
                unproven += 1
                continue
            judged.append(j)
            bar.update()
            if len(judged) >= total:
                break
    return Measurement(summarise(scenario, judged, thresholds), judged, unproven)
