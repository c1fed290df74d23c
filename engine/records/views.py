"""What the store hands out: frozen plain objects, never ORM rows, so callers
hold nothing tied to a database session or a thread."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str
    role: str
    has_password: bool = False


@dataclass(frozen=True)
class SessionRef:
    id: int
    person_id: int
    started_at: datetime
    condition: str
    app_version: str


@dataclass(frozen=True)
class RoundInfo:
    id: int
    session_id: int
    person: str
    scenario: str            # scenario key (burger)
    scenario_name: str
    seed: int
    policy: str
    started_at: datetime
    finished: bool
    abandoned: bool
    value: float | None
    turns: int | None
    served: int | None
    optimum: float | None
    imported: bool
    decisions: int           # stored decided ticks
    total_regret: float | None


@dataclass(frozen=True)
class DecisionInfo:
    tick: int
    decision: dict[int, int]           # engine form, ready for Kitchen.step
    named: list[dict]                  # stored form: [{"worker", "order", "task"}]
    expert_decision: list[dict] | None
    regret: float | None
    per_worker: dict[str, float] | None
    verdict: str | None
    score: dict | None
    think_seconds: float | None
    wall_time: datetime


@dataclass(frozen=True)
class TipInfo:
    tick: int
    rule: str
    text: str


@dataclass(frozen=True)
class RoundRecord:
    info: RoundInfo
    scenario_text: str
    decisions: list[DecisionInfo]
    tips: list[TipInfo] = field(default_factory=list)
    expert_hash: str | None = None


# -- what reports and the supervisor's desk read (engine/records/report_queries.py) --
FINISHED, UNFINISHED, ABANDONED, CUT = "finished", "unfinished", "abandoned", "cut"
ROUND_KINDS = (FINISHED, UNFINISHED, ABANDONED, CUT)


def round_kind(info: RoundInfo) -> str:
    """finished; unfinished (open, can be resumed); abandoned (closed without
    being played out); cut (imported from a trace whose log ends early)."""
    if info.finished:
        return FINISHED
    if info.imported:
        return CUT
    return ABANDONED if info.abandoned else UNFINISHED


@dataclass(frozen=True)
class TraineeRef:
    id: int
    name: str
    condition: str           # of their latest session ("" when never set)


@dataclass(frozen=True)
class RoundFigures:
    """A round with the figures reports count, from aggregate queries."""
    info: RoundInfo
    condition: str           # the condition of the session it was played in
    unit: str                # "turns" or "points"
    scored: int              # decided ticks with a verdict
    suboptimal: int          # scored ticks whose verdict is neither best nor good
    tips: int                # tips shown
    scenario_hash: str
    expert_hash: str | None

    @property
    def kind(self) -> str:
        return round_kind(self.info)


@dataclass(frozen=True)
class DecisionRow:
    """A decision as stored (named pairs), for counting mistakes."""
    round_id: int
    tick: int
    verdict: str | None
    regret: float | None
    decision: list
    expert_decision: list | None
    per_worker: dict | None
