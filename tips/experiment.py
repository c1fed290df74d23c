"""The simulated experiment: conditions x trainees x rounds, as in the research.

Every condition chooses its tips with `tips.conditions.Coach`, the same code
and settings the app uses; only the rounds come from simulated trainees
instead of the records. Every condition plays the same trainees (same habits,
same seeds) on the same kitchens, so differences between conditions come from
the tips alone. By default the trainees are a mixed population
(`tips.population.mixed_models`): each has one to three costly habits of
their own, drawn from the mined list's vocabulary (a rule's situation, a
role, the task type the role is drawn to there: tips/trainees.py
`RuleHabit`), their own noise and their own adherence; `population="individual"`
plays near-expert trainees instead, each wrong only by their own habits
(drawn from the whole vocabulary) and slips (`tips.population.individual_models`);
`habits` gives one (role, task type) habit each, in turn. A decision is suboptimal when a worker's regret is
above the scorer's "good" threshold.
"""
from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field

import numpy as np

from engine.scenario import Scenario
from tips.conditions import CONDITIONS, Coach, Coaching
from tips.fixed import HANDCRAFTED
from tips.gains import PlayedRound
from tips.mining import MinedRules
from tips.population import individual_models, mixed_models, play, round_kitchen
from tips.trainees import Habit, NearExpertTrainee, SimulatedTrainee, TraineeModel


@dataclass
class ExperimentSettings:
    trainees: int = 4
    rounds: int = 3
    seed: int = 0
    coaching: Coaching = field(default_factory=Coaching)
    model: TraineeModel = field(default_factory=TraineeModel)   # with `habits`: everyone's noise and adherence
    habits: tuple[Habit, ...] | None = None      # one habit each, in turn; None: the mixed population
    fixed_texts: tuple[str, ...] = ()             # supervisor tips for "fixed" (default: the handcrafted ones)
    clones: tuple = ()                            # tips/cloned.py trainees: the population instead (--population db)
    population: str = "mixed"                     # or "individual": near-expert trainees (tips/population.py)


def good_threshold(scorer, scenario: Scenario) -> float:
    """Regret above which a worker's decision is suboptimal: the scorer's
    "good" verdict threshold (own units)."""
    from engine.expert.scoring import Thresholds

    return float((getattr(scorer, "thresholds", None) or Thresholds.for_scenario(scenario)).good)


def trainee_models(scenario: Scenario, s: ExperimentSettings, mined: MinedRules | None = None,
                   expert=None) -> list[TraineeModel]:
    if s.population == "individual":
        return individual_models(scenario, s.trainees, s.seed, mined, expert)
    if s.habits is None:
        return mixed_models(scenario, s.trainees, s.seed, mined)
    m = s.model
    return [TraineeModel(m.tau, m.idle_aversion, m.urgency, m.follow, (s.habits[i % len(s.habits)],) if s.habits else ())
            for i in range(s.trainees)]


def make_trainees(scenario: Scenario, s: ExperimentSettings, mined: MinedRules | None = None,
                  expert=None, models: list[TraineeModel] | None = None) -> list[SimulatedTrainee]:
    """The population afresh (of `models`, else drawn now); `expert` is what
    near-expert trainees play like."""
    if s.clones:  # the same people afresh, each with its own seed again
        return [dataclasses.replace(c) for c in s.clones]
    models = models if models is not None else trainee_models(scenario, s, mined, expert)
    if s.population == "individual":
        return [NearExpertTrainee(f"trainee{i + 1}", scenario, model, seed=s.seed * 10_007 + i, expert=expert)
                for i, model in enumerate(models)]
    return [SimulatedTrainee(f"trainee{i + 1}", scenario, model, seed=s.seed * 10_007 + i)
            for i, model in enumerate(models)]


def run_experiment(scenario: Scenario, mined: MinedRules, scorer, s: ExperimentSettings,
                   progress: bool = True) -> dict:
    from engine.progress import progress_bar

    threshold = good_threshold(scorer, scenario)
    # The bar shows on a terminal only (disable=None); the per-round lines go
    # above it there and alone into a log, as before.
    bar = progress_bar(None, progress, f"experiment {scenario.key}", "round",
                       total=len(CONDITIONS) * s.rounds * (len(s.clones) or s.trainees))
    say = (lambda msg: bar.write(msg, file=sys.stderr)) if progress else (lambda msg: None)
    say(f"experiment: calibrating population tips on {scenario.key}")
    coach = Coach(scenario, mined, scorer, s.coaching, calibration_seed=s.seed)
    fixed = s.fixed_texts or HANDCRAFTED
    out: dict = {}
    expert = getattr(scorer, "expert", None)
    models = [] if s.clones else trainee_models(scenario, s, mined, expert)  # drawn once: the same people each time
    for cond in CONDITIONS:
        trainees = make_trainees(scenario, s, mined, expert, models)
        histories: list[list[PlayedRound]] = [[] for _ in trainees]
        rows = {"suboptimal_pct": [], "mean_value": [], "tips_shown": []}
        bar.set_postfix_str(cond)
        for r in range(s.rounds):
            kitchen = round_kitchen(scenario, s.seed, r)
            everyone = [rnd for h in histories for rnd in h[-s.coaching.history:]]
            bad = total = 0
            values, shown = [], []
            for t, history in zip(trainees, histories):
                tips = coach.choose(cond, history, everyone, fixed)
                # a supervisor's text has no condition a simulated trainee can check
                rnd = play(t, kitchen, [tip.tip for tip in tips if tip.tip is not None])
                rnd.shown = tuple(tip.rule for tip in tips)
                bar.update()
                for _, _, regret_w in rnd.worker_decisions(scorer):
                    total += 1
                    bad += regret_w > threshold
                values.append(rnd.final_value)
                shown.append([tip.text for tip in tips])
                history.append(rnd)
            rows["suboptimal_pct"].append(round(100.0 * bad / total, 2) if total else 0.0)
            rows["mean_value"].append(round(float(np.mean(values)), 3))
            rows["tips_shown"].append(shown)
            say(f"experiment: {cond:12s} round {r + 1}/{s.rounds}: {rows['suboptimal_pct'][-1]:.1f}% suboptimal, "
                f"mean {rows['mean_value'][-1]:.2f}")
        out[cond] = rows
    bar.close()
    habits = [] if s.clones else sorted({h.label for m in models for h in m.habits + getattr(m, 'rule_habits', ())})
    return {"conditions": out, "threshold": threshold, "trainees": len(s.clones) or s.trainees, "rounds": s.rounds,
            "habits": habits}


def experiment_table(result: dict, unit: str = "turns") -> str:
    rounds = result["rounds"]
    head = ["condition"] + [f"r{r + 1} subopt %" for r in range(rounds)] + [f"r{r + 1} {unit}" for r in range(rounds)]
    rows = [head]
    for cond, d in result["conditions"].items():
        rows.append([cond] + [f"{x:.1f}" for x in d["suboptimal_pct"]] + [f"{x:.2f}" for x in d["mean_value"]])
    widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in rows)
