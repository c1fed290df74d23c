"""One round as the trainee plays it, without Qt: the board's pending
assignments, the rules' verdict on each drop, and the step at "End tick".

Widgets only ask this object for things (`assign`, `unassign`, `end_tick`)
and redraw from `kitchen` and `state`; so a full round can be played and
checked in plain Python, and the Qt layer stays thin.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.simulator import IDLE, Kitchen, State


class AssignRefused(ValueError):
    """A drop the rules do not allow; the message is shown to the trainee as is."""


@dataclass(frozen=True)
class TickStep:
    """One tick played: the state it started from, what was decided, where it led."""
    state: State
    decision: dict[int, int]
    next_state: State
    reward: float
    # False when nobody could do anything (the tick was played with {} on its own)
    had_choice: bool = True


PAST_TENSE = {
    "chop": "chopped", "cook": "cooked", "plate": "plated", "boil": "boiled", "saute": "sautéed",
    "assemble": "assembled", "grill": "grilled", "fry": "fried", "bake": "baked", "prep": "prepped",
    "wash": "washed", "mix": "mixed", "serve": "served", "slice": "sliced", "toast": "toasted",
}


def did(task_type: str) -> str:
    """'chopped' for chop; a type we have no verb for reads 'took the <type>'."""
    return PAST_TENSE.get(task_type, f"took the {task_type}")


def unit_word(kitchen: Kitchen, amount: float) -> str:
    unit = "turn" if kitchen.scenario.objective == "makespan" else "point"
    return unit if abs(amount - 1) < 1e-9 else unit + "s"


@dataclass
class RoundModel:
    kitchen: Kitchen
    state: State = None  # type: ignore[assignment]
    pending: dict[int, int] = field(default_factory=dict)  # worker -> task, this tick only
    history: list[TickStep] = field(default_factory=list)

    def __post_init__(self):
        if self.state is None:
            self.state = self.kitchen.initial_state()

    @classmethod
    def replayed(cls, kitchen: Kitchen, decisions: list[dict[int, int]]) -> "RoundModel":
        """A round rebuilt from its stored decisions (resuming after a crash)."""
        m = cls(kitchen)
        for d in decisions:
            s = m.state
            had = kitchen.has_decision(s)
            nxt, r = kitchen.step(s, d)
            m.history.append(TickStep(s, dict(d), nxt, r, had))
            m.state = nxt
        return m

    # -- what the board shows --------------------------------------------------
    @property
    def done(self) -> bool:
        return self.state.done

    @property
    def tick(self) -> int:
        return self.state.tick

    def worker_of_pending(self, task: int) -> int | None:
        for w, j in self.pending.items():
            if j == task:
                return w
        return None

    def ticks_left(self, worker: int) -> int:
        return max(0, self.state.worker_free[worker] - self.state.tick)

    def busy_task(self, worker: int) -> int | None:
        """The task a worker is doing at this tick, if any."""
        s = self.state
        for j, w in enumerate(s.task_worker):
            if w == worker and s.task_end[j] > s.tick:
                return j
        return None

    def decisions(self) -> list[dict[int, int]]:
        return [h.decision for h in self.history]

    # -- what the trainee does -------------------------------------------------
    def why_not(self, task: int, worker: int) -> str | None:
        """The reason a drop of `task` on `worker` is refused, or None if it is
        allowed: the kitchen's rulebook decides (a task pending on another
        worker this tick may be dragged over, so nothing counts as taken)."""
        refusal = self.kitchen.why_not(self.state, worker, task)
        return refusal.text if refusal else None

    def assign(self, task: int, worker: int) -> None:
        """Give an open task to an idle worker for this tick. A task already
        given to someone else moves; a worker who had a task gets the new one."""
        reason = self.why_not(task, worker)
        if reason:
            raise AssignRefused(reason)
        prev = self.worker_of_pending(task)
        if prev is not None:
            del self.pending[prev]
        self.pending[worker] = task

    def unassign(self, task: int) -> bool:
        w = self.worker_of_pending(task)
        if w is None:
            return False
        del self.pending[w]
        return True

    def clear(self) -> None:
        self.pending.clear()

    def end_tick(self) -> list[TickStep]:
        """Commit the pending decision and play on through ticks where nobody
        can do anything, so the board always stops where a choice is to be made."""
        if self.state.done:
            return []
        decision = {w: j for w, j in self.pending.items() if j != IDLE}
        steps = [self._step(decision, True)]
        self.pending = {}
        return steps + self.skip_dead_ticks()

    def skip_dead_ticks(self) -> list[TickStep]:
        """Play ticks where no idle worker has an open task (GAME.md: stepped with {})."""
        steps = []
        while not self.state.done and not self.kitchen.has_decision(self.state):
            steps.append(self._step({}, False))
        return steps

    def _step(self, decision: dict[int, int], had_choice: bool) -> TickStep:
        s = self.state
        nxt, r = self.kitchen.step(s, decision)
        step = TickStep(s, decision, nxt, r, had_choice)
        self.history.append(step)
        self.state = nxt
        return step

    def value(self) -> float:
        return self.kitchen.value(self.state)
