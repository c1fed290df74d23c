"""Imported rounds, stored all at once and each known by what it is.

A trace import stores a whole file's rounds in one transaction: a process
killed half-way (kill -9, a power cut) leaves nothing of that file, and
running the import again stores it whole. Storing the rounds one commit at a
time, as the app does for a round being played, would leave the first few
hundred of eight thousand and half of the next.

A round is known by its content hash: the person, the scenario's content, the
seed where the scenario is stochastic (elsewhere the seed changes nothing),
and every assignment as (tick, worker name, order, task name). Neither the
file's bytes nor the way a row names its worker (name or role), its column
order or its row order enter it, so the same rounds from another file are
found as the same. A person who really played the very same round twice has
it stored twice: the k-th copy's hash is the digest with "#k" added (k >= 1),
and `rounds.content_hash` is unique, so no copy is ever stored twice, even by
two imports at once.

Rounds stored before content hashes existed (earlier imports, rounds played in
the app) get theirs the next time a trace is imported (`hash_stored_rounds`),
once they are closed: an open round may still gain decisions.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import bindparam, delete, insert, select, update

from engine.app_version import installed_version
from engine.records.commits import commits
from engine.records.models import Decision, Person, Round, ScenarioFile, TrainingSession, utcnow
from engine.scenario import ScenarioError, parse_scenario

Assignment = tuple[int, str, int, str]  # (tick, worker name, order index, task name)
_CHUNK = 500  # ids per IN (...) query: well under every database's limit on bound parameters


def content_digest(person: str, scenario_hash: str, seed: int | None,
                   assignments: Iterable[Assignment]) -> str:
    """The hash of a round's first copy; `seed` None for a deterministic scenario."""
    canonical = json.dumps([person, scenario_hash, seed, sorted(assignments)],
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def copy_hash(digest: str, k: int) -> str:
    """The hash of the k-th copy (0-based) of a round with this digest."""
    return digest if k == 0 else hashlib.sha256(f"{digest}#{k}".encode()).hexdigest()


def assignments(decisions: Iterable[tuple[int, Sequence[dict]]]) -> list[Assignment]:
    """(tick, named pairs as the decisions table keeps them) -> assignments."""
    return [(int(t), str(p["worker"]), int(p["order"]), str(p["task"])) for t, pairs in decisions for p in pairs]


def stored_hashes(store, hashes: Iterable[str]) -> set[str]:
    """Those of `hashes` that some stored round has."""
    hashes = list(hashes)
    found: set[str] = set()
    with store.engine.connect() as c:
        for i in range(0, len(hashes), _CHUNK):
            found.update(c.scalars(select(Round.content_hash).where(
                Round.content_hash.in_(hashes[i:i + _CHUNK]))))
    return found


def copy_hashes(store, digests: Sequence[str]) -> list[str]:
    """A hash for each digest, in order: the i-th time a digest appears in
    `digests` it gets the copy after the stored ones and the earlier ones here."""
    stored = Counter()
    pending = set(digests)
    while pending:  # a round is rarely stored more than once, so this runs once or twice
        probe = {copy_hash(d, stored[d]): d for d in pending}
        found = stored_hashes(store, probe)
        for h, d in probe.items():
            if h in found:
                stored[d] += 1
            else:
                pending.discard(d)
    seen = Counter()
    out = []
    for d in digests:
        out.append(copy_hash(d, stored[d] + seen[d]))
        seen[d] += 1
    return out


def file_hashes(digests: Sequence[str]) -> list[str]:
    """The hash of each round of a file, by digest: the i-th copy of a round
    in the file is the i-th copy in the database, so a file imported again
    finds every one of its rounds, twice-played ones included."""
    seen = Counter()
    out = []
    for d in digests:
        out.append(copy_hash(d, seen[d]))
        seen[d] += 1
    return out


@commits  # as every Store write: a disk that refuses it is one line, and the log is checked after
def hash_stored_rounds(store) -> int:
    """Give every closed round without a content hash its hash; returns how many."""
    q = (select(Round.id, Person.name, Round.scenario_id, ScenarioFile.content_hash, Round.seed)
         .join(TrainingSession, Round.session_id == TrainingSession.id)
         .join(Person, TrainingSession.person_id == Person.id)
         .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
         .where(Round.content_hash.is_(None), Round.finished | Round.abandoned)
         .order_by(Round.id))
    with store.engine.connect() as c:
        rows = c.execute(q).all()
        if not rows:
            return 0
        stochastic = _stochastic(c, {r.scenario_id for r in rows})
        pairs: dict[int, list] = {r.id: [] for r in rows}
        ids = list(pairs)
        for i in range(0, len(ids), _CHUNK):
            for rid, tick, decision in c.execute(select(Decision.round_id, Decision.tick, Decision.decision)
                                                 .where(Decision.round_id.in_(ids[i:i + _CHUNK]))):
                pairs[rid].append((tick, decision or []))
    known = [r for r in rows if stochastic.get(r.scenario_id) is not None]
    digests = [content_digest(r.name, r.content_hash, r.seed if stochastic[r.scenario_id] else None,
                              assignments(pairs[r.id])) for r in known]
    hashes = copy_hashes(store, digests)
    with store.engine.begin() as c:
        # IS NULL: a round that another import hashed meanwhile keeps that hash
        c.execute(update(Round.__table__).where(Round.id == bindparam("rid"), Round.content_hash.is_(None))
                  .values(content_hash=bindparam("h")),
                  [{"rid": r.id, "h": h} for r, h in zip(known, hashes)])
    return len(known)


def _stochastic(c, scenario_ids: set[int]) -> dict[int, bool | None]:
    """Scenario id -> whether it is stochastic; None for a stored text this
    version of the app cannot read (its rounds cannot be replayed either, so
    they keep no hash rather than a wrong one)."""
    out: dict[int, bool | None] = {}
    for sid, key, text in c.execute(select(ScenarioFile.id, ScenarioFile.key, ScenarioFile.text)
                                    .where(ScenarioFile.id.in_(scenario_ids))):
        try:
            out[sid] = parse_scenario(text, key).stochastic
        except ScenarioError:
            out[sid] = None
    return out


@dataclass
class NewRound:
    """One round to store, worked out to the last column before the transaction opens."""
    person_id: int
    scenario_id: int
    seed: int
    expert_id: int | None
    content_hash: str
    decisions: list[dict]   # decisions-table rows without round_id
    finished: bool
    value: float
    turns: int
    served: int
    optimum: float | None


@commits
def store_rounds(store, rounds: Sequence[NewRound], condition: str, source_file: str, source_hash: str,
                 bar=None) -> tuple[list[int], int]:
    """Store every round in one transaction; returns (round ids, half-stored
    rounds removed). Rounds that an interrupted import of this same file left
    open, from before imports were one transaction, are removed in it too:
    their whole versions are among `rounds` or already stored. `bar`: a
    progress bar to advance once per round. Raises sqlalchemy's IntegrityError
    if another import stored one of these rounds meanwhile (nothing is stored)."""
    app_version = installed_version() or ""
    now = utcnow()
    ids = []
    # statements built once and given plain parameters: per-round .values(...)
    # costs more in SQLAlchemy's statement cache than the insert itself
    new_session, new_round = insert(TrainingSession.__table__), insert(Round.__table__)
    with store.engine.begin() as c:
        removed = c.execute(delete(Round.__table__).where(
            Round.imported.is_(True), Round.finished.is_(False), Round.abandoned.is_(False),
            Round.source_hash == source_hash)).rowcount
        sessions: dict[int, int] = {}
        decisions = []
        for r in rounds:
            if r.person_id not in sessions:
                sessions[r.person_id] = c.execute(new_session, dict(
                    person_id=r.person_id, condition=condition, app_version=app_version, started_at=now)
                ).inserted_primary_key[0]
            rid = c.execute(new_round, dict(
                session_id=sessions[r.person_id], scenario_id=r.scenario_id, seed=int(r.seed),
                expert_id=r.expert_id, policy="human", started_at=now, finished_at=now,
                finished=r.finished, abandoned=not r.finished, value=r.value, turns=r.turns,
                served=r.served, optimum=r.optimum, imported=True, source_file=source_file,
                source_hash=source_hash, content_hash=r.content_hash)).inserted_primary_key[0]
            decisions += [{**d, "round_id": rid} for d in r.decisions]
            ids.append(rid)
            if bar is not None:
                bar.update(1)
        for i in range(0, len(decisions), 5000):
            c.execute(insert(Decision.__table__), decisions[i:i + 5000])
    return ids, removed
