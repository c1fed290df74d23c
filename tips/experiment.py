"""The simulated experiment: conditions x trainees x rounds, as in the research.

Conditions:
- none: no tips.
- fixed: the same tips for everyone, every round, chosen once without any
  trainee's data (the first `tips_per_round` rules of the mined list, as a
  supervisor copying the list would write them; or the supervisor's own texts).
- mined: the tips that would have saved most over the whole group's recent
  rounds where no shown tip covered the situation, with a calibration group
  of simulated trainees (one per habitual mistake and one with none) that
  is all there is before the first round.
- personalised: a Gittins-index bandit per trainee (`tips.personal`) over
  (rule, role) cells, its priors from that trainee's own last `history`
  uncovered rounds blended with the group's, rewarded by the fall in the
  trainee's regret in each shown tip's situations.

Every condition plays the same trainees (same habits, same seeds) on the same
kitchens, so differences between conditions come from the tips alone. Each
trainee has one habitual mistake, in turn over `worst_habits(scenario)`.
A decision is suboptimal when a worker's regret is above the scorer's "good"
threshold.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np

from engine.scenario import Scenario
from engine.simulator import Kitchen
from tips.bandit import TipBandit
from tips.gains import PlayedRound, Tip, TipStat, cell_stats, merge, mined_tips
from tips.personal import PersonalCoach, Realisation, population_tips, untipped_cells
from tips.mining import MinedRules
from tips.trainees import Habit, SimulatedTrainee, TraineeModel, worst_habits

CONDITIONS = ("none", "fixed", "mined", "personalised")


@dataclass
class ExperimentSettings:
    trainees: int = 4
    rounds: int = 3
    seed: int = 0
    tips_per_round: int = 3
    history: int = 2            # rounds of a trainee's past that personal tips are mined from
    bandit_sigma: float = 0.5   # reward noise (own units per round) of the Gittins index
    bandit_beta: float = 0.7    # its discount: a trainee plays a handful of rounds, so explore little
    prior_rounds: float = 4.0   # how many of a trainee's own rounds the population's figures count as
    model: TraineeModel = field(default_factory=TraineeModel)
    habits: tuple[Habit, ...] | None = None      # default: worst_habits(scenario)
    fixed_texts: tuple[str, ...] = ()             # supervisor tips for "fixed" (simulated trainees cannot follow text)


def good_threshold(scorer, scenario: Scenario) -> float:
    """Regret above which a worker's decision is suboptimal: the scorer's
    "good" verdict threshold (own units)."""
    from engine.scoring import Thresholds

    return float((getattr(scorer, "thresholds", None) or Thresholds.for_scenario(scenario)).good)


def make_trainees(scenario: Scenario, s: ExperimentSettings) -> list[SimulatedTrainee]:
    habits = list(s.habits) if s.habits is not None else worst_habits(scenario)
    out = []
    for i in range(s.trainees):
        h = (habits[i % len(habits)],) if habits else ()
        model = TraineeModel(s.model.tau, s.model.idle_aversion, s.model.urgency, s.model.follow, h)
        out.append(SimulatedTrainee(f"trainee{i + 1}", scenario, model, seed=s.seed * 10_007 + i))
    return out


def round_kitchen(scenario: Scenario, seed: int, r: int) -> Kitchen:
    return Kitchen(scenario, seed * 1_000 + r if scenario.stochastic else 0)


def play(trainee: SimulatedTrainee, kitchen: Kitchen, tips: list[Tip]) -> PlayedRound:
    steps = trainee.play(kitchen, tips)
    return PlayedRound(kitchen, steps, kitchen.value(trainee.final_state))


def population_stats(scenario: Scenario, mined: MinedRules, scorer, s: ExperimentSettings) -> list[TipStat]:
    """Tip stats of a calibration group (its own seeds): the fallback for no history."""
    habits = list(s.habits) if s.habits is not None else worst_habits(scenario)
    parts = []
    for i, h in enumerate([None] + habits):
        model = TraineeModel(s.model.tau, s.model.idle_aversion, s.model.urgency, s.model.follow, (h,) if h else ())
        t = SimulatedTrainee(f"calibration{i}", scenario, model, seed=9_000_000 + s.seed * 101 + i)
        parts.append(cell_stats(mined, scorer, [play(t, round_kitchen(scenario, s.seed + 7, 0), [])]))
    return merge(parts)


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


def run_experiment(scenario: Scenario, mined: MinedRules, scorer, s: ExperimentSettings,
                   progress: bool = True) -> dict:
    from tqdm import tqdm

    threshold = good_threshold(scorer, scenario)
    # The bar shows on a terminal only (disable=None); the per-round lines go
    # above it there and alone into a log, as before.
    bar = tqdm(total=len(CONDITIONS) * s.rounds * s.trainees, desc=f"experiment {scenario.key}", unit="round",
               file=sys.stderr, disable=None if progress else True, leave=False)
    say = (lambda msg: bar.write(msg, file=sys.stderr)) if progress else (lambda msg: None)
    say(f"experiment: calibrating population tips on {scenario.key}")
    calibration = {st.tip.key: st for st in population_stats(scenario, mined, scorer, s)}
    population = population_tips(mined, calibration, s.tips_per_round)
    if s.fixed_texts:
        fixed = [Tip(t) for t in s.fixed_texts]
    else:
        fixed = mined_tips(mined)[:s.tips_per_round]
    out: dict = {}
    for cond in CONDITIONS:
        trainees = make_trainees(scenario, s)
        realisation = Realisation()
        coaches = [PersonalCoach(mined, scorer, calibration, s.tips_per_round, s.history,
                                 TipBandit(s.bandit_sigma, s.bandit_beta), s.prior_rounds, realisation)
                   for _ in trainees]
        pooled: list[tuple[PlayedRound, list[Tip]]] = []
        pop_tips = population
        rows = {"suboptimal_pct": [], "mean_value": [], "tips_shown": []}
        bar.set_postfix_str(cond)
        for r in range(s.rounds):
            kitchen = round_kitchen(scenario, s.seed, r)
            bad = total = 0
            values, shown = [], []
            for t, coach in zip(trainees, coaches):
                if cond == "none":
                    tips = []
                elif cond == "fixed":
                    tips = fixed
                elif cond == "mined":
                    tips = pop_tips
                else:
                    tips = coach.choose()
                rnd = play(t, kitchen, tips)
                bar.update()
                for _, _, regret_w in rnd.worker_decisions(scorer):
                    total += 1
                    bad += regret_w > threshold
                values.append(rnd.final_value)
                shown.append([tip.text for tip in tips])
                pooled.append((rnd, tips))
                if cond == "personalised":
                    coach.learn(rnd)
            if cond in ("mined", "personalised"):
                # everyone's rounds on their own (no tip covering the cell), with the calibration group
                recent = pool(calibration, untipped_cells(mined, scorer, pooled, s.history * len(trainees)))
                pop_tips = population_tips(mined, recent, s.tips_per_round) or population
                for coach in coaches:
                    coach.population = recent
            rows["suboptimal_pct"].append(round(100.0 * bad / total, 2) if total else 0.0)
            rows["mean_value"].append(round(float(np.mean(values)), 3))
            rows["tips_shown"].append(shown)
            say(f"experiment: {cond:12s} round {r + 1}/{s.rounds}: {rows['suboptimal_pct'][-1]:.1f}% suboptimal, "
                f"mean {rows['mean_value'][-1]:.2f}")
        out[cond] = rows
    bar.close()
    return {"conditions": out, "threshold": threshold, "trainees": s.trainees, "rounds": s.rounds,
            "habits": [h.label for h in (s.habits if s.habits is not None else worst_habits(scenario))]}


def experiment_table(result: dict, unit: str = "turns") -> str:
    rounds = result["rounds"]
    head = ["condition"] + [f"r{r + 1} subopt %" for r in range(rounds)] + [f"r{r + 1} {unit}" for r in range(rounds)]
    rows = [head]
    for cond, d in result["conditions"].items():
        rows.append([cond] + [f"{x:.1f}" for x in d["suboptimal_pct"]] + [f"{x:.2f}" for x in d["mean_value"]])
    widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in rows)
