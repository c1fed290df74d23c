"""The records API that the app, the supervisor desk and the commands use.

`open_store(url)` gives a `Store`. Every method is one unit of work in its own
transaction (`with Session.begin()`, or a Core `engine.begin()` on the per-tick
write path) and returns plain frozen objects, never ORM rows, so
callers hold nothing tied to a database session or a thread. A decision is
committed when `record_decision` returns: a crash loses at most the tick being
played. The engine thread never calls this; the GUI thread stores what the
engine returned.
"""
from __future__ import annotations

import sys
import threading
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Mapping

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import sessionmaker

from engine.app_version import installed_version
from engine.records import replay as rp
from engine.records.commits import commits
from engine.records.database import StoreError, connect, reopen, sqlite_file
from engine.records.models import (Decision, ExpertFile, Person, Round, ScenarioFile, TipAdherence, TipShown,
                                   TrainingSession, utcnow)
from engine.records.drills import Drills
from engine.records.fixed_tips import FixedTips
from engine.records.people import People
from engine.records.studies import Studies
from engine.records.report_queries import ReportQueries
from engine.records.unique_rows import get_or_create
from engine.records.views import DecisionInfo, PersonRef, RoundInfo, RoundRecord, SessionRef, TipInfo
from engine.records.wal_watch import WalWatch, save_log
from engine.scenario import Scenario
from engine.simulator import Kitchen, State

__all__ = ["open_store", "Store", "StoreError", "PersonRef", "SessionRef", "RoundInfo",
           "DecisionInfo", "TipInfo", "RoundRecord"]


def open_store(url: str | None = None, *, upgrade: bool = True, create: bool = True) -> "Store":
    """Open (creating or upgrading) the records database. `url`: any SQLAlchemy
    URL; default KITCHEN_COACH_DB, else a SQLite file in the user data folder.
    Raises StoreError, with the file left untouched, for a file that is not a
    Kitchen Coach database, is corrupt, or was written by a newer app.
    `create=False`: a SQLite file that does not exist is an error, not a new database."""
    return Store(connect(url, upgrade=upgrade, create=create))


SCENARIO_NAME_LENGTH = ScenarioFile.__table__.c.name.type.length


def _id(x) -> int:
    return x if isinstance(x, int) else x.id


