""""This trainee" in simulated experiments: a fitted trainee policy that can
be shown tips, and tips ranked by the gain they would bring this person.

`FittedTrainee` has the interface of the simulated trainees of
tips/trainees.py (`name`, `scenario`, `tips`, `play(kitchen, tips)` returning
the (state, decision) log, `final_state`, and the policy call), so an
experiment can put a real person's model in place of a hand-written one.
Tips are duck-typed (`applies(kitchen, state, worker)`, `choice(kitchen,
state, worker, taken)`), so the engine does not import the tips layer. As
with the simulated trainees, a tip that applies to a worker, and whose action
is possible, is followed with probability `follow`; otherwise the worker
does what the fitted model draws.

`tip_gains` plays this trainee with and without each tip on the same seeds
and the same random streams (common random numbers, so the difference is the
tip's and not the dice's) and ranks tips by the mean gain, in the
scenario's "higher is better" units (fewer turns, or more points).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.rounds import play_round
from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State, to_return
from engine.traces.trainee import TraineeModel


class FittedTrainee:
    def __init__(self, name: str, scenario: Scenario, model: TraineeModel, seed: int = 0,
                 follow: float = 0.9):
        self.name, self.scenario, self.model, self.follow = name, scenario, model, follow
        self.rng = np.random.default_rng(seed)
        self.tips: list = []
        self.final_state: State | None = None

    def __call__(self, kitchen: Kitchen, state: State, rng=None) -> dict[int, int]:
        rng = self.rng if rng is None else rng
        idle = kitchen.idle_workers(state)
        decision: dict[int, int] = {}
        for i, w in enumerate(idle):
            taken = [j for j in decision.values() if j != IDLE]
            choice = self._tip_choice(kitchen, state, w, taken, rng)
            if choice is None:
                choices, p = self.model.probabilities(kitchen, state, w, taken, idle[i + 1:])
                choice = choices[int(rng.choice(len(choices), p=p / p.sum()))]
            if choice != IDLE:
                decision[w] = choice
        return decision

    def _tip_choice(self, kitchen, state, w, taken, rng) -> int | None:
        for tip in self.tips:
            if tip.applies(kitchen, state, w):
                choice = tip.choice(kitchen, state, w, taken)
                legal = choice is not None and (choice == IDLE or choice in kitchen.choices(state, w, taken))
                if legal:
                    return choice if rng.random() < self.follow else None
        return None

    def play(self, kitchen: Kitchen, tips=()) -> list[tuple[State, dict[int, int]]]:
        """One round with these tips shown; the log leaves out ticks where
        nobody could do anything."""
        self.tips = list(tips)
        log: list = []
        # the trainee draws from its own generator (rng None), not one play_round would seed
        self.final_state = play_round(kitchen, lambda k, s, _rng: self(k, s), None, log, decided_only=True)
        return log


@dataclass(frozen=True)
class TipGain:
    tip: object
    gain: float          # mean of (with tip - without), higher is better, own units
    std_err: float
    mean_with: float     # mean value in own units (turns or points)
    mean_without: float

    def to_dict(self) -> dict:
        text = getattr(self.tip, "text", str(self.tip))
        return {"tip": text, "gain": self.gain, "std_err": self.std_err,
                "mean_with": self.mean_with, "mean_without": self.mean_without}


def tip_gains(model: TraineeModel, scenario: Scenario, tips, rounds: int = 20, seed: int = 0,
              follow: float = 0.9) -> list[TipGain]:
    """Each tip's expected gain for the person `model` describes, best first."""
    def values(tip_list) -> np.ndarray:
        out = []
        for i in range(rounds):
            t = FittedTrainee("this trainee", scenario, model, seed=seed * 100_003 + i, follow=follow)
            k = Kitchen(scenario, seed + i)
            t.play(k, tip_list)
            out.append(k.value(t.final_state))
        return np.array(out)

    base = values([])
    gains = []
    for tip in tips:
        with_tip = values([tip])
        diff = np.array([to_return(scenario, a) - to_return(scenario, b) for a, b in zip(with_tip, base)])
        se = float(diff.std(ddof=1) / np.sqrt(rounds)) if rounds > 1 else float("nan")
        gains.append(TipGain(tip, float(diff.mean()), se, float(with_tip.mean()), float(base.mean())))
    return sorted(gains, key=lambda g: -g.gain)
