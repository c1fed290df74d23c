"""What a round is scored by (GAME.md's `objective`) and the round's value
in the scenario's own units turned into a number where higher is always
better (what returns, baselines and regrets compare)."""
from __future__ import annotations

from enum import StrEnum


class Objective(StrEnum):
    """What a round is scored by (GAME.md). A `str`, so `objective == "makespan"`
    and JSON output read as before; the questions that depend on it are asked here."""
    MAKESPAN = "makespan"   # fewer turns is better
    REWARD = "reward"       # more points is better

    @property
    def higher_is_better(self) -> bool:
        return self is Objective.REWARD

    @property
    def unit(self) -> str:
        """The round's value in words: 'turns' or 'points'."""
        return "turns" if self is Objective.MAKESPAN else "points"

    def unit_of(self, amount: float) -> str:
        """'turn' or 'turns', 'point' or 'points', as `amount` needs."""
        return self.unit[:-1] if abs(amount - 1) < 1e-9 else self.unit


def to_return(scenario, value: float) -> float:
    """Value in own units -> a number where higher is always better."""
    return value if scenario.higher_is_better else -value


def from_return(scenario, ret: float) -> float:
    return ret if scenario.higher_is_better else -ret
