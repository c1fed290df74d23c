"""Trace import: a validated trace file stored exactly as the app stores the
rounds a person played (a session, the round, every decided tick scored by
the move scorer, the outcome), marked imported with the file's name and hash.

Nothing is stored until the whole file has been replayed and scored: a file
with a bad row stores nothing unless `skip_bad`, and then only its good
rounds. The rounds are then stored in one transaction (records/imports.py):
an import killed at any point stores nothing, and running it again stores it
all. A round that is already in the database (the same person, scenario and
decisions, from this file or any other) is never stored again: importing a
file whose rounds are all there is refused, and one with some new rounds
stores only those.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from engine.records import replay as rp
from engine.scenario import Scenario
from engine.traces.format import Problem, read_trace, shown
from engine.progress import progress_bar
from engine.traces.replay import ReplayedRound, ScenarioResolver, replay_file

IMPORTED_CONDITION = "imported"


class ImportRefused(ValueError):
    """The file was not imported; `problems` lists its bad rows (may be empty).
    `quoted`: the message already quotes them (one bad row is quoted whole);
    otherwise a command adds the first few (commands.bad_rows)."""

    def __init__(self, message: str, problems: list[Problem] = (), quoted: bool = False):
        super().__init__(message)
        self.problems = list(problems)
        self.quoted = quoted or not self.problems


@dataclass
class ImportResult:
    file: str
    sha256: str
    rows: int
    rounds: list[tuple[str, int, int]] = field(default_factory=list)  # (person, round, stored round id)
    unfinished: int = 0
    past_horizon: list[tuple[str, int]] = field(default_factory=list)  # unfinished: ran past the horizon
    decisions: int = 0
    scored: int = 0
    skipped: list[tuple[str, int]] = field(default_factory=list)      # rounds left out by --skip-bad
    already: list[tuple[str, int]] = field(default_factory=list)      # rounds the database has already
    removed: int = 0  # half-stored rounds that an interrupted import of this file left, replaced
    problems: list[Problem] = field(default_factory=list)
    unscored: dict[str, str] = field(default_factory=dict)            # scenario key -> why not scored
    duration_mismatches: int = 0
    seconds: float = 0.0
    _scores: dict = field(default_factory=dict, repr=False)  # (scenario, seed, state, decision) -> score

    @property
    def positions_scored(self) -> int:
        return len(self._scores)

    def to_dict(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "rows": self.rows,
                "rounds": [{"person": p, "round": n, "id": i} for p, n, i in self.rounds],
                "unfinished": self.unfinished, "decisions": self.decisions, "scored": self.scored,
                "past_horizon": [{"person": p, "round": n} for p, n in self.past_horizon],
                "skipped": [{"person": p, "round": n} for p, n in self.skipped],
                "already_stored": [{"person": p, "round": n} for p, n in self.already],
                "half_stored_removed": self.removed,
                "problems": [{"line": p.line, "message": p.message} for p in self.problems],
                "positions_scored": self.positions_scored, "unscored": self.unscored,
                "duration_mismatches": self.duration_mismatches,
                "seconds": round(self.seconds, 3)}


def default_scorer(scenario: Scenario):
    """(expert, MoveScorer) for a scenario whose game has a shipped expert
    (engine/game_identity.py); raises LookupError with the reason when there is none."""
    try:
        from engine.expert.trained import ExpertError, shipped_expert
        from engine.expert.scoring import MoveScorer
    except ImportError as e:
        raise LookupError(f"scoring is not available in this build ({e})") from None
    try:
        expert = shipped_expert(scenario)
    except ExpertError as e:
        raise LookupError(f"{e}; decisions stored unscored") from None
    return expert, MoveScorer(expert)


def file_scorer(path: str | Path) -> Callable[[Scenario], tuple]:
    """A `scorer_for` that scores with the expert in `path`. An expert that
    does not fit a round's game refuses the import rather than storing the
    rounds unscored: once stored, the same rounds are never imported again."""
    def scorer_for(scenario: Scenario) -> tuple:
        from engine.expert.trained import ExpertError, load_expert
        from engine.expert.scoring import MoveScorer

        try:
            expert = load_expert(path, scenario)
        except ExpertError as e:
            raise ImportRefused(f"--expert {e}; nothing imported") from None
        return expert, MoveScorer(expert)
    return scorer_for


def import_trace(store, path: str | Path, skip_bad: bool = False,
                 scorer_for: Callable[[Scenario], tuple] | None = default_scorer,
                 optimum_for: Callable[[Scenario], float | None] | None = None,
                 progress: bool = False) -> ImportResult:
    """Validate, score and store every new round of a trace file (module
    docstring). `scorer_for=None` stores decisions unscored (tests and
    benchmarks of the storage alone). `progress`: bars on standard error."""
    from sqlalchemy.exc import IntegrityError

    from engine.records import imports
    from engine.records.play import known_optimum

    t0 = time.perf_counter()
    trace = read_trace(path, progress=progress)
    good, problems = replay_file(trace, ScenarioResolver(Path(path).parent), progress=progress)
    good, problems = _not_supervisors(store, good, problems)
    if problems and not skip_bad:
        n_rounds = len({p.round for p in problems})
        if len(problems) == 1:
            raise ImportRefused(f"{problems[0].text(str(path))}; nothing imported "
                                f"(--skip-bad imports the other rounds)", problems, quoted=True)
        raise ImportRefused(f"{path}: {len(problems)} bad rows in {n_rounds} round(s); nothing imported "
                            f"(--skip-bad imports the other rounds)", problems)
    if not good:
        if len(problems) == 1:
            raise ImportRefused(f"{problems[0].text(str(path))}; no other round to import", problems, quoted=True)
        raise ImportRefused(f"{path}: no round to import" + (f", every round has a bad row ({len(problems)} "
                                                             f"bad rows)" if problems else ""), problems)
    result = ImportResult(str(path), trace.sha256, trace.row_count, problems=problems)
    result.skipped = sorted({p.round for p in problems if p.round is not None}, key=lambda k: (k[0], k[1]))

    # Which rounds are new is told by what they are, not by the file's bytes.
    try:
        imports.hash_stored_rounds(store)
    except IntegrityError:
        raise ImportRefused(f"{path}: another import was hashing the stored rounds at the same time; "
                            f"nothing stored (run the import again)") from None
    ordered = sorted(good, key=lambda r: (r.person, r.number))
    names = _stored_names(store, {r.person for r in ordered})
    pairs = [[(s.tick, rp.encode(r.kitchen, d)) for s, d in r.decided()] for r in ordered]
    hashes = imports.file_hashes([_digest(names[r.person], r, p) for r, p in zip(ordered, pairs)])
    stored = imports.stored_hashes(store, hashes)
    result.already = [r.key for r, h in zip(ordered, hashes) if h in stored]
    new = [(r, p, h) for r, p, h in zip(ordered, pairs, hashes) if h not in stored]
    if not new:
        raise ImportRefused(f"{path}: already imported: all {len(ordered)} round(s) are in the database "
                            f"(the same person, scenario and decisions); nothing stored")

    # Score everything first, store after: scoring is the slow part, and an
    # import interrupted while scoring must leave nothing behind.
    scorers: dict[str, tuple] = {}
    scores = []
    with progress_bar(None, progress, "scoring", "decision", total=sum(len(p) for _, p, _ in new)) as bar:
        for r, p, _ in new:
            sc = r.scenario
            if sc.content_hash not in scorers:
                scorers[sc.content_hash] = _scorer(sc, scorer_for, result)
            scorer = scorers[sc.content_hash][1]
            scores.append([_score(scorer, r.kitchen, s, d, result) if scorer is not None else None
                           for s, d in r.decided()])
            bar.update(len(p))
    rounds = _new_rounds(store, new, scores, scorers, optimum_for or known_optimum, result, progress)
    try:
        with progress_bar(None, progress, "storing", "round", total=len(rounds)) as bar:
            ids, result.removed = imports.store_rounds(store, rounds, IMPORTED_CONDITION, Path(path).name,
                                                       trace.sha256, bar)
    except IntegrityError:
        raise ImportRefused(f"{path}: another import stored some of these rounds while this one was "
                            f"scoring; nothing stored (run the import again to store the rest)") from None
    result.rounds = [(r.person, r.number, rid) for (r, _, _), rid in zip(new, ids)]
    result.seconds = time.perf_counter() - t0
    return result


def _not_supervisors(store, good: list[ReplayedRound], problems: list[Problem]):
    """A trace's people become trainees: a round under a supervisor's name is a bad round."""
    from engine.records.models import SUPERVISOR

    bosses = {p.name for p in store.people(SUPERVISOR)}
    bad = [r for r in good if r.person in bosses]
    if not bad:
        return good, problems
    problems = sorted(problems + [Problem(min(x.line for x in r.rows), f"{shown(r.person)} is a supervisor's "
                                          f"name; the people in a trace are trainees", r.key) for r in bad],
                      key=lambda p: p.line)
    return [r for r in good if r.person not in bosses], problems


def _stored_names(store, people: set[str]) -> dict[str, str]:
    """Each person's name as the database has it (it may tidy names), or as given."""
    out = {}
    for name in people:
        ref = store.find_person(name)
        out[name] = ref.name if ref is not None else name
    return out


