"""Trace import: a validated trace file stored round by round exactly as the
app stores a round a person played (a session, the round, every decided tick
scored by the move scorer, then the outcome), marked imported with the file's
name and hash.

Nothing is stored until the whole file has been replayed: a file with a bad
row stores nothing unless `skip_bad`, and then only its good rounds. A file
whose content (sha256) was imported before is refused, so importing twice
never duplicates rounds.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from engine.scenario import Scenario
from engine.traces.format import Problem, read_trace
from engine.traces.replay import ReplayedRound, ScenarioResolver, replay_file

IMPORTED_CONDITION = "imported"


class ImportRefused(ValueError):
    """The file was not imported; `problems` lists its bad rows (may be empty)."""

    def __init__(self, message: str, problems: list[Problem] = ()):
        super().__init__(message)
        self.problems = list(problems)


@dataclass
class ImportResult:
    file: str
    sha256: str
    rows: int
    rounds: list[tuple[str, int, int]] = field(default_factory=list)  # (person, round, stored round id)
    unfinished: int = 0
    decisions: int = 0
    scored: int = 0
    skipped: list[tuple[str, int]] = field(default_factory=list)      # rounds left out by --skip-bad
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
                "skipped": [{"person": p, "round": n} for p, n in self.skipped],
                "problems": [{"line": p.line, "message": p.message} for p in self.problems],
                "positions_scored": self.positions_scored, "unscored": self.unscored,
                "duration_mismatches": self.duration_mismatches,
                "seconds": round(self.seconds, 3)}


def default_scorer(scenario: Scenario):
    """(expert, MoveScorer) for a scenario with a shipped expert; raises
    LookupError with the reason when there is none."""
    try:
        from engine.expert import ExpertError, shipped_expert
        from engine.scoring import MoveScorer
    except ImportError as e:
        raise LookupError(f"scoring is not available in this build ({e})") from None
    try:
        expert = shipped_expert(scenario)
    except ExpertError:
        raise LookupError(f"no shipped expert for {scenario.key} as it is now (content hash "
                          f"{scenario.content_hash[:12]}); decisions stored unscored") from None
    return expert, MoveScorer(expert)


def import_trace(store, path: str | Path, skip_bad: bool = False,
                 scorer_for: Callable[[Scenario], tuple] | None = default_scorer,
                 optimum_for: Callable[[Scenario], float | None] | None = None) -> ImportResult:
    """Validate, score and store every round of a trace file (module docstring).
    `scorer_for=None` stores decisions unscored (tests and benchmarks of the
    storage alone)."""
    from engine.records.play import expert_id, known_optimum

    t0 = time.perf_counter()
    trace = read_trace(path)
    shown = Path(path).name
    if store.find_import(trace.sha256) is not None:
        raise ImportRefused(f"{path}: already imported (a file with the same content, sha256 "
                            f"{trace.sha256[:12]}, is in the database); nothing stored")
    good, problems = replay_file(trace, ScenarioResolver(Path(path).parent))
    if problems and not skip_bad:
        n_rounds = len({p.round for p in problems})
        if len(problems) == 1:
            raise ImportRefused(f"{problems[0].text(str(path))}; nothing imported "
                                f"(--skip-bad imports the other rounds)", problems)
        raise ImportRefused(f"{path}: {len(problems)} bad rows in {n_rounds} round(s); nothing imported "
                            f"(--skip-bad imports the other rounds)", problems)
    if not good:
        raise ImportRefused(f"{path}: no round to import" + (" (every round has a bad row)" if problems else ""),
                            problems)
    result = ImportResult(str(path), trace.sha256, trace.row_count, problems=problems)
    result.skipped = sorted({p.round for p in problems if p.round is not None}, key=lambda k: (k[0], k[1]))

    # Score everything first, store after: scoring is the slow part, and an
    # import interrupted while scoring must leave nothing behind.
    ordered = sorted(good, key=lambda r: (r.person, r.number))
    scorers: dict[str, tuple] = {}
    scores = []
    for r in ordered:
        sc = r.scenario
        if sc.content_hash not in scorers:
            scorers[sc.content_hash] = _scorer(sc, scorer_for, result)
        scorer = scorers[sc.content_hash][1]
        scores.append([(s, d, _score(scorer, r.kitchen, s, d, result) if scorer is not None else None)
                       for s, d in r.decided()])
    optimum_for = optimum_for or known_optimum
    sessions: dict[str, object] = {}
    for r, decided in zip(ordered, scores):
        sc = r.scenario
        if r.person not in sessions:
            sessions[r.person] = store.start_session(store.person(r.person), condition=IMPORTED_CONDITION)
        expert = expert_id(store, sc, scorers[sc.content_hash][0])
        rid = _store_round(store, sessions[r.person], r, decided, expert, shown, trace.sha256,
                           optimum_for, result)
        result.rounds.append((r.person, r.number, rid))
        result.duration_mismatches += r.duration_mismatches
    result.seconds = time.perf_counter() - t0
    return result


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


def _store_round(store, session, r: ReplayedRound, decided, expert, source_file: str, sha: str,
                 optimum_for, result: ImportResult) -> int:
    """`decided`: (state, decision, score) of each tick where someone could act;
    as in the app, ticks with nothing to decide are not recorded."""
    rid = store.start_round(session, r.scenario, r.seed, expert, policy="human", imported=True,
                            source_file=source_file, source_hash=sha)
    for s, d, score in decided:
        store.record_decision(rid, s.tick, d, score)
        result.decisions += 1
        result.scored += score is not None
    if r.finished:
        store.finish_round(rid, optimum=optimum_for(r.scenario))
    else:
        store.close_round(rid)
        result.unfinished += 1
    return rid
