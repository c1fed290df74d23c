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


def imported_rounds(store) -> list:
    """RoundInfo of every imported round, with the person's round number per scenario."""
    out = []
    for person in store.people():
        seen: dict[str, int] = defaultdict(int)
        for info in store.history(person):
            if info.imported:
                seen[info.scenario] += 1
                out.append((info, seen[info.scenario]))
    return out


def research_table(store, group_by: str = "scenario") -> list[TableRow]:
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY)}, not {group_by!r}")
    cells: dict[tuple[str, int], list] = defaultdict(list)
    for info, number in imported_rounds(store):
        record = store.load_round(info.id)
        if group_by == "scenario":
            group = info.scenario
        else:  # within a scenario still, as the research's "Control: Burger 1, 2, 3"
            value = {"person": info.person, "file": _source_file(store, info.id),
                     "condition": _condition(store, info)}[group_by]
            group = f"{value} / {info.scenario}"
        cells[(group, number)].append((info, record))
    rows = []
    for (group, number), items in sorted(cells.items()):
        verdicts = [d.verdict for _, rec in items for d in rec.decisions]
        scored = [v for v in verdicts if v is not None]
        units = {"turns" if store.kitchen(info.id).scenario.objective == "makespan" else "points"
                 for info, _ in items}
        values = [info.value for info, _ in items if info.finished and info.value is not None]
        rows.append(TableRow(group, number, len(items), len({info.person for info, _ in items}),
                             len(verdicts), len(scored), sum(1 for v in scored if v not in OK_VERDICTS),
                             sum(1 for info, _ in items if not info.finished), sum(values) / len(values) if values else None,
                             units.pop() if len(units) == 1 else "mixed"))
    return rows


# The store's RoundInfo does not carry these two; read them from its tables.
def _source_file(store, round_id: int) -> str:
    from engine.records.models import Round
    with store.Session.begin() as s:
        return s.get(Round, round_id).source_file or ""


def _condition(store, info) -> str:
    from engine.records.models import TrainingSession
    with store.Session.begin() as s:
        return s.get(TrainingSession, info.session_id).condition or ""


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
