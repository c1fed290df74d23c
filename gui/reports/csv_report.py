"""The report as CSV: one row per round, the figures the PDF and the desk
show (tidy data: ISO times, empty cells for missing numbers). For one row per
decision there is `kitchen-coach export`. Written a trainee at a time by
gui/reports/stream.py."""
from __future__ import annotations

from pathlib import Path

from engine.records.export import write_rows
from gui.reports.data import GroupReport, TraineeReport

COLUMNS = ["trainee", "condition", "round_number", "round", "scenario", "seed", "started_at", "kind", "finished",
           "abandoned", "unit", "value", "expert_value", "optimum", "turns", "served", "decisions", "scored",
           "suboptimal", "suboptimal_pct", "total_regret", "tips_shown"]


def trainee_rows(t: TraineeReport):
    for r in t.rounds:
        pct = r.suboptimal_pct
        yield {"trainee": r.trainee, "condition": r.condition, "round_number": r.number, "round": r.id,
               "scenario": r.scenario, "seed": r.seed, "started_at": r.started_at.isoformat(timespec="seconds"),
               "kind": r.kind, "finished": r.finished, "abandoned": r.abandoned, "unit": r.unit, "value": r.value,
               "expert_value": r.expert_value, "optimum": r.optimum, "turns": r.turns, "served": r.served,
               "decisions": r.decisions, "scored": r.scored, "suboptimal": r.suboptimal,
               "suboptimal_pct": None if pct is None else round(pct, 2),
               "total_regret": r.total_regret, "tips_shown": r.tips}


def rows(report: GroupReport):
    for t in report.trainees:
        yield from trainee_rows(t)


def write_csv(report: GroupReport, out: Path) -> int:
    """Returns the number of rows; never leaves half a file under the name."""
    return write_rows(out, COLUMNS, rows(report))
