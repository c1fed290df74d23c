"""Simulated trainees who are shown tips: the engine's model of how people play
(engine/trainee_sim.py: beliefs, greedy, habits, noise) plus tip-following.

Tips. First, each idle worker's situation is checked against the tips shown
this round, in order; when a tip's own condition holds (`tip.holds`: what a
person can check from the sentence alone, not whether it is the first rule
of the mined list to fire, a list they never see) and its action is
possible, the trainee follows it with probability `model.follow`, their
adherence; taking it weakens the habits it went against at the trainee's
own learning rate (`HabitTrainee._took_advice`, documented with the model).
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.scenario import Scenario
from engine.simulator import Kitchen, State
from engine.trainee_sim import Habit, HabitTrainee, TraineeModel, worst_habits

__all__ = ["Habit", "SimulatedTrainee", "TraineeModel", "costly_habits", "worst_habits"]


def costly_habits(scenario: Scenario) -> list[Habit]:
    """Every habit a trainee can have that costs time: a (role, task type)
    pair of the tips' vocabulary where the role is slower at that type than
    the quickest worker."""
    roles = list(dict.fromkeys(w.role for w in scenario.workers))
    def quickest(workers, k):  # Worker.ticks is None for a type the worker may not take
        return min((d for w in workers if (d := w.ticks(k)) is not None), default=None)
    fastest = {k: quickest(scenario.workers, k) for k in scenario.task_types}
    return [Habit(r, k) for r in roles for k in scenario.task_types
            if (mine := quickest([w for w in scenario.workers if w.role == r], k)) is not None
            and mine > fastest[k]]


@dataclass
class SimulatedTrainee(HabitTrainee):
    def __post_init__(self):
        super().__post_init__()
        self.tips: list = []  # tips shown this round (objects with .applies and .choice)

    def _advised_choice(self, kitchen: Kitchen, state: State, w: int, taken: set[int]) -> int | None:
        for tip in self.tips:
            holds = getattr(tip, "holds", None) or tip.applies  # a duck-typed tip may only know `applies`
            if holds(kitchen, state, w):
                choice = tip.choice(kitchen, state, w, taken)
                if choice is not None:
                    if self.rng.random() >= self.model.follow:
                        return None
                    self._took_advice(kitchen, state, w, choice, taken)
                    return choice
        return None

    def play(self, kitchen: Kitchen, tips=()) -> list[tuple[State, dict[int, int]]]:
        """Play one round with these tips shown; returns its (state, decision) log
        (ticks where nobody can do anything are left out)."""
        self.tips = list(tips)
        return super().play(kitchen)
