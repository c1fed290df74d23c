"""A trainee's own mistakes, queued for drills (a part of `Store`,
engine/records/store.py; tables `mistake_queue` and `drill_attempts`,
revision 0006).

Every decision of a round that the scorer called a mistake or a blunder
joins its trainee's queue once (`queue_mistakes`; the (round, tick) pair is
unique, so queuing twice, or from two seats at once, adds nothing). The
position itself is not copied: it is the round's state at that tick, folded
from the stored log (`Store.replay`). Each item carries the tip rule it
broke when the app could tell (`tag_mistake`).

The schedule is a Leitner box with SM-2's growth, as Anki's first versions
had it: an item is due from the moment it is queued; a right answer puts it
`FIRST_INTERVAL` out, and each right answer after that multiplies the
interval by `EASE`; a wrong answer makes it due again at once (interval 0),
so it stays in the queue until answered right. A few lines of arithmetic,
not worth a dependency; the schedule is one function, `next_review`.

A drill may also serve "fresh" positions: another round's mistake of the
same rule (any trainee's), so the pattern is drilled, not one puzzle. An
answer to a fresh position is recorded for the person answering and leaves
the owner's schedule alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine.records.commits import commits
from engine.records.database import StoreError
from engine.records.models import (Decision, DrillAttempt, MistakeItem, Person, Round, ScenarioFile,
                                   TrainingSession, utcnow)

QUEUED_VERDICTS = ("mistake", "blunder")
FIRST_INTERVAL = timedelta(days=1)
EASE = 2.5


def next_review(interval_hours: float, correct: bool, now: datetime) -> tuple[float, datetime]:
    """(new interval in hours, when the item is due next) after an answer."""
    if not correct:
        return 0.0, now
    first = FIRST_INTERVAL.total_seconds() / 3600
    hours = first if interval_hours < first else interval_hours * EASE
    return hours, now + timedelta(hours=hours)


@dataclass(frozen=True)
class MistakeRef:
    id: int
    person: str
    round_id: int
    tick: int
    verdict: str
    regret: float
    worker: str
    rule: str
    rule_text: str
    scenario: str            # scenario key
    scenario_name: str
    created_at: datetime
    due_at: datetime
    interval_hours: float
    streak: int
    reps: int
    lapses: int

    def due(self, now: datetime | None = None) -> bool:
        return self.due_at <= (now or utcnow())


@dataclass(frozen=True)
class DrillSummary:
    """One trainee's drills, for the desk and the report."""
    queued: int              # items in the queue
    due: int                 # of them due now
    learnt: int              # answered right at least twice in a row
    attempts: int            # answers given (own and fresh positions)
    correct: int
    last_at: datetime | None
    by_rule: list[tuple[str, int, int]]   # (rule text or "(no rule)", attempts, correct), most attempts first

    @property
    def rate(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    def words(self) -> str:
        """One sentence, as the desk and the report say it."""
        if not self.queued and not self.attempts:
            return "No mistakes queued for drills yet."
        rate = "" if self.rate is None else f" ({self.rate:.0%} right)"
        last = "" if self.last_at is None else f", last on {self.last_at:%d %b %H:%M}"
        return (f"{self.queued} mistake{'s' if self.queued != 1 else ''} queued, {self.due} due now, "
                f"{self.learnt} learnt (right twice in a row); {self.attempts} answer"
                f"{'s' if self.attempts != 1 else ''} given{rate}{last}.")


def _ref(item: MistakeItem, person: str, key: str, name: str) -> MistakeRef:
    return MistakeRef(item.id, person, item.round_id, item.tick, item.verdict, item.regret, item.worker,
                      item.rule, item.rule_text, key, name, item.created_at, item.due_at, item.interval_hours,
                      item.streak, item.reps, item.lapses)


def _pid(person) -> int:
    return person if isinstance(person, int) else person.id


class Drills:
    """Store methods about the mistake queue (mixed into Store: self.Session is its sessionmaker)."""

    def _items(self, *where, order=None, limit: int | None = None) -> list[MistakeRef]:
        q = (select(MistakeItem, Person.name, ScenarioFile.key, ScenarioFile.name)
             .join(Person, MistakeItem.person_id == Person.id)
             .join(Round, MistakeItem.round_id == Round.id)
             .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
             .where(*where).order_by(*(order or (MistakeItem.due_at, MistakeItem.id))))
        if limit is not None:
            q = q.limit(limit)
        with self.Session.begin() as s:
            return [_ref(i, p, k, n) for i, p, k, n in s.execute(q)]

    @commits
    def queue_mistakes(self, round_id: int, tags: Mapping[int, tuple[str, str, str]] | None = None) -> int:
        """Queue the round's mistakes and blunders not queued yet; `tags`: tick ->
        (worker name, rule key, rule text). Returns how many were added."""
        tags = dict(tags or {})
        with self.Session.begin() as s:
            person = s.scalar(select(TrainingSession.person_id).join(Round, Round.session_id == TrainingSession.id)
                              .where(Round.id == round_id))
            if person is None:
                raise StoreError(f"no round {round_id}")
            rows = s.execute(select(Decision.tick, Decision.verdict, Decision.regret)
                             .where(Decision.round_id == round_id, Decision.verdict.in_(QUEUED_VERDICTS))).all()
            have = set(s.scalars(select(MistakeItem.tick).where(MistakeItem.round_id == round_id)))
        added = 0
        for tick, verdict, regret in rows:
            if tick in have:
                continue
            worker, rule, text = tags.get(tick, ("", "", ""))
            now = utcnow()
            try:  # one transaction per row: another seat queuing the same round wins the race harmlessly
                with self.Session.begin() as s:
                    s.add(MistakeItem(person_id=person, round_id=round_id, tick=int(tick), verdict=verdict,
                                      regret=float(regret or 0.0), worker=worker, rule=rule, rule_text=text,
                                      created_at=now, due_at=now, interval_hours=0.0, streak=0, reps=0, lapses=0))
                added += 1
            except IntegrityError:
                continue
        return added

    @commits
    def tag_mistake(self, round_id: int, tick: int, worker: str, rule: str, rule_text: str) -> None:
        """The worker whose choice cost most and the tip rule the mistake broke."""
        with self.Session.begin() as s:
            item = s.scalar(select(MistakeItem).where(MistakeItem.round_id == round_id, MistakeItem.tick == int(tick)))
            if item is None:
                raise StoreError(f"round {round_id} has no queued mistake at tick {tick}")
            item.worker, item.rule, item.rule_text = worker, rule[:200], rule_text

    def mistake(self, round_id: int, tick: int) -> MistakeRef | None:
        items = self._items(MistakeItem.round_id == round_id, MistakeItem.tick == int(tick))
        return items[0] if items else None

    def mistakes(self, person, due_only: bool = False, now: datetime | None = None) -> list[MistakeRef]:
        """A trainee's queue, soonest due first."""
        where = [MistakeItem.person_id == _pid(person)]
        if due_only:
            where.append(MistakeItem.due_at <= (now or utcnow()))
        return self._items(*where)

    def due_mistakes(self, person, now: datetime | None = None) -> list[MistakeRef]:
        return self.mistakes(person, due_only=True, now=now)

    def fresh_positions(self, person, rule: str, limit: int = 3, exclude_round: int | None = None) -> list[MistakeRef]:
        """Other rounds' mistakes of the same rule, any trainee's, that are not
        already due in this trainee's own queue: newest first."""
        if not rule:
            return []
        where = [MistakeItem.rule == rule]
        if exclude_round is not None:
            where.append(MistakeItem.round_id != exclude_round)
        mine_due = (MistakeItem.person_id == _pid(person)) & (MistakeItem.due_at <= utcnow())
        where.append(~mine_due)
        return self._items(*where, order=(MistakeItem.created_at.desc(), MistakeItem.id.desc()), limit=limit)

    @commits
    def answer_mistake(self, item_id: int, person, correct: bool, regret: float | None = None,
                       now: datetime | None = None) -> MistakeRef:
        """Record an answer to a queued position and, when it is the answering
        trainee's own, move it on the schedule (`next_review`)."""
        now = now or utcnow()
        pid = _pid(person)
        with self.Session.begin() as s:
            item = s.scalar(select(MistakeItem).where(MistakeItem.id == item_id).with_for_update())
            if item is None:
                raise StoreError(f"no queued mistake {item_id}")
            own = item.person_id == pid
            s.add(DrillAttempt(item_id=item.id, person_id=pid, answered_at=now, correct=bool(correct),
                               regret=None if regret is None else float(regret), fresh=not own))
            if own:
                item.interval_hours, item.due_at = next_review(item.interval_hours, bool(correct), now)
                item.reps += 1
                item.streak = item.streak + 1 if correct else 0
                item.lapses += 0 if correct else 1
        return self._items(MistakeItem.id == item_id)[0]

    def drill_summary(self, person, now: datetime | None = None) -> DrillSummary:
        pid, now = _pid(person), now or utcnow()
        with self.Session.begin() as s:
            queued = s.scalar(select(func.count(MistakeItem.id)).where(MistakeItem.person_id == pid)) or 0
            due = s.scalar(select(func.count(MistakeItem.id)).where(MistakeItem.person_id == pid,
                                                                     MistakeItem.due_at <= now)) or 0
            learnt = s.scalar(select(func.count(MistakeItem.id)).where(MistakeItem.person_id == pid,
                                                                       MistakeItem.streak >= 2)) or 0
            rows = s.execute(select(MistakeItem.rule_text, DrillAttempt.correct, DrillAttempt.answered_at)
                             .join(MistakeItem, DrillAttempt.item_id == MistakeItem.id)
                             .where(DrillAttempt.person_id == pid)).all()
        per: dict[str, list[int]] = {}
        for text, ok, _ in rows:
            c = per.setdefault(text or "(no rule)", [0, 0])
            c[0] += 1
            c[1] += bool(ok)
        by_rule = sorted(((t, a, c) for t, (a, c) in per.items()), key=lambda r: (-r[1], r[0]))
        return DrillSummary(queued, due, learnt, len(rows), sum(bool(r[1]) for r in rows),
                            max((r[2] for r in rows), default=None), by_rule)

    def round_accuracies(self, person) -> dict[int, float | None]:
        """Each of a trainee's rounds' accuracy (engine/accuracy.py), by round id."""
        from engine.accuracy import half_regret
        from engine.scenario import parse_scenario

        with self.Session.begin() as s:
            rounds = s.execute(select(Round.id, ScenarioFile.key, ScenarioFile.text, ScenarioFile.id)
                               .join(TrainingSession, Round.session_id == TrainingSession.id)
                               .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
                               .where(TrainingSession.person_id == _pid(person))).all()
            regrets: dict[int, list[float | None]] = {}
            for rid, regret in s.execute(select(Decision.round_id, Decision.regret)
                                         .where(Decision.round_id.in_([r[0] for r in rounds]))):
                regrets.setdefault(rid, []).append(regret)
        from engine.accuracy import accuracy

        halves: dict[int, float] = {}
        out = {}
        for rid, key, text, sid in rounds:
            if sid not in halves:
                halves[sid] = half_regret(parse_scenario(text, key))
            out[rid] = accuracy(regrets.get(rid, []), halves[sid])
        return out