def _digest(person: str, r: ReplayedRound, pairs) -> str:
    from engine.records import imports

    sc = r.scenario
    return imports.content_digest(person, sc.content_hash, r.seed if sc.stochastic else None,
                                  imports.assignments(pairs))


def _new_rounds(store, new, scores, scorers, optimum_for, result: ImportResult, progress: bool = False) -> list:
    """Everything about each new round that needs the store or the engine,
    worked out before the one transaction that stores them (kept short)."""
    from engine.records.database import StoreError
    from engine.records.imports import NewRound
    from engine.records.play import expert_id
    from engine.records.store import Store
    from engine.records.models import utcnow

    try:
        people = {name: store.person(name).id for name in sorted({r.person for r, _, _ in new})}
    except StoreError as e:
        raise ImportRefused(f"{result.file}: {e}; nothing stored") from None
    scenario_ids: dict[str, int] = {}
    experts: dict[str, int | None] = {}
    optima: dict[str, float | None] = {}
    now = utcnow()
    out = []
    for (r, pairs, h), decided in progress_bar(list(zip(new, scores)), progress, "preparing", "round"):
        sc, k = r.scenario, r.kitchen
        if sc.content_hash not in scenario_ids:
            scenario_ids[sc.content_hash] = store.scenario_id(sc)
            experts[sc.content_hash] = expert_id(store, sc, scorers[sc.content_hash][0])
        rows = [dict(tick=t, decision=p, think_seconds=None, wall_time=now, **Store._score_columns(k, score))
                for (t, p), score in zip(pairs, decided)]
        result.decisions += len(rows)
        result.scored += sum(score is not None for score in decided)
        result.duration_mismatches += r.duration_mismatches
        if r.finished:
            last = r.final
            if sc.content_hash not in optima:  # solved once per scenario, and only for finished rounds
                optima[sc.content_hash] = optimum_for(sc)
        else:
            # as Store.close_round: the stored log folded up to where a decision is due
            last = rp.fold(k, {s.tick: d for s, d in r.decided()})[-1]
            result.unfinished += 1
            if r.past_horizon:
                result.past_horizon.append(r.key)
        out.append(NewRound(people[r.person], scenario_ids[sc.content_hash], r.seed, experts[sc.content_hash],
                            h, rows, r.finished, k.value(last), k.turns(last), k.served_count(last),
                            optima.get(sc.content_hash) if r.finished else None))
    return out


def _scorer(sc: Scenario, scorer_for, result: ImportResult) -> tuple:
    if scorer_for is None:
        result.unscored[sc.key] = "scoring was not asked for"
        return None, None
    try:
        return scorer_for(sc)
    except LookupError as e:
        result.unscored[sc.key] = str(e)
        return None, None


def _score(scorer, k, s, d, result: ImportResult):
    """A score is a pure function of the round's scenario, seed (stochastic
    scenarios only), state and decision, and people who play the same
    kitchen meet the same positions (every round of a deterministic scenario
    starts from one state): score each position and decision once per import."""
    key = (k.scenario.content_hash, k.seed if k.scenario.stochastic else None, s, tuple(sorted(d.items())))
    got = result._scores.get(key)
    if got is None:
        got = result._scores[key] = scorer.score(k, s, d)
    return got
