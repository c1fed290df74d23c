"""What the supervisor's desk shows and the reports print, computed from the
records database in a few bulk queries (no Qt here, so the headless CSV path
stays light).

Measures:
- a round's outcome `value` (turns or points), the proven `optimum` where the
  round stored one, and the expert's outcome: the `expert_value` of the
  round's first scored decision, which is the value of letting the expert play
  the whole round from its start (ticks before a trainee's first decision are
  ones where nobody could act, so the expert reaches the same state).
  Stochastic rounds: that value is the scorer's mean over its futures.
- % suboptimal decisions: the research tables' measure, as `kitchen-coach
  table` counts it (engine/traces/table.py): decided ticks whose verdict is
  neither "best" nor "good", over scored decided ticks.
- most frequent mistakes: see gui/reports/mistakes.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select

from engine.records.models import TRAINEE, Decision, Person, Round, ScenarioFile, TipShown, TrainingSession
from engine.records.store import StoreError
from engine.traces.table import OK_VERDICTS
from gui.reports.mistakes import Mistake, MistakeCounter


@dataclass(frozen=True)
class RoundRow:
    trainee: str
    number: int                # the trainee's n-th round, all scenarios, oldest first
    id: int
    scenario: str
    scenario_name: str
    unit: str                  # "turns" or "points"
    seed: int
    started_at: datetime
    finished: bool
    abandoned: bool
    value: float | None
    turns: int | None
    served: int | None
    optimum: float | None
    expert_value: float | None
    decisions: int
    scored: int
    suboptimal: int
    total_regret: float | None
    tips: int

    @property
    def suboptimal_pct(self) -> float | None:
        return 100.0 * self.suboptimal / self.scored if self.scored else None

    @property
    def higher_is_better(self) -> bool:
        return self.unit == "points"

    @property
    def outcome_text(self) -> str:
        """The outcome as tables show it: the value, or why there is none yet."""
        if self.abandoned:
            return "abandoned"
        if not self.finished or self.value is None:
            return "unfinished"
        return f"{self.value:g}"


@dataclass(frozen=True)
class TipRow:
    round_number: int
    round_id: int
    tick: int
    rule: str
    text: str


@dataclass
class TraineeReport:
    name: str
    rounds: list[RoundRow]
    mistakes: list[Mistake] = field(default_factory=list)
    tips: list[TipRow] = field(default_factory=list)

    @property
    def latest(self) -> RoundRow | None:
        done = [r for r in self.rounds if r.finished]
        return done[-1] if done else None

    def trend(self, last: int = 12) -> list[float]:
        """% suboptimal of the latest scored rounds, oldest first (the sparkline)."""
        return [r.suboptimal_pct for r in self.rounds if r.suboptimal_pct is not None][-last:]

    @property
    def period(self) -> tuple[datetime, datetime] | None:
        return (self.rounds[0].started_at, self.rounds[-1].started_at) if self.rounds else None

    def scenarios(self) -> list[str]:
        """Scenario keys played, most rounds first."""
        counts: dict[str, int] = defaultdict(int)
        for r in self.rounds:
            counts[r.scenario] += 1
        return sorted(counts, key=lambda k: (-counts[k], k))


@dataclass
class GroupReport:
    trainees: list[TraineeReport]
    created_at: datetime
    database: str

    @property
    def period(self) -> tuple[datetime, datetime] | None:
        ends = [t.period for t in self.trainees if t.period]
        return (min(p[0] for p in ends), max(p[1] for p in ends)) if ends else None

    @property
    def rounds(self) -> list[RoundRow]:
        return [r for t in self.trainees for r in t.rounds]

    def mistakes(self, n: int = 10) -> list[Mistake]:
        merged: dict[tuple[str, str], Mistake] = {}
        for t in self.trainees:
            for m in t.mistakes:
                old = merged.get((m.kind, m.label))
                merged[(m.kind, m.label)] = m if old is None else \
                    Mistake(m.label, m.kind, old.count + m.count, old.regret + m.regret)
        return sorted(merged.values(), key=lambda m: (-m.count, -m.regret, m.label))[:n]


def gather(store, trainee: str | None = None, mistakes: int = 8) -> GroupReport:
    """One trainee's report (`trainee`), or every trainee's. Raises StoreError
    for an unknown name."""
    if trainee is not None:
        person = store.find_person(trainee)
        if person is None:
            raise StoreError(f"no trainee named {trainee!r} in {store.url}")
        people = [person.name]
    else:
        people = [p.name for p in store.people(TRAINEE)]
    counter = MistakeCounter()
    reports = {name: TraineeReport(name, []) for name in people}
    with store.Session.begin() as s:
        q = (select(Round, Person.name, ScenarioFile)
             .join(TrainingSession, Round.session_id == TrainingSession.id)
             .join(Person, TrainingSession.person_id == Person.id)
             .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
             .order_by(Person.name, Round.started_at, Round.id))
        if trainee is not None:
            q = q.where(Person.name.in_(people))
        else:
            q = q.where(Person.role == TRAINEE)
        rounds = [(r, name, sf) for r, name, sf in s.execute(q)]
        ids = [r.id for r, _, _ in rounds]
        decisions: dict[int, list] = defaultdict(list)
        tips: dict[int, list] = defaultdict(list)
        for chunk in _chunks(ids, 500):  # stay under SQLite's limit on bound parameters
            dq = (select(Decision.round_id, Decision.tick, Decision.verdict, Decision.regret, Decision.decision,
                         Decision.expert_decision, Decision.per_worker, Decision.score)
                  .where(Decision.round_id.in_(chunk)).order_by(Decision.round_id, Decision.tick))
            for row in s.execute(dq):
                decisions[row.round_id].append(row)
            tq = select(TipShown).where(TipShown.round_id.in_(chunk)).order_by(TipShown.round_id, TipShown.id)
            for t in s.scalars(tq):
                tips[t.round_id].append((t.tick, t.rule, t.text))
        numbers: dict[str, int] = defaultdict(int)
        for r, name, sf in rounds:
            numbers[name] += 1
            ds = decisions.get(r.id, [])
            scenario = counter.scenario(sf.key, sf.text, sf.content_hash)
            scored = [d for d in ds if d.verdict is not None]
            bad = [d for d in scored if d.verdict not in OK_VERDICTS]
            regrets = [d.regret for d in ds if d.regret is not None]
            row = RoundRow(name, numbers[name], r.id, sf.key, sf.name,
                           "turns" if scenario.objective == "makespan" else "points", r.seed, r.started_at,
                           r.finished, r.abandoned, r.value, r.turns, r.served, r.optimum,
                           _expert_value(scored), len(ds), len(scored), len(bad),
                           float(sum(regrets)) if regrets else None, len(tips.get(r.id, ())))
            reports[name].rounds.append(row)
            reports[name].tips += [TipRow(row.number, r.id, tick, rule, text) for tick, rule, text in tips.get(r.id, ())]
            if bad:
                expert_hash = r.expert.file_hash if r.expert_id is not None else None
                counter.add(name, scenario, sf.content_hash, r.seed, expert_hash, bad,
                            all_decisions=ds)
    for name, rep in reports.items():
        rep.mistakes = counter.top(name, mistakes)
    return GroupReport([reports[n] for n in people], datetime.now(timezone.utc), store.url)


def _expert_value(scored) -> float | None:
    for d in scored:
        v = (d.score or {}).get("expert_value")
        if v is not None:
            return float(v)
    return None


def _chunks(xs: list, n: int):
    for i in range(0, len(xs), n):
        yield xs[i:i + n]
