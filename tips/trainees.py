"""Simulated trainees who are shown tips: the engine's model of how people play
(engine/trainee_sim.py: beliefs, greedy, habits, noise) plus tip-following.

Tips. First, each idle worker's situation is checked against the tips shown
this round, in order; when a tip applies and its action is possible, the
trainee follows it with probability `model.follow`.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.simulator import Kitchen, State
from engine.trainee_sim import Habit, HabitTrainee, TraineeModel, worst_habits

__all__ = ["Habit", "SimulatedTrainee", "TraineeModel", "worst_habits"]


@dataclass
class SimulatedTrainee(HabitTrainee):
    def __post_init__(self):
        super().__post_init__()
        self.tips: list = []  # tips shown this round (objects with .applies and .choice)

    def _advised_choice(self, kitchen: Kitchen, state: State, w: int, taken: set[int]) -> int | None:
        for tip in self.tips:
            if tip.applies(kitchen, state, w):
                choice = tip.choice(kitchen, state, w, taken)
                if choice is not None:
                    return choice if self.rng.random() < self.model.follow else None
        return None

    def play(self, kitchen: Kitchen, tips=()) -> list[tuple[State, dict[int, int]]]:
        """Play one round with these tips shown; returns its (state, decision) log
        (ticks where nobody can do anything are left out)."""
        self.tips = list(tips)
        return super().play(kitchen)
