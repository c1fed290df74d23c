"""What the supervisor's desk shows and the reports print, from the store's
report queries (engine/records/report_queries.py; no Qt here, so the headless
CSV path stays light).

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
- round kinds (engine/records/views.py round_kind): finished, unfinished,
  abandoned, cut. Only finished rounds count in trends and headlines, and
  those are per scenario (a no-chef kitchen is not a worse normal one).
- most frequent mistakes: see gui/reports/mistakes.py.

A light report (`overview`) has the rounds' counts only: the desk's list. A
full one (`complete`) adds expert values, tips and mistakes, a batch of
trainees at a time, so an all-trainees report never holds more than a batch.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator, Sequence

from engine.records.report_queries import chunks
from engine.records.store import StoreError
from engine.records.views import FINISHED, ROUND_KINDS, RoundFigures, TraineeRef
from gui.reports.mistakes import Mistake, MistakeCounter

BATCH = 50   # trainees whose full figures are read together


@dataclass(frozen=True)
class RoundRow:
    """A stored round's figures (RoundFigures, RoundInfo) as the trainee's n-th round."""
    figures: RoundFigures
    number: int                # the trainee's n-th round, all scenarios, oldest first
    expert_value: float | None = None

    def __getattr__(self, name):  # the figures' and the round's own fields: value, scored, scenario, ...
        figures = object.__getattribute__(self, "figures")
        try:
            return getattr(figures, name)
        except AttributeError:
            return getattr(figures.info, name)

    @property
    def trainee(self) -> str:
        return self.figures.info.person

    @property
    def total_regret(self) -> float | None:
        return self.figures.info.total_regret

    @property
    def suboptimal_pct(self) -> float | None:
        return 100.0 * self.figures.suboptimal / self.figures.scored if self.figures.scored else None

    @property
    def higher_is_better(self) -> bool:
        return self.figures.unit == "points"

    @property
    def outcome_text(self) -> str:
        """The outcome as tables show it: the value, or what kind of round it is."""
        kind = self.figures.kind
        if kind != FINISHED or self.value is None:
            return kind
        return fmt_value(self.value)


def fmt_value(x: float | None, digits: int = 1) -> str:
    """A figure rounded to what it means: whole numbers as they are, others to `digits`."""
    if x is None:
        return "–"
    x = float(x)
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    return f"{x:.{digits}f}"


@dataclass(frozen=True)
class TipRow:
    round_number: int
    round_id: int
    tick: int
    rule: str
    text: str


@dataclass(frozen=True)
class Headline:
    scenario: str
    scenario_name: str
    finished: int
    first: float | None   # mean % suboptimal of the first `n` finished rounds
    last: float | None    # ... of the last `n`
    n: int = 3            # 3, or 2 with fewer than 6 finished rounds: the two never overlap

    @property
    def text(self) -> str:
        """'Burger rush: 22.9% suboptimal in the first 3 finished rounds, 10.0% in the last 3'."""
        if self.first is None:
            return ""
        return (f"{self.scenario_name}: {self.first:.1f}% suboptimal in the first {self.n} finished rounds, "
                f"{self.last:.1f}% in the last {self.n}")


@dataclass
class TraineeReport:
    name: str
    rounds: list[RoundRow]
    mistakes: list[Mistake] = field(default_factory=list)
    tips: list[TipRow] = field(default_factory=list)
    condition: str = ""
    drills: str = ""      # Store.drill_summary in words; "" in a light report
    accuracy: dict = field(default_factory=dict)   # round id -> accuracy 0-100 (engine/accuracy.py)

    @property
    def latest(self) -> RoundRow | None:
        done = [r for r in self.rounds if r.finished]
        return done[-1] if done else None

    def kinds(self) -> Counter:
        return Counter(r.kind for r in self.rounds)

    def rounds_text(self) -> str:
        """'5' when every round was finished, else '5 of 12' (finished of all)."""
        done = sum(r.finished for r in self.rounds)
        return str(done) if done == len(self.rounds) else f"{done} of {len(self.rounds)}"

    def kinds_text(self) -> str:
        k = self.kinds()
        return ", ".join(f"{k[kind]} {kind}" for kind in ROUND_KINDS if k[kind]) or "no rounds"

    def finished(self, scenario: str | None = None) -> list[RoundRow]:
        return [r for r in self.rounds if r.finished and (scenario is None or r.scenario == scenario)]

    @property
    def trend_scenario(self) -> str | None:
        """The scenario of the trend: that of the latest finished round."""
        latest = self.latest
        return latest.scenario if latest else None

    def trend(self, last: int = 12, scenario: str | None = None) -> list[float]:
        """% suboptimal of the latest finished, scored rounds of one scenario
        (the latest one played by default), oldest first: the sparkline."""
        scenario = scenario or self.trend_scenario
        if scenario is None:
            return []
        return [r.suboptimal_pct for r in self.finished(scenario) if r.suboptimal_pct is not None][-last:]

    def headline(self, scenario: str, n: int = 3) -> Headline:
        """First against last finished rounds of one scenario, never overlapping:
        `n` rounds each, fewer (down to 2) when there are not 2n; none under 4."""
        done = self.finished(scenario)
        pcts = [r.suboptimal_pct for r in done if r.suboptimal_pct is not None]
        name = done[0].scenario_name if done else scenario
        n = min(n, len(pcts) // 2)
        if n < 2:
            return Headline(scenario, name, len(done), None, None, n)
        return Headline(scenario, name, len(done), _mean(pcts[:n]), _mean(pcts[-n:]), n)

    @property
    def period(self) -> tuple[datetime, datetime] | None:
        return (self.rounds[0].started_at, self.rounds[-1].started_at) if self.rounds else None

    def scenarios(self, finished_only: bool = False) -> list[str]:
        """Scenario keys played, most rounds first (finished rounds first of all)."""
        counts: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
        for r in self.rounds:
            done, n = counts[r.scenario]
            counts[r.scenario] = (done + r.finished, n + 1)
        keys = [k for k in counts if counts[k][0] or not finished_only]
        return sorted(keys, key=lambda k: (-counts[k][0], -counts[k][1], k))


@dataclass
class GroupReport:
    trainees: list[TraineeReport]
    created_at: datetime
    database: str
    group_mistakes: list[Mistake] | None = None

    @property
    def period(self) -> tuple[datetime, datetime] | None:
        ends = [t.period for t in self.trainees if t.period]
        return (min(p[0] for p in ends), max(p[1] for p in ends)) if ends else None

    @property
    def rounds(self) -> list[RoundRow]:
        return [r for t in self.trainees for r in t.rounds]

    def mistakes(self, n: int = 10) -> list[Mistake]:
        if self.group_mistakes is not None:
            return self.group_mistakes[:n]
        merged: dict = {}
        for t in self.trainees:
            merge_mistakes(merged, t.mistakes)
        return top_mistakes(merged, n)


def merge_mistakes(merged: dict, mistakes: list[Mistake]) -> None:
    for m in mistakes:
        old = merged.get((m.kind, m.label))
        merged[(m.kind, m.label)] = m if old is None else \
            Mistake(m.label, m.kind, old.count + m.count, old.regret + m.regret)


def top_mistakes(merged: dict, n: int) -> list[Mistake]:
    return sorted(merged.values(), key=lambda m: (-m.count, -m.regret, m.label))[:n]


def trainee_refs(store, trainee: str | None = None) -> list[TraineeRef]:
    """Every trainee, or the one named; StoreError for an unknown name."""
    if trainee is None:
        return store.trainee_refs()
    refs = store.trainee_refs([trainee])
    if not refs:
        raise StoreError(f"no trainee named {trainee!r} in {store.url}")
    return refs


def overview(store, refs: Sequence[TraineeRef]) -> list[TraineeReport]:
    """Light reports (rounds and their counts; no tips, mistakes or expert values)."""
    by_name: dict[str, list[RoundFigures]] = defaultdict(list)
    for f in store.round_figures([r.id for r in refs]):
        by_name[f.info.person].append(f)
    return [TraineeReport(ref.name, [RoundRow(f, i + 1) for i, f in enumerate(by_name.get(ref.name, []))],
                          condition=ref.condition) for ref in refs]


def complete(store, light: Sequence[TraineeReport], counter: MistakeCounter | None = None,
             mistakes: int = 8) -> list[TraineeReport]:
    """Full reports for these light ones: expert values, tips shown, mistakes."""
    counter = counter or MistakeCounter()
    ids = [r.id for t in light for r in t.rounds]
    values = store.first_expert_values(ids)
    tips = store.tips_shown(ids)
    costly = store.costly_rounds(ids)
    out = []
    for t in light:
        rows = [RoundRow(r.figures, r.number, values.get(r.id)) for r in t.rounds]
        shown = [TipRow(r.number, r.id, x.tick, x.rule, x.text) for r in rows for x in tips.get(r.id, ())]
        for r in rows:
            ds = costly.get(r.id)
            if ds:
                key, text = store.scenario_text(r.scenario_hash)
                scenario = counter.scenario(key, text, r.scenario_hash)
                bad = [d for d in ds if d.verdict is not None and d.verdict not in ("best", "good")]
                counter.add(t.name, scenario, r.scenario_hash, r.seed, r.expert_hash, bad, all_decisions=ds)
        person = store.find_person(t.name)   # their drills of their own mistakes (engine/records/drills.py)
        drills = store.drill_summary(person).words() if person is not None else ""
        accuracy = store.round_accuracies(person) if person is not None else {}
        out.append(TraineeReport(t.name, rows, counter.pop(t.name, mistakes), shown, t.condition, drills, accuracy))
    return out


def full_reports(store, light: Sequence[TraineeReport], mistakes: int = 8, batch: int = BATCH,
                 state=None) -> Iterator[TraineeReport]:
    """`complete`, a batch at a time; `state.check()` between batches when given."""
    counter = MistakeCounter()
    for group in chunks(list(light), batch):
        if state is not None:
            state.check()
        yield from complete(store, group, counter, mistakes)


def gather(store, trainee: str | None = None, mistakes: int = 8) -> GroupReport:
    """One trainee's full report (`trainee`), or every trainee's, in memory
    (the desk's dashboard, tests, small groups). Raises StoreError for an
    unknown name."""
    light = overview(store, trainee_refs(store, trainee))
    return GroupReport(list(full_reports(store, light, mistakes)), datetime.now(timezone.utc), store.url)


def _mean(xs) -> float | None:
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None
