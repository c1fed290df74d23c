"""Simulated trainees: a documented model of how people play the kitchen game.

The model follows the "Boltzmann-rational greedy human" used for Overcooked-AI
and the behaviour the research observed:

- Beliefs. At first the trainee believes every worker equally fast at every
  task (the mean duration of the scenario), unless the scenario shows the
  durations. Each time a task finishes it sees how long that worker took and
  updates a running mean (the prior counts as one observation). Beliefs carry
  over from round to round.
- Greedy and busy. Like the greedy baseline, the trainee makes the
  best-looking (idle worker, open task) pair first, then the next among
  those left, until it stops. A pair is worth `-duration_belief /
  mean_duration` plus `urgency` times the share of the order still to do;
  stopping (leaving everyone left idle) is worth `-idle_aversion`: people
  rarely leave a free worker idle, the habit the research set out to correct.
- Noise. Each pick is a softmax over those values with temperature `tau`.
- Habits. A `Habit(role, task_type, strength)` adds `strength` to the value
  of giving that role that type of task: "sends the server to cook", "makes
  the chef plate". Experience alone does not fade them (the round's outcome
  does not say which choice was the slow one); advice does, below.
- Learning from advice. Each time the trainee takes advice for a worker while
  a task of a habitual type was open to that worker (the habit pulled one way,
  the advice another), that habit weakens for the worker's whole role by the
  trainee's own learning rate `learn` (strength *= 1 - learn). So a followed
  tip leaves the trainee better even once it is no longer shown, as the
  research observed people keep improving after tips are removed; a trainee
  never shown advice about a habit keeps it. The same model plays every
  experimental condition: only what the advice says differs.

This is the engine's part, with no tips: the benchmarks draw the states
people reach from it (engine/expert/verdicts.py). Following tips that are shown is
built on top of it in tips/trainees.py, through `_advised_choice`, which
here never advises.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.scenario import Scenario
from engine.rounds import play_round
from engine.simulator import IDLE, Kitchen, State


@dataclass(frozen=True)
class Habit:
    role: str
    task_type: str
    strength: float = 3.0

    @property
    def label(self) -> str:
        return f"{self.role}:{self.task_type}"

    @classmethod
    def parse(cls, text: str, strength: float = 3.0) -> "Habit":
        role, _, task_type = text.partition(":")
        return cls(role.strip(), task_type.strip(), strength)


def worst_habits(scenario: Scenario) -> list[Habit]:
    """One habitual mistake per role: the task type that role is slowest at
    compared with the fastest worker (ties: the type that takes longest on
    average). On burger: the server cooks, the sous-chef cooks, the chef plates."""
    out = []
    types = scenario.task_types
    # Worker.ticks is None for a type the worker may not take: no habit of doing it
    able = {k: [d for w in scenario.workers if (d := w.ticks(k)) is not None] for k in types}
    mean = {k: np.mean(able[k]) for k in types}
    fastest = {k: min(able[k]) for k in types}
    for role in dict.fromkeys(w.role for w in scenario.workers):
        w = next(w for w in scenario.workers if w.role == role)
        k = max((k for k in types if w.can(k)), key=lambda k: (w.ticks(k) / fastest[k], mean[k]), default=None)
        if k is not None:  # a worker who may take nothing has no habit
            out.append(Habit(role, k))
    return out


@dataclass
class TraineeModel:
    """Parameters of the human model (see the module docstring); `follow` is
    how often advice that applies is taken, where a front end gives any."""
    tau: float = 0.35
    idle_aversion: float = 1.5
    urgency: float = 0.5
    follow: float = 0.9
    habits: tuple[Habit, ...] = ()
    learn: float = 0.15     # share of a habit's strength lost each time advice against it is taken


@dataclass
class HabitTrainee:
    name: str
    scenario: Scenario
    model: TraineeModel = field(default_factory=TraineeModel)
    seed: int = 0

    def __post_init__(self):
        sc = self.scenario
        types = sc.task_types
        prior = float(np.mean([d for w in sc.workers for k in types if (d := w.ticks(k)) is not None]))
        self.mean_duration = prior
        self.belief = {(w, k): (float(sc.workers[w].ticks(k) or prior) if sc.show_durations else prior)
                       for w in range(len(sc.workers)) for k in types}
        self.seen = {key: 1 for key in self.belief}
        self.rng = np.random.default_rng(self.seed)
        self._running: list[tuple[int, str, int, int]] = []
        self._bias = {}
        for h in self.model.habits:
            for w, wk in enumerate(sc.workers):
                if wk.role == h.role:
                    self._bias[(w, h.task_type)] = self._bias.get((w, h.task_type), 0.0) + h.strength

    # -- learning durations ------------------------------------------------------
    def _observe(self, state: State) -> None:
        still = []
        for w, k, start, end in self._running:
            if end <= state.tick:
                n = self.seen[(w, k)]
                self.belief[(w, k)] = (self.belief[(w, k)] * n + (end - start)) / (n + 1)
                self.seen[(w, k)] = n + 1
            else:
                still.append((w, k, start, end))
        self._running = still

    def _remember(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> None:
        for w, j in decision.items():
            if j != IDLE:
                self._running.append((w, kitchen.tasks[j].type, state.tick, state.tick + kitchen.duration[w][j]))

    # -- choosing -------------------------------------------------------------------
    def _value(self, kitchen: Kitchen, state: State, w: int, j: int) -> float:
        k = kitchen.tasks[j].type
        tasks = kitchen.order_tasks[kitchen.task_order[j]]
        todo = sum(1 for i in tasks if state.task_end[i] < 0) / len(tasks)
        return (-self.belief[(w, k)] / self.mean_duration + self.model.urgency * todo
                + self._bias.get((w, k), 0.0))

    def __call__(self, kitchen: Kitchen, state: State, rng=None) -> dict[int, int]:
        """A policy: the decision this trainee makes at `state`."""
        self._observe(state)
        idle = kitchen.idle_workers(state)
        open_ = kitchen.open_tasks(state)
        decision: dict[int, int] = {}
        if not idle or not open_:
            return decision
        taken: set[int] = set()
        # advice first, worker by worker (the order is drawn even with none, so a
        # trainee's choices do not depend on whether a front end can advise)
        for w in self.rng.permutation(idle).tolist():
            choice = self._advised_choice(kitchen, state, w, taken)
            if choice is not None:
                decision[w] = choice
                if choice != IDLE:
                    taken.add(choice)
        # then the greedy habit, noisily: best-looking (worker, task) pair first, or stop
        pairs = [(w, j) for w in idle if w not in decision for j in kitchen.for_worker(w, open_, taken)]
        while pairs:
            values = np.array([-self.model.idle_aversion] + [self._value(kitchen, state, w, j) for w, j in pairs])
            p = np.exp((values - values.max()) / self.model.tau)
            pick = int(self.rng.choice(len(p), p=p / p.sum()))
            if pick == 0:
                break
            w, j = pairs[pick - 1]
            decision[w] = j
            pairs = [(u, k) for u, k in pairs if u != w and k != j]
        self._remember(kitchen, state, decision)
        return decision

    def _advised_choice(self, kitchen: Kitchen, state: State, w: int, taken: set[int]) -> int | None:
        """The choice advice makes for worker `w`, or None to decide by habit."""
        return None

    def _took_advice(self, kitchen: Kitchen, state: State, w: int, choice: int, taken=()) -> None:
        """Advice was taken for worker `w`: every habit of w's role that pulled
        towards another open task type now pulls less (see the docstring)."""
        if not self.model.learn:
            return
        chosen = kitchen.tasks[choice].type if choice != IDLE else None
        tempting = {kitchen.tasks[j].type for j in kitchen.for_worker(w, kitchen.open_tasks(state), taken)} - {chosen}
        self._weaken(kitchen, state, w, tempting, 1.0 - self.model.learn)

    def _weaken(self, kitchen: Kitchen, state: State, w: int, tempting: set[str], factor: float) -> None:
        """Every habit of w's role pulling towards a `tempting` task type now
        pulls `factor` times as hard (a subclass with habits of its own
        weakens those too)."""
        role = kitchen.workers[w].role
        for (u, k), b in list(self._bias.items()):
            if k in tempting and b > 0 and kitchen.workers[u].role == role:
                self._bias[(u, k)] = b * factor

    def wear(self, factor: float) -> None:
        """Every habit `factor` times as strong, advice or not."""
        self._bias = {key: b * factor for key, b in self._bias.items()}

    def play(self, kitchen: Kitchen) -> list[tuple[State, dict[int, int]]]:
        """Play one round; returns its (state, decision) log (ticks where nobody
        can do anything are left out)."""
        self._running = []
        log: list = []
        s = play_round(kitchen, self, None, log, decided_only=True)  # self.rng draws, not play_round's
        self._observe(s)
        self.final_state = s
        return log
