"""Accuracy: one number per round, 0 to 100, from the regret of each decision.

Lichess turns each move's loss of winning chances into a move accuracy that
falls smoothly (exponentially) with the loss, and a game's accuracy is the
mean of its moves'. We do the same with the regret the move scorer gives
each decision, in the scenario's own units (turns, or points):

    accuracy(decision) = 100 * 2 ** (-max(0, regret) / half)
    accuracy(round)    = mean of accuracy(decision) over its scored decisions

`half` is the regret that halves a decision's accuracy: the scenario's
"inaccuracy" threshold (engine.expert.scoring.Thresholds; makespan: 1.5 turns,
reward: 20 % of a mean dish's points). On a makespan round a decision as
good as the expert's (or better) scores 100, one costing 1 turn 63, 2 turns
(a mistake) 40, 3 turns (a blunder) 25, 6 turns 6. A round with no scored
decision has no accuracy (None), not 0 or 100.
"""
from __future__ import annotations

import math
from typing import Iterable

from engine.scenario import Scenario


def half_regret(scenario: Scenario) -> float:
    """The regret, in the scenario's own units, that halves a decision's accuracy."""
    from engine.expert.scoring import Thresholds

    return Thresholds.for_scenario(scenario).inaccuracy


def decision_accuracy(regret: float | None, half: float) -> float | None:
    """0..100 for one decision; None for an unscored one."""
    if regret is None:
        return None
    if half <= 0:
        raise ValueError("the half-accuracy regret must be above 0")
    return 100.0 * math.pow(2.0, -max(0.0, float(regret)) / half)


def accuracy(regrets: Iterable[float | None], half: float) -> float | None:
    """The round's accuracy: the mean over its scored decisions (None when none is scored)."""
    values = [a for a in (decision_accuracy(r, half) for r in regrets) if a is not None]
    return sum(values) / len(values) if values else None


def round_accuracy(scenario: Scenario, regrets: Iterable[float | None]) -> float | None:
    """The accuracy of a round of `scenario` from its decisions' regrets."""
    return accuracy(regrets, half_regret(scenario))


def record_accuracy(record) -> float | None:
    """The accuracy of a stored round (engine.records.views.RoundRecord), for the
    desk, the report and the trainee's trend."""
    from engine.scenario import parse_scenario

    scenario = parse_scenario(record.scenario_text, record.info.scenario)
    return round_accuracy(scenario, [d.regret for d in record.decisions])
