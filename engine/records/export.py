"""Tidy export: one row per stored decision, plain columns that pandas and R
read without help (ISO times, empty cells for missing numbers)."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import select

from engine.records.models import Decision, Person, Round, ScenarioFile, TipShown, TrainingSession
from engine.records.replay import describe

if TYPE_CHECKING:
    from engine.records.store import Store

COLUMNS = [
    "trainee", "role", "session", "condition", "app_version", "round", "scenario", "seed", "policy",
    "round_finished", "round_value", "round_optimum", "tick", "decision", "expert_decision", "regret", "per_worker_regret",
    "verdict", "tip_shown", "tip_rule", "think_seconds", "wall_time",
]


def export_rows(store: "Store", trainee: str | None = None) -> Iterator[dict]:
    q = (select(Decision, Round, TrainingSession, Person.name, Person.role, ScenarioFile.key)
         .join(Round, Decision.round_id == Round.id)
         .join(TrainingSession, Round.session_id == TrainingSession.id)
         .join(Person, TrainingSession.person_id == Person.id)
         .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
         .order_by(Person.name, TrainingSession.id, Round.id, Decision.tick))
    if trainee is not None:
        q = q.where(Person.name == trainee)
    with store.Session.begin() as s:
        tips: dict[tuple[int, int], list[TipShown]] = {}
        tq = select(TipShown)
        if trainee is not None:
            tq = (tq.join(Round, TipShown.round_id == Round.id)
                  .join(TrainingSession, Round.session_id == TrainingSession.id)
                  .join(Person, TrainingSession.person_id == Person.id).where(Person.name == trainee))
        for t in s.scalars(tq.order_by(TipShown.id)):
            tips.setdefault((t.round_id, t.tick), []).append(t)
        for d, r, ses, name, role, key in s.execute(q).yield_per(2000):
            shown = tips.get((r.id, d.tick), [])
            yield {
                "trainee": name, "role": role, "session": ses.id, "condition": ses.condition,
                "app_version": ses.app_version, "round": r.id, "scenario": key, "seed": r.seed,
                "policy": r.policy, "round_finished": r.finished, "round_value": r.value,
                "round_optimum": r.optimum,
                "tick": d.tick, "decision": describe(d.decision),
                "expert_decision": describe(d.expert_decision) if d.expert_decision is not None else None,
                "regret": d.regret,
                "per_worker_regret": json.dumps(d.per_worker) if d.per_worker is not None else None,
                "verdict": d.verdict,
                "tip_shown": " | ".join(t.text for t in shown) or None,
                "tip_rule": " | ".join(t.rule for t in shown) or None,
                "think_seconds": d.think_seconds,
                "wall_time": d.wall_time.isoformat(timespec="milliseconds") + "Z",
            }


def write_csv(store: "Store", out: Path, trainee: str | None = None) -> int:
    """Write the export; returns the number of rows."""
    return write_rows(out, COLUMNS, export_rows(store, trainee))


def write_rows(out: Path, columns, rows) -> int:
    """Write dict rows as CSV (None as an empty cell); returns the number of
    rows. Written to a temporary file first, so a failed export never leaves
    half a file under the name."""
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    n = 0
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        for row in rows:
            w.writerow({k: "" if v is None else v for k, v in row.items()})
            n += 1
    tmp.replace(out)
    return n
