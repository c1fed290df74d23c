"""The tables of the records database (SQLAlchemy 2.0, typed `Mapped[...]`).

A round is kept as an append-only log: the scenario's text, the seed and one
row per decided tick. Everything else (states, the replay, outcomes) is derived
by folding the log through `Kitchen.step`, so a round stays replayable even if
the engine's scoring changes later. Decisions are stored with names (worker
name, order index, task name), not only indices, so an export reads on its own
and a stored round survives a reordering of a scenario's workers.

Changing a table here needs a new Alembic revision in `migrations/versions/`.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

TRAINEE = "trainee"
SUPERVISOR = "supervisor"
ROLES = (TRAINEE, SUPERVISOR)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20), default=TRAINEE)
    # "scrypt$n$r$p$salt_hex$hash_hex"; None for trainees, who need no password
    password_hash: Mapped[Optional[str]] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list["TrainingSession"]] = relationship(back_populates="person")


class ScenarioFile(Base):
    """A scenario exactly as it was played: the text, so replays never depend on
    a file that may since have been edited."""
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))        # bundled name or file stem
    name: Mapped[str] = mapped_column(String(200))       # the name shown to people
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)


class ExpertFile(Base):
    __tablename__ = "experts"
    __table_args__ = (UniqueConstraint("scenario_id", "file_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    file_hash: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TrainingSession(Base):
    """One sitting of one person (the app opened, a block of rounds played)."""
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    condition: Mapped[str] = mapped_column(String(100), default="")  # experiment arm, e.g. "tips"
    app_version: Mapped[str] = mapped_column(String(50), default="")

    person: Mapped[Person] = relationship(back_populates="sessions")
    rounds: Mapped[list["Round"]] = relationship(back_populates="session")


class Round(Base):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    seed: Mapped[int]
    expert_id: Mapped[Optional[int]] = mapped_column(ForeignKey("experts.id"))
    policy: Mapped[str] = mapped_column(String(50), default="human")  # who decided: human or a policy name
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[Optional[datetime]]
    finished: Mapped[bool] = mapped_column(default=False)
    # closed without being played out (e.g. after a crash the trainee chose not to resume)
    abandoned: Mapped[bool] = mapped_column(default=False)
    value: Mapped[Optional[float]]      # outcome in the scenario's own units
    turns: Mapped[Optional[int]]
    served: Mapped[Optional[int]]
    optimum: Mapped[Optional[float]]    # proven optimum where known
    imported: Mapped[bool] = mapped_column(default=False)
    source_file: Mapped[Optional[str]] = mapped_column(String(500))
    source_hash: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    # what the round is (person, scenario, decisions), whatever file it came from:
    # a round is never stored twice (engine/records/imports.py); None until known
    content_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True)

    session: Mapped[TrainingSession] = relationship(back_populates="rounds")
    scenario: Mapped[ScenarioFile] = relationship()
    expert: Mapped[Optional[ExpertFile]] = relationship()
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="round", order_by="Decision.tick", cascade="all, delete-orphan")
    tips: Mapped[list["TipShown"]] = relationship(
        back_populates="round", order_by="TipShown.id", cascade="all, delete-orphan")


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("round_id", "tick"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    tick: Mapped[int]
    # [{"worker": "Carol", "order": 0, "task": "chop"}, ...]; idle workers are not listed
    decision: Mapped[list[Any]]
    expert_decision: Mapped[Optional[list[Any]]] = mapped_column(JSON)
    regret: Mapped[Optional[float]]
    per_worker: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)  # worker name -> regret
    verdict: Mapped[Optional[str]] = mapped_column(String(20))
    score: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)        # MoveScore.to_dict(), whole
    think_seconds: Mapped[Optional[float]]
    wall_time: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(back_populates="decisions")


class TipShown(Base):
    __tablename__ = "tips_shown"
    __table_args__ = (Index("ix_tips_shown_round_tick", "round_id", "tick"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    tick: Mapped[int]
    rule: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    shown_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(back_populates="tips")


class TipAdherence(Base):
    """Per decision and shown tip whose condition held for a worker: whether
    that worker's choice followed it. Derived from the stored decisions and
    tips by tips/adherence.py (which knows what a tip's condition and action
    are); kept here so the desk reads it without re-deciding it."""
    __tablename__ = "tip_adherence"
    __table_args__ = (Index("ix_tip_adherence_round_rule", "round_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    tick: Mapped[int]
    rule: Mapped[str] = mapped_column(String(200))
    worker: Mapped[str] = mapped_column(String(200))
    followed: Mapped[bool] = mapped_column(Boolean)


class Study(Base):
    """A researcher's study (engine/records/studies.py): its arms, the scenario
    sequence every participant plays, an optional post-test round without tips,
    and the consent text shown before anything is stored."""
    __tablename__ = "studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    conditions: Mapped[list[Any]]
    sequence: Mapped[list[Any]]
    post_test: Mapped[Optional[str]] = mapped_column(String(200))
    consent: Mapped[str] = mapped_column(Text, default="")
    seed: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StudyParticipant(Base):
    """One pseudonymous code of a study and the arm the seeded allocation gave
    it. `person_id` stays empty until someone joins with the code and consents;
    `step` counts the rounds of the sequence (then the post-test) closed."""
    __tablename__ = "study_participants"
    __table_args__ = (UniqueConstraint("study_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int]                                    # place in the allocation list
    code: Mapped[str] = mapped_column(String(40), unique=True)
    condition: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[Optional[int]] = mapped_column(ForeignKey("people.id"), unique=True)
    joined_at: Mapped[Optional[datetime]]
    step: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[Optional[datetime]]
    dropped_at: Mapped[Optional[datetime]]


class FixedTip(Base):
    """A supervisor's text for one field of the "fixed" condition of one
    scenario (by content hash); a field with no row shows the handcrafted tip."""
    __tablename__ = "fixed_tips"
    __table_args__ = (UniqueConstraint("scenario_hash", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_hash: Mapped[str] = mapped_column(String(64))
    scenario_key: Mapped[str] = mapped_column(String(200), default="")
    slot: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200), default="")
    written_at: Mapped[datetime] = mapped_column(default=utcnow)


class MistakeItem(Base):
    """One of a trainee's own mistakes or blunders, queued for drills
    (engine/records/drills.py): the position is (round, tick), folded from the
    round's log; `rule` is the tip rule it broke (tips' rule key, "" when no
    rule list was at hand). `due_at` and `interval_hours` are the spaced-
    repetition schedule."""
    __tablename__ = "mistake_queue"
    __table_args__ = (UniqueConstraint("round_id", "tick"), Index("ix_mistake_queue_person_due", "person_id", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    tick: Mapped[int]
    verdict: Mapped[str] = mapped_column(String(20))
    regret: Mapped[float]
    worker: Mapped[str] = mapped_column(String(200), default="")
    rule: Mapped[str] = mapped_column(String(200), default="")
    rule_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    interval_hours: Mapped[float] = mapped_column(default=0.0)
    streak: Mapped[int] = mapped_column(default=0)      # right answers in a row
    reps: Mapped[int] = mapped_column(default=0)        # answers given
    lapses: Mapped[int] = mapped_column(default=0)      # wrong answers given


class DrillAttempt(Base):
    """One answer in a retry or a drill: the position, whether it was within
    the "good" line of the best, and its regret."""
    __tablename__ = "drill_attempts"
    __table_args__ = (Index("ix_drill_attempts_person_at", "person_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("mistake_queue.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    correct: Mapped[bool] = mapped_column(Boolean)
    regret: Mapped[Optional[float]]
    fresh: Mapped[bool] = mapped_column(Boolean, default=False)  # another round's position of the same rule
