"""Studies: a researcher's arms, pseudonymous participant codes, consent and
a fixed scenario sequence (a part of `Store`, engine/records/store.py).

A study is made once (`create_study`) with N codes. Each code's arm comes from
a seeded list of permuted blocks: every block holds each condition once in a
random order, so after any whole number of blocks the arms are exactly
balanced, and the same seed gives the same list. The codes themselves come
from `secrets`, not from the seed: knowing the seed (it is printed in the
paper) must not let anyone guess a code.

Nothing about a person is stored until they accept the consent text: then
`join_study` creates a trainee whose name is the code (a pseudonym), and
every round of that trainee is a round of the study. A participant's place
in the sequence is the number of rounds they finished: the next round is
`plan[finished]`, where the plan is the sequence followed by the post-test.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from engine.records.commits import commits
from engine.records.database import StoreError
from engine.records.models import Round, Study, StudyParticipant, TrainingSession, utcnow

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"   # no 0/O, 1/I/L, U: read aloud and typed without slips
CODE_LENGTH = 10                                    # 30**10, about 2**49 codes
NAME_LENGTH = Study.__table__.c.name.type.length
MAX_PARTICIPANTS = 10_000
STATUSES = ("not started", "started", "finished", "dropped")


@dataclass(frozen=True)
class StudyInfo:
    id: int
    name: str
    conditions: tuple[str, ...]
    sequence: tuple[str, ...]
    post_test: str | None
    consent: str
    seed: int
    created_at: datetime

    @property
    def plan(self) -> tuple[str, ...]:
        """Every round a participant plays, in order: the sequence, then the post-test."""
        return self.sequence + ((self.post_test,) if self.post_test else ())


@dataclass(frozen=True)
class Participant:
    id: int
    study: StudyInfo
    slot: int                     # place in the allocation list, from 0
    code: str
    condition: str
    person_id: int | None         # None until they consent
    joined_at: datetime | None
    dropped_at: datetime | None


@dataclass(frozen=True)
class Progress:
    """Where a participant stands, from their stored rounds."""
    participant: Participant
    finished: int                 # rounds of the plan finished
    abandoned: int                # rounds closed without being played out
    unfinished: int               # rounds open (resumable)
    last_activity: datetime | None

    @property
    def status(self) -> str:
        p = self.participant
        if p.person_id is None:
            return "not started"
        if self.finished >= len(p.study.plan):
            return "finished"
        return "dropped" if p.dropped_at is not None else "started"

    def next_round(self) -> tuple[str, bool] | None:
        """(scenario key, tips on) of the participant's next round; None when done."""
        plan = self.participant.study.plan
        if self.finished >= len(plan):
            return None
        post_test = self.finished >= len(self.participant.study.sequence)
        return plan[self.finished], not post_test


def allocation(conditions, n: int, seed: int) -> list[str]:
    """The arm of each of `n` places: seeded permuted blocks, each condition once per block."""
    rng = np.random.default_rng(seed)
    out: list[str] = []
    while len(out) < n:
        out += [conditions[i] for i in rng.permutation(len(conditions))]
    return out[:n]


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normal_code(text: str) -> str:
    """A code as typed (any case, spaces or dashes, O for 0...) in its stored form."""
    raw = re.sub(r"[\s\-_]", "", (text or "").upper())
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == CODE_LENGTH else raw


