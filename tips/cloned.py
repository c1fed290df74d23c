"""A population cloned from real trainees (`kitchen-coach experiment
--population db`): one simulated trainee per person with decisions on the
scenario in the records, who decides as that person did.

Each person's model is fitted as `kitchen-coach traces trainee` fits one
(engine/traces/trainee.py: a classifier of their own choices, from their
stored rounds of this scenario, finished or not). Shown tips, a clone
checks them first, worker by worker, as the mixed population does
(tips/trainees.py `advised`): where a tip's own condition holds and its action is
possible, it follows the tip with the person's adherence, the share of the
times a tip shown to them applied that they followed it (tips/adherence.py's
rows over their stored rounds; with one followed and one passed by as a
prior, so a person never shown a tip gets one half). Every other choice is
drawn from their model. A clone does not learn from advice: the model has
no habits to wear down, so what the tips change is what they change while
shown.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.rounds import play_round
from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State
from tips.trainees import advised


@dataclass
class ClonedTrainee:
    name: str
    scenario: Scenario
    model: object          # engine.traces.trainee.TraineeModel
    follow: float
    seed: int = 0

    def __post_init__(self):
        self.rng = np.random.default_rng(self.seed)
        self.tips: list = []

    def __call__(self, kitchen: Kitchen, state: State, rng=None) -> dict[int, int]:
        idle = kitchen.idle_workers(state)
        decision: dict[int, int] = {}
        for i, w in enumerate(idle):
            choice = advised(self.tips, kitchen, state, w, set(decision.values()), self.rng, self.follow)
            if choice is None:
                choices, p = self.model.probabilities(kitchen, state, w, list(decision.values()), idle[i + 1:])
                choice = choices[int(self.rng.choice(len(choices), p=p / p.sum()))]
            if choice != IDLE:
                decision[w] = choice
        return decision

    def play(self, kitchen: Kitchen, tips=()) -> list[tuple[State, dict[int, int]]]:
        self.tips = list(tips)
        log: list = []
        self.final_state = play_round(kitchen, self, None, log, decided_only=True)
        return log


def adherence(store, person, mined) -> tuple[int, int]:
    """(followed, arose) over a person's stored rounds of the mined list's scenario."""
    from tips.adherence import round_adherence

    followed = arose = 0
    for info in store.history(person):
        if info.scenario == mined.scenario.key and info.decisions:
            for a in round_adherence(store, info.id, mined, keep=False):  # the experiment only reads
                followed, arose = followed + a.followed, arose + a.arose
    return followed, arose


def people_to_clone(store, scenario: Scenario, most: int | None = None) -> list:
    """The trainees with decisions on `scenario` (at most `most`, in name
    order). Raises ValueError when nobody has any."""
    from engine.records.people import TRAINEE

    people = [p for p in store.people(TRAINEE)
              if any(i.scenario == scenario.key and i.decisions for i in store.history(p))][:most]
    if not people:
        raise ValueError(f"no trainee in the records has decisions on {scenario.key}: "
                         "nobody to clone (import traces or play rounds first)")
    return people


def cloned_population(store, scenario: Scenario, mined, seed: int, people: list,
                      progress: bool = False) -> list[ClonedTrainee]:
    """One clone per person of `people` (`people_to_clone`)."""
    from engine.progress import progress_bar
    from engine.traces.trainee import fit_trainee, stored_rounds

    out = []
    for i, person in enumerate(progress_bar(people, progress, "cloning", "trainee")):
        rounds = stored_rounds(store, person.name, scenario.key)
        model = fit_trainee(rounds, held_out=0.0, epochs=200, seed=seed)
        followed, arose = adherence(store, person, mined)
        out.append(ClonedTrainee(person.name, scenario, model, (followed + 1) / (arose + 2),
                                 seed=seed * 10_007 + i))
    return out
