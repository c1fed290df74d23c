"""The research-style table of imported rounds (RESEARCH.md, pilot results):
per group and round number, the share of suboptimal decisions and the mean
outcome (turns, or points for reward scenarios).

Round number n of a person is their n-th imported round of that scenario, in
the order stored ("Burger 1, 2, 3" in the research). Groups other than the
scenario are split by scenario too ("control / burger"), so a row never
mixes turns with points. A decision counts as
suboptimal when the move scorer's verdict is neither "best" nor "good": it
lost something against the expert beyond what the scorer treats as noise.
Unscored decisions are left out of the share (and counted). The mean outcome
is over finished rounds only: a cut log's outcome so far is no outcome.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from engine.objective import Objective

OK_VERDICTS = ("best", "good")
GROUP_BY = ("scenario", "person", "file", "condition")


@dataclass(frozen=True)
class TableRow:
    group: str
    round: int
    rounds: int
    people: int
    decisions: int
    scored: int
    suboptimal: int
    unfinished: int    # rounds whose log was cut: their decisions count, their outcome does not
    mean: float | None
    unit: str          # "turns", "points", or "mixed" when a group mixes objectives

    @property
    def suboptimal_share(self) -> float | None:
        return self.suboptimal / self.scored if self.scored else None

    def to_dict(self) -> dict:
        return {"group": self.group, "round": self.round, "rounds": self.rounds, "people": self.people,
                "decisions": self.decisions, "scored": self.scored, "suboptimal": self.suboptimal,
                "suboptimal_share": self.suboptimal_share, "unfinished": self.unfinished,
                "mean": self.mean, "unit": self.unit}


@dataclass(frozen=True)
class _Imported:
    """What the table needs of one imported round."""
    id: int
    person: str
    scenario: str
    objective: Objective
    source_file: str
    condition: str
    finished: bool
    value: float | None
    decisions: int
    scored: int
    suboptimal: int


def imported_rounds(store) -> list[tuple[_Imported, int]]:
    """Every imported round with the person's round number in its scenario
    (history order: by start, then id). Read in two queries: loading rounds
    one by one took a minute for 8,400 rounds."""
    from sqlalchemy import case, func, select

    from engine.records.models import Decision, Person, Round, ScenarioFile, TrainingSession
    from engine.scenario import parse_scenario

    rounds = (select(Round.id, Person.name, ScenarioFile.id, ScenarioFile.key, Round.source_file,
                     TrainingSession.condition, Round.finished, Round.value)
              .join(TrainingSession, Round.session_id == TrainingSession.id)
              .join(Person, TrainingSession.person_id == Person.id)
              .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
              .where(Round.imported.is_(True))
              .order_by(Person.name, Round.started_at, Round.id))
    counts = (select(Decision.round_id, func.count(), func.count(Decision.verdict),
                     func.sum(case((Decision.verdict.is_(None), 0), (Decision.verdict.in_(OK_VERDICTS), 0), else_=1)))
              .join(Round, Decision.round_id == Round.id).where(Round.imported.is_(True))
              .group_by(Decision.round_id))
    with store.Session.begin() as s:
        per_round = {rid: (n, scored, bad or 0) for rid, n, scored, bad in s.execute(counts)}
        rows = s.execute(rounds).all()
        objective = {sid: parse_scenario(text, key).objective for sid, key, text in s.execute(
            select(ScenarioFile.id, ScenarioFile.key, ScenarioFile.text)
            .where(ScenarioFile.id.in_({r[2] for r in rows})))}
    out = []
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for rid, person, sid, key, source, condition, finished, value in rows:
        seen[(person, key)] += 1
        n, scored, bad = per_round.get(rid, (0, 0, 0))
        out.append((_Imported(rid, person, key, objective[sid], source or "", condition or "", bool(finished),
                              value, n, scored, bad), seen[(person, key)]))
    return out


def research_table(store, group_by: str = "scenario") -> list[TableRow]:
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY)}, not {group_by!r}")
    cells: dict[tuple[str, int], list[_Imported]] = defaultdict(list)
    for r, number in imported_rounds(store):
        if group_by == "scenario":
            group = r.scenario
        else:  # within a scenario still, as the research's "Control: Burger 1, 2, 3"
            value = {"person": r.person, "file": r.source_file, "condition": r.condition}[group_by]
            group = f"{value} / {r.scenario}"
        cells[(group, number)].append(r)
    rows = []
    for (group, number), items in sorted(cells.items()):
        units = {Objective(r.objective).unit for r in items}
        values = [r.value for r in items if r.finished and r.value is not None]
        rows.append(TableRow(group, number, len(items), len({r.person for r in items}),
                             sum(r.decisions for r in items), sum(r.scored for r in items),
                             sum(r.suboptimal for r in items), sum(1 for r in items if not r.finished),
                             sum(values) / len(values) if values else None,
                             units.pop() if len(units) == 1 else "mixed"))
    return rows


def format_table(rows: list[TableRow], group_by: str) -> str:
    if not rows:
        return "No imported rounds yet (kitchen-coach traces import FILE.csv)."
    header = [group_by, "round", "rounds", "unfinished", "people", "decisions", "% suboptimal", "mean"]
    cells = [header]
    for r in rows:
        share = "-" if r.suboptimal_share is None else f"{100 * r.suboptimal_share:.2f}"
        mean = "-" if r.mean is None else f"{r.mean:.2f} {r.unit}"
        cells.append([r.group, str(r.round), str(r.rounds), str(r.unfinished), str(r.people), str(r.decisions),
                      share, mean])
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    unscored = sum(r.decisions - r.scored for r in rows)
    if unscored:
        lines.append(f"({unscored} unscored decision(s) are left out of the suboptimal share)")
    return "\n".join(lines)