class Store(People, Drills, ReportQueries, Studies, FixedTips):
    def __init__(self, engine: Engine):
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        self.Session = sessionmaker(engine, expire_on_commit=False)
        self._kitchens: dict[int, Kitchen] = {}
        self._lock = threading.Lock()
        path = sqlite_file(engine)
        self._wal = WalWatch(path) if path is not None else None
        self._reopening = threading.Lock()
        # one line for the person at the keyboard; the app shows it, commands print it
        self.on_notice: Callable[[str], None] | None = None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def holds(self, path) -> bool:
        """Whether `path` is this database's file or one of its side files:
        never a place to write an export or a report."""
        from pathlib import Path

        from engine.records.database import sqlite_file

        db = sqlite_file(self.engine)
        return db is not None and Path(path).resolve() in (db, Path(f"{db}-wal"), Path(f"{db}-shm"))

    def check_log(self) -> None:
        """If another process deleted the write-ahead log this store commits
        into (wal_watch.py), copy what it holds into the database file and
        reopen on fresh side files, then say so once. Runs after every commit;
        the app also calls it while idle."""
        if self._wal is None or not self._wal.lost():
            return
        with self._reopening:
            if not self._wal.lost():
                return
            old = self.engine
            with old.connect() as c:
                save_log(c)
            # every connection on the deleted files closes before one opens on the
            # new: SQLite shares one -shm mapping among a process's connections
            old.dispose()
            self.engine = reopen(old)
            self.Session = sessionmaker(self.engine, expire_on_commit=False)
        message = (f"another program deleted the log of {self._wal.database} while this app was writing to it; "
                   "everything saved was copied into the database, which was reopened")
        if self.on_notice is not None:
            self.on_notice(message)
        else:
            print(f"kitchen-coach: {message}", file=sys.stderr)

    # -- scenarios and experts --------------------------------------------------
    @commits
    def scenario_id(self, scenario: Scenario) -> int:
        for what, text in (("name", scenario.name), ("file name", scenario.key)):
            if len(text) > SCENARIO_NAME_LENGTH:
                raise StoreError(f"a scenario's {what} can have at most {SCENARIO_NAME_LENGTH} characters "
                                 f"to be stored; this one has {len(text)}")
        return get_or_create(self.Session, ScenarioFile, dict(content_hash=scenario.content_hash),
                             dict(key=scenario.key, name=scenario.name, text=scenario.text)).id

    @commits
    def expert(self, scenario: Scenario, file_hash: str, metrics: Mapping | None = None) -> int:
        """Get or create the expert row for a policy file (by its hash); returns its id."""
        sid = self.scenario_id(scenario)
        row = get_or_create(self.Session, ExpertFile, dict(scenario_id=sid, file_hash=file_hash),
                            dict(metrics=dict(metrics or {})))
        if metrics and row.metrics != dict(metrics):
            with self.Session.begin() as s:
                s.get(ExpertFile, row.id).metrics = dict(metrics)
        return row.id

    # -- sessions and rounds ------------------------------------------------------
    @commits
    def start_session(self, person, condition: str = "", app_version: str | None = None,
                      started_at: datetime | None = None) -> SessionRef:
        if app_version is None:
            app_version = installed_version() or ""
        with self.Session.begin() as s:
            row = TrainingSession(person_id=_id(person), condition=condition or "", app_version=app_version,
                                  started_at=started_at or utcnow())
            s.add(row)
            s.flush()
            return SessionRef(row.id, row.person_id, row.started_at, row.condition, row.app_version)

    @commits
    def start_round(self, session, scenario: Scenario, seed: int, expert: int | None = None,
                    policy: str = "human", *, imported: bool = False, source_file: str | None = None,
                    source_hash: str | None = None, started_at: datetime | None = None) -> int:
        """A new round; returns its id. `expert`: an id from `store.expert(...)` or None.
        `started_at` (UTC) for rounds imported from a trace with their own times."""
        scenario_id = self.scenario_id(scenario)
        with self.Session.begin() as s:
            row = Round(session_id=_id(session), scenario_id=scenario_id,
                        seed=int(seed), expert_id=expert, policy=policy, imported=imported,
                        source_file=source_file, source_hash=source_hash, started_at=started_at or utcnow())
            s.add(row)
            s.flush()
            rid = row.id
        with self._lock:
            self._kitchens[rid] = Kitchen(scenario, int(seed))
        return rid

    def kitchen(self, round_id: int) -> Kitchen:
        """The round made concrete again from its stored scenario text and seed."""
        with self._lock:
            k = self._kitchens.get(round_id)
        if k is None:
            with self.Session.begin() as s:
                r = s.get(Round, round_id)
                if r is None:
                    raise StoreError(f"no round {round_id}")
                k = rp.kitchen_for(r.scenario.key, r.scenario.text, r.seed)
            with self._lock:
                self._kitchens[round_id] = k
        return k

    @commits
    def record_decision(self, round_id: int, tick: int, decision: Mapping[int, int] | None,
                        score: Any = None, think_seconds: float | None = None,
                        tips: Iterable = (), wall_time: datetime | None = None) -> None:
        """Store one tick's decision, committed before returning.

        `score`: a `MoveScore`, its `to_dict()`, or None (unscored). `tips`: tips
        shown during this tick, as (rule, text) pairs or {"rule", "text"} dicts.
        """
        k = self.kitchen(round_id)
        row = dict(round_id=round_id, tick=int(tick), decision=rp.encode(k, decision),
                   think_seconds=None if think_seconds is None else float(think_seconds),
                   wall_time=wall_time or utcnow(), **self._score_columns(k, score))
        tip_rows = [dict(round_id=round_id, tick=int(tick), rule=r, text=t, shown_at=utcnow())
                    for r, t in _tip_pairs(tips)]
        # Core inserts on a connection: this runs once per tick on the GUI thread,
        # and the ORM's unit of work costs more than the write itself
        with self.engine.begin() as c:
            c.execute(insert(Decision.__table__), row)
            if tip_rows:
                c.execute(insert(TipShown.__table__), tip_rows)

    @commits
    def set_score(self, round_id: int, tick: int, score: Any) -> None:
        """Attach a score that arrived after its decision was stored (the engine
        thread scores while the round goes on)."""
        k = self.kitchen(round_id)
        with self.engine.begin() as c:
            done = c.execute(update(Decision.__table__)
                             .where(Decision.round_id == round_id, Decision.tick == int(tick))
                             .values(**self._score_columns(k, score)))
            if done.rowcount != 1:
                raise StoreError(f"round {round_id} has no decision at tick {tick} to score")

    @staticmethod
    def _score_columns(k: Kitchen, score: Any) -> dict:
        sd = score.to_dict() if hasattr(score, "to_dict") else (dict(score) if score is not None else None)
        if sd is None:
            return dict(score=None, expert_decision=None, regret=None, per_worker=None, verdict=None)
        return dict(score=_jsonable(sd), expert_decision=rp.encode_score_decision(k, sd.get("expert_decision")),
                    regret=None if sd.get("regret") is None else float(sd["regret"]),
                    per_worker=rp.per_worker_names(k, sd.get("per_worker")), verdict=sd.get("verdict"))

    @commits
    def record_tip(self, round_id: int, tick: int, rule: str, text: str) -> None:
        with self.Session.begin() as s:
            s.add(TipShown(round_id=round_id, tick=int(tick), rule=rule, text=text))

    def record_adherence(self, round_id: int, rows: Iterable[tuple[int, str, str, bool]]) -> None:
        """A round's adherence rows, (tick, tip key, worker name, followed), in
        place of any kept before (they are derived, so writing twice is harmless)."""
        with self.Session.begin() as s:
            s.execute(delete(TipAdherence).where(TipAdherence.round_id == round_id))
            s.add_all(TipAdherence(round_id=round_id, tick=int(t), rule=r, worker=w, followed=bool(f))
                      for t, r, w, f in rows)

    def adherence(self, round_id: int) -> list[tuple[int, str, str, bool]] | None:
        """The stored rows of `record_adherence`, in order; None when none were kept."""
        with self.Session() as s:
            rows = s.execute(select(TipAdherence).where(TipAdherence.round_id == round_id)
                             .order_by(TipAdherence.id)).scalars().all()
            return [(a.tick, a.rule, a.worker, a.followed) for a in rows] or None

    def finish_round(self, round_id: int, optimum: float | None = None) -> RoundInfo:
        """Mark the round finished; its outcome comes from replaying the stored log."""
        return self._close(round_id, optimum, finished=True)

    def close_round(self, round_id: int) -> RoundInfo:
        """Close an unfinished round without playing it out (outcome so far kept)."""
        return self._close(round_id, None, finished=False)

    @commits
    def _close(self, round_id: int, optimum, finished: bool) -> RoundInfo:
        k = self.kitchen(round_id)
        states = rp.fold(k, self._decisions_by_tick(round_id), play_out=finished)
        last = states[-1]
        with self.Session.begin() as s:
            r = s.get(Round, round_id)
            r.finished, r.abandoned, r.finished_at = finished, not finished, utcnow()
            r.value, r.turns, r.served = k.value(last), k.turns(last), k.served_count(last)
            if optimum is not None:
                r.optimum = float(optimum)
        return self.round_info(round_id)

    def resume(self, round_id: int) -> tuple[Kitchen, State]:
        """An unfinished round's kitchen and the state to carry on from."""
        k = self.kitchen(round_id)
        return k, rp.fold(k, self._decisions_by_tick(round_id))[-1]

    def replay(self, round_id: int) -> list[State]:
        """states[i] = the state at the start of tick i, up to the round's end
        (finished rounds) or the state to resume from (unfinished ones)."""
        with self.Session.begin() as s:
            finished = s.scalar(select(Round.finished).where(Round.id == round_id))
        k = self.kitchen(round_id)
        return rp.fold(k, self._decisions_by_tick(round_id), play_out=bool(finished))

    def _decisions_by_tick(self, round_id: int) -> dict[int, dict[int, int]]:
        k = self.kitchen(round_id)
        with self.Session.begin() as s:
            rows = s.execute(select(Decision.tick, Decision.decision).where(Decision.round_id == round_id))
            return {t: rp.decode(k, d) for t, d in rows}

    # -- reading -------------------------------------------------------------------
    def round_info(self, round_id: int) -> RoundInfo:
        infos = self._round_infos(Round.id == round_id)
        if not infos:
            raise StoreError(f"no round {round_id}")
        return infos[0]

    def unfinished_rounds(self, person) -> list[RoundInfo]:
        return self._round_infos(TrainingSession.person_id == _id(person), Round.finished.is_(False),
                                 Round.abandoned.is_(False))

    def history(self, person) -> list[RoundInfo]:
        """Every round of one person, oldest first."""
        return self._round_infos(TrainingSession.person_id == _id(person))

    def find_import(self, source_hash: str) -> int | None:
        """The round already imported from a trace file with this hash, if any."""
        with self.Session.begin() as s:
            return s.scalar(select(Round.id).where(Round.imported.is_(True), Round.source_hash == source_hash))

    def _round_infos(self, *where) -> list[RoundInfo]:
        # correlated per round, so each uses the (round_id, tick) index instead of
        # aggregating the whole decisions table
        n = select(func.count(Decision.id)).where(Decision.round_id == Round.id).scalar_subquery()
        regret = select(func.sum(Decision.regret)).where(Decision.round_id == Round.id).scalar_subquery()
        q = (select(Round, Person.name, ScenarioFile.key, ScenarioFile.name, n, regret)
             .join(TrainingSession, Round.session_id == TrainingSession.id)
             .join(Person, TrainingSession.person_id == Person.id)
             .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
             .where(*where).order_by(Round.started_at, Round.id))
        with self.Session.begin() as s:
            return [RoundInfo(r.id, r.session_id, pname, skey, sname, r.seed, r.policy, r.started_at,
                              r.finished, r.abandoned, r.value, r.turns, r.served, r.optimum, r.imported,
                              n or 0, None if regret is None else float(regret))
                    for r, pname, skey, sname, n, regret in s.execute(q)]

    def load_round(self, round_id: int) -> RoundRecord:
        info = self.round_info(round_id)
        k = self.kitchen(round_id)
        with self.Session.begin() as s:
            r = s.get(Round, round_id)
            decisions = [DecisionInfo(d.tick, rp.decode(k, d.decision), d.decision, d.expert_decision,
                                      d.regret, d.per_worker, d.verdict, d.score, d.think_seconds, d.wall_time)
                         for d in s.scalars(select(Decision).where(Decision.round_id == round_id)
                                            .order_by(Decision.tick))]
            tips = [TipInfo(t.tick, t.rule, t.text)
                    for t in s.scalars(select(TipShown).where(TipShown.round_id == round_id).order_by(TipShown.id))]
            return RoundRecord(info, r.scenario.text, decisions, tips, r.expert.file_hash if r.expert else None)

    def export_rows(self, trainee: str | None = None) -> Iterator[dict]:
        from engine.records.export import export_rows
        return export_rows(self, trainee)


def _tip_pairs(tips: Iterable) -> Iterator[tuple[str, str]]:
    for t in tips or ():
        if isinstance(t, Mapping):
            yield str(t["rule"]), str(t["text"])
        elif hasattr(t, "rule"):
            yield str(t.rule), str(getattr(t, "text", ""))
        else:
            rule, text = t
            yield str(rule), str(text)


def _jsonable(x):
    """MoveScore dicts may carry numpy numbers or int keys; JSON columns need plain data."""
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item") and callable(x.item):
        return x.item()
    return x