class Studies:
    """Store methods about studies (mixed into Store: self.Session is its sessionmaker)."""

    @commits
    def create_study(self, name: str, conditions, participants: int, seed: int, sequence=(),
                     post_test: str | None = None, consent: str = "") -> tuple[StudyInfo, list[Participant]]:
        """A new study and its codes; StoreError if the name is taken (by anyone, even
        another process a moment ago: the unique name decides)."""
        name = (name or "").strip()
        conditions, sequence = tuple(conditions), tuple(sequence)
        if not name or len(name) > NAME_LENGTH:
            raise StoreError(f"a study needs a name of 1 to {NAME_LENGTH} characters")
        if not conditions or len(set(conditions)) != len(conditions):
            raise StoreError("a study needs one or more different conditions")
        if not 1 <= participants <= MAX_PARTICIPANTS:
            raise StoreError(f"a study has 1 to {MAX_PARTICIPANTS} participants, not {participants}")
        if not sequence and not post_test:
            raise StoreError("a study needs a scenario sequence or a post-test to play")
        arms = allocation(conditions, participants, seed)
        for attempt in range(3):  # a clash of codes (about 1 in 2**40 per pair) is tried again
            try:
                with self.Session.begin() as s:
                    study = Study(name=name, conditions=list(conditions), sequence=list(sequence),
                                  post_test=post_test or None, consent=consent or "", seed=int(seed))
                    s.add(study)
                    s.flush()
                    rows = [StudyParticipant(study_id=study.id, slot=i, code=new_code(), condition=arm, step=0)
                            for i, arm in enumerate(arms)]
                    s.add_all(rows)
                    s.flush()
                    info = _study_info(study)
                    return info, [_participant(r, info) for r in rows]
            except IntegrityError:
                if self.study(name) is not None:
                    raise StoreError(f"a study named {name!r} already exists in {self.url}") from None
        raise StoreError("could not make unique participant codes; try again")

    def study(self, name: str) -> StudyInfo | None:
        with self.Session.begin() as s:
            row = s.scalar(select(Study).where(Study.name == (name or "").strip()))
            return _study_info(row) if row is not None else None

    def studies(self) -> list[StudyInfo]:
        with self.Session.begin() as s:
            return [_study_info(r) for r in s.scalars(select(Study).order_by(Study.id))]

    def participants(self, study: StudyInfo) -> list[Participant]:
        with self.Session.begin() as s:
            rows = s.scalars(select(StudyParticipant).where(StudyParticipant.study_id == study.id)
                             .order_by(StudyParticipant.slot))
            return [_participant(r, study) for r in rows]

    def participant(self, code: str) -> Participant | None:
        """The participant with this code (as typed), or None. Nothing is written."""
        with self.Session.begin() as s:
            row = s.scalar(select(StudyParticipant).where(StudyParticipant.code == normal_code(code)))
            if row is None:
                return None
            return _participant(row, _study_info(s.get(Study, row.study_id)))

    def study_participant_of(self, person) -> Participant | None:
        """The study place of a trainee who joined one (their name is their code)."""
        pid = person if isinstance(person, int) else person.id
        with self.Session.begin() as s:
            row = s.scalar(select(StudyParticipant).where(StudyParticipant.person_id == pid))
            return _participant(row, _study_info(s.get(Study, row.study_id))) if row is not None else None

    @commits
    def join_study(self, code: str) -> Participant:
        """The participant consented: their trainee (named by the code) is made
        and tied to the code. Joining again, on this seat or another, is
        carrying on, not a new person. Call only after consent."""
        found = self.participant(code)
        if found is None:
            raise StoreError("no study has this code: check it with the researcher")
        if found.dropped_at is not None:
            raise StoreError("this code left the study: ask the researcher for a new one")
        person = self.person(found.code)
        with self.Session.begin() as s:
            s.execute(update(StudyParticipant)
                      .where(StudyParticipant.id == found.id, StudyParticipant.person_id.is_(None))
                      .values(person_id=person.id, joined_at=utcnow()))
        joined = self.participant(found.code)
        if joined.person_id != person.id:
            raise StoreError("this code is already in use by someone else")
        return joined

    @commits
    def study_session(self, participant: Participant):
        """A new sitting of a participant, under their locked condition."""
        if participant.person_id is None:
            raise StoreError("this participant has not consented yet")
        return self.start_session(participant.person_id, participant.condition)

    @commits
    def drop_out(self, participant: Participant) -> None:
        """The participant left the study before its end (their rounds are kept)."""
        with self.Session.begin() as s:
            s.execute(update(StudyParticipant).where(StudyParticipant.id == participant.id,
                                                     StudyParticipant.dropped_at.is_(None))
                      .values(dropped_at=utcnow()))

    def progress(self, participant: Participant) -> Progress:
        return self.study_progress(participant.study, [participant])[0]

    def study_progress(self, study: StudyInfo, participants: list[Participant] | None = None) -> list[Progress]:
        """Every participant's progress (one query for the rounds of all)."""
        participants = self.participants(study) if participants is None else participants
        ids = [p.person_id for p in participants if p.person_id is not None]
        counts: dict[int, list] = {}
        if ids:
            q = (select(TrainingSession.person_id, Round.finished, Round.abandoned, func.count(Round.id),
                        func.max(func.coalesce(Round.finished_at, Round.started_at)))
                 .join(Round, Round.session_id == TrainingSession.id)
                 .where(TrainingSession.person_id.in_(ids))
                 .group_by(TrainingSession.person_id, Round.finished, Round.abandoned))
            with self.Session.begin() as s:
                for pid, finished, abandoned, n, last in s.execute(q):
                    c = counts.setdefault(pid, [0, 0, 0, None])
                    c[0 if finished else 1 if abandoned else 2] += n
                    c[3] = last if c[3] is None or (last is not None and last > c[3]) else c[3]
        out = []
        for p in participants:
            f, a, u, last = counts.get(p.person_id, [0, 0, 0, None])
            out.append(Progress(p, min(f, len(study.plan)), a, u, last or p.joined_at))
        return out

    @commits
    def note_progress(self, participant: Participant) -> Progress:
        """Keep the participant's place in the sequence (and when they finished)
        on their row, for readers that do not count rounds; the app calls it
        after each round."""
        pr = self.progress(participant)
        with self.Session.begin() as s:
            row = s.get(StudyParticipant, participant.id)
            row.step = pr.finished
            if pr.status == "finished" and row.finished_at is None:
                row.finished_at = utcnow()
        return pr

    def conditions_by_person(self) -> dict[int, str]:
        """person id -> their condition, as the desk and reports show it: a study
        participant's arm, else the condition of their latest sitting."""
        with self.Session.begin() as s:
            out = {pid: cond for pid, cond in s.execute(
                select(TrainingSession.person_id, TrainingSession.condition)
                .order_by(TrainingSession.started_at, TrainingSession.id))}
            out.update(s.execute(select(StudyParticipant.person_id, StudyParticipant.condition)
                                 .where(StudyParticipant.person_id.is_not(None))).all())
        return out

    def study_codes(self) -> set[str]:
        """The codes of everyone who joined a study (their trainees are named by them)."""
        with self.Session.begin() as s:
            return set(s.scalars(select(StudyParticipant.code).where(StudyParticipant.person_id.is_not(None))))


def _study_info(r: Study) -> StudyInfo:
    return StudyInfo(r.id, r.name, tuple(r.conditions or ()), tuple(r.sequence or ()), r.post_test,
                     r.consent or "", r.seed, r.created_at)


def _participant(r: StudyParticipant, study: StudyInfo) -> Participant:
    return Participant(r.id, study, r.slot, r.code, r.condition, r.person_id, r.joined_at, r.dropped_at)

