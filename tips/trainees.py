"""Simulated trainees who are shown tips: the engine's model of how people play
(engine/trainee_sim.py: beliefs, greedy, habits, noise) plus tip-following.

Tips. First, each idle worker's situation is checked against the tips shown
this round, in order; when a tip's own condition holds (`tip.holds`: what a
person can check from the sentence alone, not whether it is the first rule
of the mined list to fire, a list they never see) and its action is
possible, the trainee follows it with probability `model.follow`, their
adherence; taking it weakens the habits it went against at the trainee's
own learning rate (`HabitTrainee._took_advice`, documented with the model).

Habits in the tips' own words. Besides the engine's habits ("the server
likes cooking", everywhere), a trainee may have `RuleHabit`s: where the
condition of one of the mined rules holds for a worker of a role, they are
drawn to give that worker a task of another type than the rule says ("when
no plate task is open, I send Alice to chop anyway"). People's mistakes are
situational like that, and different people make different ones, which is
what personal tips are for; the same learning rate wears such a habit down
each time the trainee takes advice against it in its situation.

Near-expert trainees (`NearExpertTrainee`, `IndividualModel`). The engine's
greedy human makes most of its mistakes from the model itself (a belief that
every worker is equally quick, a dislike of leaving anyone idle), the same
for everyone, so tips about those serve every trainee alike. A near-expert
trainee instead decides as the expert would, except where one of their own
habits acts (a habit of strength s wins with probability s / HABIT_SCALE
where it can) and for their slips (a share `slip` of choices made at random):
all that is wrong with their play is their own, the population the
personalised condition is for (issue 13's "own costly habits plus noise").
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State
from engine.trainee_sim import Habit, HabitTrainee, TraineeModel, worst_habits
from tips.vocabulary import Vocabulary

__all__ = ["Habit", "IndividualModel", "NearExpertTrainee", "RuleHabit", "RuleHabitModel", "SimulatedTrainee",
           "TraineeModel", "advised", "costly_habits", "worst_habits"]

HABIT_SCALE = 5.0  # a near-expert's habit of strength s acts with probability s / 5 where it can


@dataclass(frozen=True)
class RuleHabit(Habit):
    """A `Habit` with a situation: it pulls only where every predicate of
    `conditions` (keys of tips/vocabulary.py) holds for the free worker."""
    conditions: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{super().label} when {' & '.join(self.conditions) or 'always'}"


@dataclass
class RuleHabitModel(TraineeModel):
    """A trainee model with habits in the tips' words as well (module docstring)."""
    rule_habits: tuple[RuleHabit, ...] = ()


@dataclass
class IndividualModel(RuleHabitModel):
    """A near-expert trainee's parameters (module docstring): their rule
    habits, adherence and learning rate as for any trainee, and `slip`, the
    share of their own choices made at random; `tau`, `idle_aversion` and
    `urgency` are the greedy model's and unused."""
    slip: float = 0.05


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


def advised(tips, kitchen: Kitchen, state: State, w: int, taken, rng, follow: float) -> int | None:
    """What the first shown tip whose own condition holds for worker `w` (and
    whose action is possible) says to do, taken with probability `follow`;
    None to decide otherwise. Every simulated trainee follows tips this way."""
    for tip in tips:
        holds = getattr(tip, "holds", None) or tip.applies  # a duck-typed tip may only know `applies`
        if holds(kitchen, state, w):
            choice = tip.choice(kitchen, state, w, taken)
            if choice is not None:
                return None if rng.random() >= follow else choice
    return None


