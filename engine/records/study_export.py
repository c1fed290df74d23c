"""A study's export (`kitchen-coach study export`): three files a researcher
can analyse without this app.

- events.csv: one row per decision and one per tip shown, in the order they
  happened, each with the participant's code and condition;
- participants.csv: one row per participant: condition, status, rounds and
  turns, and per round of the plan its outcome, turns and suboptimal %;
- codebook.md: every column of both files with its meaning, unit and type.

People's names never appear: a participant is their code (their trainee in
the records is named by it). The columns and the codebook come from the same
lists below, so they cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import select

from engine.records.export import write_rows
from engine.records.models import Decision, Round, ScenarioFile, TipShown, TrainingSession
from engine.records.replay import describe
from engine.records.studies import Progress, StudyInfo
from engine.traces.table import OK_VERDICTS

EVENTS = "events.csv"
PARTICIPANTS = "participants.csv"
CODEBOOK = "codebook.md"
CHUNK = 500   # rounds per query: IN lists stay short on both databases


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    unit: str
    type: str


EVENT_COLUMNS = [
    Column("study", "the study's name", "-", "text"),
    Column("code", "the participant's pseudonymous code", "-", "text"),
    Column("condition", "the participant's arm: none, fixed, mined or personalised", "-", "text"),
    Column("round", "place of the round in the study's plan (the sequence, then the post-test); "
                    "an abandoned attempt shares it with the attempt that followed", "count from 1", "integer"),
    Column("round_kind", "'sequence', or 'post-test' (a round without tips)", "-", "text"),
    Column("round_id", "the round's number in the records (tells attempts of one place apart)", "-", "integer"),
    Column("scenario", "the scenario's key (bundled name or file stem)", "-", "text"),
    Column("seed", "the round's random seed", "-", "integer"),
    Column("round_status", "finished, unfinished (open, resumable) or abandoned", "-", "text"),
    Column("tips_on", "whether tips of the participant's condition could be shown in this round", "-", "boolean"),
    Column("event", "'decision' (one decided tick) or 'tip' (one tip shown)", "-", "text"),
    Column("tick", "the game tick of the event", "ticks from 0", "integer"),
    Column("decision", "decision rows: what the participant assigned, 'Worker: task (order n)'; 'idle' "
                       "for none", "-", "text"),
    Column("expert_decision", "decision rows: what the expert would have assigned (empty if unscored)", "-",
           "text"),
    Column("regret", "decision rows: what the decision lost against the expert's", "the scenario's units: "
                     "turns (makespan) or points (reward)", "number"),
    Column("verdict", "decision rows: the move scorer's verdict (best, good, ...); empty if unscored", "-",
           "text"),
    Column("suboptimal", "decision rows: verdict neither best nor good; empty if unscored", "-", "boolean"),
    Column("think_seconds", "decision rows: time from the tick's start to the decision", "seconds", "number"),
    Column("tip_rule", "tip rows: the tip's key (rule content, or fixed:<n> for a supervisor's text)", "-",
           "text"),
    Column("tip_text", "tip rows: the sentence shown", "-", "text"),
    Column("time", "when the event was stored", "ISO 8601, UTC", "datetime"),
]


def participant_columns(study: StudyInfo) -> list[Column]:
    cols = [
        Column("study", "the study's name", "-", "text"),
        Column("code", "the participant's pseudonymous code", "-", "text"),
        Column("condition", "the participant's arm: none, fixed, mined or personalised", "-", "text"),
        Column("slot", "place of the code in the seeded allocation list", "count from 1", "integer"),
        Column("status", "not started, started, finished or dropped", "-", "text"),
        Column("joined", "when the participant consented (empty: not yet)", "ISO 8601, UTC", "datetime"),
        Column("rounds", "rounds of the plan finished (post-test included)", "rounds", "integer"),
        Column("abandoned", "rounds closed without being played out", "rounds", "integer"),
        Column("turns", "turns of the finished rounds of the sequence (post-test not included)", "turns",
               "integer"),
    ]
    for i, key in enumerate(study.sequence, 1):
        cols += _round_columns(f"round{i}", f"round {i} of the sequence ({key})")
    if study.post_test:
        cols += _round_columns("post_test", f"the post-test round without tips ({study.post_test})")
    return cols


def _round_columns(prefix: str, what: str) -> list[Column]:
    return [
        Column(f"{prefix}_value", f"outcome of {what}, last finished attempt; empty if not finished",
               "the scenario's units: turns (makespan) or points (reward)", "number"),
        Column(f"{prefix}_turns", f"turns taken in {what}", "turns", "integer"),
        Column(f"{prefix}_suboptimal_pct", f"share of scored decisions in {what} that were suboptimal "
                                           "(verdict neither best nor good)", "percent (0-100)", "number"),
    ]


@dataclass
class _Round:
    id: int
    person_id: int
    scenario: str
    seed: int
    finished: bool
    abandoned: bool
    value: float | None
    turns: int | None
    place: int = 0        # index in the plan, from 0
    scored: int = 0
    suboptimal: int = 0


def _rounds(store, progress: list[Progress]) -> dict[int, list[_Round]]:
    """person id -> their rounds, oldest first, each placed in the plan."""
    ids = [p.participant.person_id for p in progress if p.participant.person_id is not None]
    out: dict[int, list[_Round]] = {i: [] for i in ids}
    with store.Session.begin() as s:
        for lo in range(0, len(ids), CHUNK):
            q = (select(Round.id, TrainingSession.person_id, ScenarioFile.key, Round.seed, Round.finished,
                        Round.abandoned, Round.value, Round.turns)
                 .join(TrainingSession, Round.session_id == TrainingSession.id)
                 .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
                 .where(TrainingSession.person_id.in_(ids[lo:lo + CHUNK]))
                 .order_by(Round.started_at, Round.id))
            for row in s.execute(q):
                out[row[1]].append(_Round(*row))
        every = [r for rs in out.values() for r in rs]
        by_id = {r.id: r for r in every}
        for lo in range(0, len(every), CHUNK):
            chunk = [r.id for r in every[lo:lo + CHUNK]]
            for rid, verdict in s.execute(select(Decision.round_id, Decision.verdict)
                                          .where(Decision.round_id.in_(chunk), Decision.verdict.is_not(None))):
                by_id[rid].scored += 1
                by_id[rid].suboptimal += verdict not in OK_VERDICTS
    for rounds in out.values():
        done = 0
        for r in rounds:
            r.place = done
            done += r.finished
    return out


def event_rows(store, study: StudyInfo, progress: list[Progress]) -> Iterator[dict]:
    rounds = _rounds(store, progress)
    for pr in progress:
        p = pr.participant
        for r in rounds.get(p.person_id, []):
            post = r.place >= len(study.sequence)
            base = dict(study=study.name, code=p.code, condition=p.condition, round=r.place + 1,
                        round_kind="post-test" if post else "sequence", round_id=r.id, scenario=r.scenario,
                        seed=r.seed, round_status="finished" if r.finished else
                        "abandoned" if r.abandoned else "unfinished",
                        tips_on=not post and p.condition != "none")
            yield from _round_events(store, r.id, base)


def _round_events(store, round_id: int, base: dict) -> Iterator[dict]:
    with store.Session.begin() as s:
        tips = s.execute(select(TipShown.tick, TipShown.rule, TipShown.text, TipShown.shown_at)
                         .where(TipShown.round_id == round_id).order_by(TipShown.id)).all()
        decisions = s.execute(select(Decision).where(Decision.round_id == round_id)
                              .order_by(Decision.tick)).scalars().all()
    events = [(t.tick, 0, i, dict(base, event="tip", tick=t.tick, tip_rule=t.rule, tip_text=t.text,
                                  time=_iso(t.shown_at))) for i, t in enumerate(tips)]
    for d in decisions:  # a tick's tips were on screen before its decision
        events.append((d.tick, 1, 0, dict(
            base, event="decision", tick=d.tick, decision=describe(d.decision),
            expert_decision=describe(d.expert_decision) if d.expert_decision is not None else None,
            regret=d.regret, verdict=d.verdict,
            suboptimal=None if d.verdict is None else d.verdict not in OK_VERDICTS,
            think_seconds=d.think_seconds, time=_iso(d.wall_time))))
    for *_, row in sorted(events, key=lambda e: e[:3]):
        yield row


def participant_rows(store, study: StudyInfo, progress: list[Progress]) -> Iterator[dict]:
    rounds = _rounds(store, progress)
    for pr in progress:
        p = pr.participant
        mine = rounds.get(p.person_id, [])
        finished = [r for r in mine if r.finished]
        row = dict(study=study.name, code=p.code, condition=p.condition, slot=p.slot + 1, status=pr.status,
                   joined=_iso(p.joined_at), rounds=pr.finished, abandoned=sum(r.abandoned for r in mine),
                   turns=sum(r.turns or 0 for r in finished if r.place < len(study.sequence))
                   if p.person_id is not None else None)
        places = [f"round{i}" for i in range(1, len(study.sequence) + 1)] + (["post_test"] if study.post_test else [])
        for place, prefix in enumerate(places):
            done = [r for r in finished if r.place == place]
            r = done[-1] if done else None
            row[f"{prefix}_value"] = r.value if r else None
            row[f"{prefix}_turns"] = r.turns if r else None
            row[f"{prefix}_suboptimal_pct"] = round(100.0 * r.suboptimal / r.scored, 2) if r and r.scored else None
        yield row


def codebook(study: StudyInfo) -> str:
    lines = [f"# Codebook: study {study.name}", "",
             f"Conditions: {', '.join(study.conditions)}. Sequence: {', '.join(study.sequence) or '(none)'}. "
             f"Post-test without tips: {study.post_test or '(none)'}. Allocation: permuted blocks, seed {study.seed}.",
             "Empty cells are missing values. Participants are known only by their codes.", ""]
    for title, cols in ((EVENTS, EVENT_COLUMNS), (PARTICIPANTS, participant_columns(study))):
        lines += [f"## {title}", "", "| column | meaning | unit | type |", "|---|---|---|---|"]
        lines += [f"| {c.name} | {c.meaning.replace('|', '/')} | {c.unit} | {c.type} |" for c in cols]
        lines.append("")
    return "\n".join(lines)


def codebook_columns(text: str) -> dict[str, list[str]]:
    """file name -> the columns the codebook lists for it (what the tests compare with the CSV headers)."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = out.setdefault(line[3:].strip(), [])
        elif current is not None and line.startswith("| ") and not line.startswith(("| column ", "|---")):
            current.append(line.split("|")[1].strip())
    return out


def write_study(store, study: StudyInfo, folder: Path) -> dict:
    """Write the three files into `folder` (made if missing); returns counts."""
    folder.mkdir(exist_ok=True)
    progress = store.study_progress(study)
    events = write_rows(folder / EVENTS, [c.name for c in EVENT_COLUMNS], event_rows(store, study, progress))
    people = write_rows(folder / PARTICIPANTS, [c.name for c in participant_columns(study)],
                        participant_rows(store, study, progress))
    tmp = folder / (CODEBOOK + ".part")
    tmp.write_text(codebook(study), encoding="utf-8")
    tmp.replace(folder / CODEBOOK)
    return {"events": events, "participants": people, "files": [EVENTS, PARTICIPANTS, CODEBOOK]}


def _iso(t) -> str | None:
    return None if t is None else t.isoformat(timespec="milliseconds") + "Z"
