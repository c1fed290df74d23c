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