@dataclass
class SimulatedTrainee(HabitTrainee):
    def __post_init__(self):
        super().__post_init__()
        self.tips: list = []  # tips shown this round (objects with .applies and .choice)
        habits = getattr(self.model, "rule_habits", ())
        self._vocab = Vocabulary(self.scenario) if habits else None
        # [habit, predicate indices, current strength]: advice wears the strength down
        self._rule_pull = [[h, [self._vocab.index[k] for k in h.conditions], h.strength] for h in habits]
        self._seen: dict[int, object] = {}  # this tick's predicate vector per worker

    def __call__(self, kitchen: Kitchen, state: State, rng=None) -> dict[int, int]:
        self._seen = {}
        return super().__call__(kitchen, state, rng)

    def _situation(self, kitchen: Kitchen, state: State, w: int):
        x = self._seen.get(w)
        if x is None:
            x = self._seen[w] = self._vocab.features(kitchen, state, w)
        return x

    def _pulling(self, kitchen: Kitchen, state: State, w: int, task_type: str):
        """The rule habits that pull worker `w` towards `task_type` tasks here."""
        role = kitchen.workers[w].role
        for pull in self._rule_pull:
            h, idx, strength = pull
            if strength > 0 and h.role == role and h.task_type == task_type \
                    and self._situation(kitchen, state, w)[idx].all():
                yield pull

    def _value(self, kitchen: Kitchen, state: State, w: int, j: int) -> float:
        v = super()._value(kitchen, state, w, j)
        if self._rule_pull:
            v += sum(p[2] for p in self._pulling(kitchen, state, w, kitchen.tasks[j].type))
        return v

    def _weaken(self, kitchen: Kitchen, state: State, w: int, tempting: set[str], factor: float) -> None:
        super()._weaken(kitchen, state, w, tempting, factor)
        for k in tempting:
            for pull in self._pulling(kitchen, state, w, k):
                pull[2] *= factor

    def wear(self, factor: float) -> None:
        super().wear(factor)
        for pull in self._rule_pull:
            pull[2] *= factor

    def _advised_choice(self, kitchen: Kitchen, state: State, w: int, taken: set[int]) -> int | None:
        choice = advised(self.tips, kitchen, state, w, taken, self.rng, self.model.follow)
        if choice is not None:
            self._took_advice(kitchen, state, w, choice, taken)
        return choice

    def play(self, kitchen: Kitchen, tips=()) -> list[tuple[State, dict[int, int]]]:
        """Play one round with these tips shown; returns its (state, decision) log
        (ticks where nobody can do anything are left out)."""
        self.tips = list(tips)
        return super().play(kitchen)


@dataclass
class NearExpertTrainee(SimulatedTrainee):
    """Decides worker by worker (in a drawn order): advice first, as every
    simulated trainee; else an own habit, where its situation holds and a task
    of its type is open to the worker; else, with probability `model.slip`, a
    legal task or idle at random; else what `expert` decides for that worker
    (a task of the same type when another worker took the expert's one, idle
    when there is none)."""
    expert: object = None

    def __post_init__(self):
        if self.expert is None:
            raise ValueError("a near-expert trainee plays like an expert: none given")
        super().__post_init__()

    def __call__(self, kitchen: Kitchen, state: State, rng=None) -> dict[int, int]:
        self._seen = {}
        idle = kitchen.idle_workers(state)
        open_ = kitchen.open_tasks(state)
        if not idle or not open_:
            return {}
        plan = self.expert(kitchen, state)
        decision: dict[int, int] = {}
        taken: set[int] = set()
        for w in self.rng.permutation(idle).tolist():
            choice = self._advised_choice(kitchen, state, w, taken)
            if choice is None:
                choice = self._own_choice(kitchen, state, w, plan, kitchen.for_worker(w, open_, taken))
            decision[w] = choice
            if choice != IDLE:
                taken.add(choice)
        return decision

    def _own_choice(self, kitchen: Kitchen, state: State, w: int, plan: dict[int, int], options: list[int]) -> int:
        for task_type in dict.fromkeys(kitchen.tasks[j].type for j in options):
            for pull in self._pulling(kitchen, state, w, task_type):
                if self.rng.random() < pull[2] / HABIT_SCALE:
                    return next(j for j in options if kitchen.tasks[j].type == task_type)
        if self.rng.random() < self.model.slip:
            pick = int(self.rng.integers(len(options) + 1))
            return IDLE if pick == len(options) else options[pick]
        j = plan.get(w, IDLE)
        if j == IDLE or j in options:
            return j
        return next((k for k in options if kitchen.tasks[k].type == kitchen.tasks[j].type), IDLE)
