"""Words for a scored decision, without Qt: the feedback line after a tick and
the rows of the round summary. A costly decision names every worker whose
choice cost something, each with what the expert would have had them do:
"Tick 8: blunder, about 3 turns. Carol (chef) plated order 2: leaving Carol
idle would have saved about 2 turns. Bob (sous-chef) stayed idle: having Bob
chop order 3 would have saved about 1 turn." A decision's comparison is about
that tick alone; the round's running total is said with "so far"
(`so_far_line`)."""
from __future__ import annotations

from dataclasses import dataclass

from engine.simulator import IDLE, Kitchen, State
from gui.round_model import did

COSTLY = ("inaccuracy", "mistake", "blunder")
VERDICTS = ("best", "good", "inaccuracy", "mistake", "blunder")


@dataclass(frozen=True)
class ScoredTick:
    """A decided tick with the expert's verdict, kept for the round summary."""
    state: State
    decision: dict[int, int]
    score: object  # engine.expert.scoring.MoveScore (duck-typed, so tests can pass a stand-in)

    @property
    def tick(self) -> int:
        return self.state.tick

    @property
    def regret(self) -> float:
        return float(getattr(self.score, "regret", 0.0) or 0.0)

    @property
    def verdict(self) -> str:
        return getattr(self.score, "verdict", "good")


def amount(x: float) -> str:
    x = abs(x)
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 and x >= 0.95 else f"{x:.1f}"


def _unit(kitchen: Kitchen, x: float) -> str:
    word = "turn" if kitchen.scenario.objective == "makespan" else "point"
    return word if amount(x) == "1" else word + "s"


def _mapping(d) -> dict[int, int]:
    return {int(w): int(j) for w, j in dict(d or {}).items()}


def culprit(kitchen: Kitchen, state: State, decision: dict[int, int], score) -> int | None:
    """The worker whose choice cost most; None if the expert agrees with every choice."""
    expert = _mapping(getattr(score, "expert_decision", None))
    per = {int(w): float(r or 0) for w, r in dict(getattr(score, "per_worker", None) or {}).items()}
    idle = kitchen.idle_workers(state)
    differing = [w for w in idle if decision.get(w, IDLE) != expert.get(w, IDLE)]
    if not differing:
        return None
    return max(differing, key=lambda w: (per.get(w, 0.0), -w))


def action_words(kitchen: Kitchen, worker: int, task: int) -> str:
    """What the worker did, in the past tense: 'plated order 2' or 'stayed idle'."""
    if task == IDLE:
        return "stayed idle"
    t = kitchen.tasks[task]
    return f"{did(t.type)} order {t.order + 1}"


def alternative_words(kitchen: Kitchen, worker: int, task: int) -> str:
    name = kitchen.workers[worker].name
    if task == IDLE:
        return f"leaving {name} idle"
    t = kitchen.tasks[task]
    return f"having {name} {t.type} order {t.order + 1}"


def feedback_line(kitchen: Kitchen, state: State, decision: dict[int, int], score) -> str:
    """One sentence for the tick just played (ticks shown 1-based, like the board)."""
    verdict = getattr(score, "verdict", "good")
    shown = state.tick + 1
    if getattr(score, "better_than_expert", False):
        return (f"Tick {shown}: this move was better than the expert's, by about {amount(score.regret)} "
                f"{_unit(kitchen, score.regret)}!")
    if verdict not in COSTLY:
        if verdict == "best":
            return f"Tick {shown}: best move. The expert would have done the same."
        return (f"Tick {shown}: {verdict} move: it differs from the expert's but costs less than "
                f"{'half a turn' if kitchen.scenario.objective == 'makespan' else 'a few points'}.")
    regret = float(score.regret or 0)
    saved = "saved" if kitchen.scenario.objective == "makespan" else "earned"
    more = "" if kitchen.scenario.objective == "makespan" else " more"
    workers = costly_workers(kitchen, state, decision, score)
    if not workers:
        return f"Tick {shown}: {verdict}, it cost about {amount(regret)} {_unit(kitchen, regret)}."
    expert = _mapping(score.expert_decision)
    per = _per_worker(score)
    parts = []
    for w in workers:
        # each worker's own share where the scorer has one; the whole regret for a lone culprit
        own = per.get(w, 0.0) if len(workers) > 1 and per.get(w, 0.0) > 1e-9 else regret
        parts.append(f"{kitchen.workers[w].label} {action_words(kitchen, w, decision.get(w, IDLE))}: "
                     f"{alternative_words(kitchen, w, expert.get(w, IDLE))} would have {saved} about "
                     f"{amount(own)}{more} {_unit(kitchen, own)}.")
    head = f"Tick {shown}: {verdict}" + (f", about {amount(regret)} {_unit(kitchen, regret)} in all." if len(workers) > 1 else ".")
    return " ".join([head] + parts)


def _per_worker(score) -> dict[int, float]:
    return {int(w): float(r or 0) for w, r in dict(getattr(score, "per_worker", None) or {}).items()
            if str(w).lstrip("-").isdigit()}


def costly_workers(kitchen: Kitchen, state: State, decision: dict[int, int], score) -> list[int]:
    """Every idle worker whose choice differs from the expert's and cost something
    on its own (the scorer's per-worker regret), costliest first; the culprit
    alone when no single change costs anything (the cost is in the combination)."""
    expert = _mapping(getattr(score, "expert_decision", None))
    per = _per_worker(score)
    differing = [w for w in kitchen.idle_workers(state) if decision.get(w, IDLE) != expert.get(w, IDLE)]
    costly = sorted((w for w in differing if per.get(w, 0.0) > 1e-9), key=lambda w: (-per[w], w))
    if costly:
        return costly
    w = culprit(kitchen, state, decision, score)
    return [] if w is None else [w]


def so_far_line(kitchen: Kitchen, ticks: list["ScoredTick"]) -> str:
    """The round's running comparison with the expert, said as "so far"."""
    total = sum(t.regret for t in ticks)
    if abs(total) < 0.05:
        return "So far this round you are level with the expert."
    side = "behind" if total > 0 else "ahead of"
    return f"So far this round: about {amount(total)} {_unit(kitchen, total)} {side} the expert."


def verdict_counts(ticks: list[ScoredTick]) -> dict[str, int]:
    counts = {v: 0 for v in VERDICTS}
    for t in ticks:
        counts[t.verdict] = counts.get(t.verdict, 0) + 1
    return counts


def costliest(ticks: list[ScoredTick], n: int = 3) -> list[ScoredTick]:
    """The n decisions that cost most against the expert (only those that cost anything)."""
    costly = [t for t in ticks if t.regret > 1e-9]
    return sorted(costly, key=lambda t: (-t.regret, t.tick))[:n]


def describe_decision(kitchen: Kitchen, decision: dict[int, int]) -> str:
    parts = [f"{kitchen.workers[w].name} → {kitchen.tasks[j].name} (order {kitchen.tasks[j].order + 1})"
             for w, j in sorted(_mapping(decision).items()) if j != IDLE]
    return ", ".join(parts) if parts else "everyone idle"
