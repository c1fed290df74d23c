"""Store methods for the supervisor's desk and the progress reports (a part of
`Store`, engine/records/store.py): aggregate figures per round from grouped
queries, so a list of a thousand trainees never loads their decisions, and the
few rows a trainee's report needs beyond that. Plain frozen dataclasses out
(engine/records/views.py)."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator, Sequence

from sqlalchemy import case, func, select

from engine.records.models import TRAINEE, Decision, ExpertFile, Person, Round, ScenarioFile, TipShown, TrainingSession
from engine.records.views import DecisionRow, RoundFigures, RoundInfo, TipInfo, TraineeRef

OK_VERDICTS = ("best", "good")   # as engine/traces/table.py counts % suboptimal
CHUNK = 500                      # ids per IN (...): under SQLite's limit on bound parameters


def chunks(xs: Sequence, n: int = CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


class ReportQueries:
    """Mixed into Store (self.Session is its sessionmaker)."""

    def trainee_refs(self, names: Iterable[str] | None = None) -> list[TraineeRef]:
        """Trainees by name (all of them when `names` is None), each with the
        condition of their latest session."""
        latest = (select(TrainingSession.condition).where(TrainingSession.person_id == Person.id)
                  .order_by(TrainingSession.started_at.desc(), TrainingSession.id.desc()).limit(1)
                  .scalar_subquery())
        q = select(Person.id, Person.name, latest).where(Person.role == TRAINEE).order_by(Person.name)
        if names is not None:
            q = q.where(Person.name.in_([n.strip() for n in names]))
        with self.Session.begin() as s:
            return [TraineeRef(pid, name, cond or "") for pid, name, cond in s.execute(q)]

    def round_figures(self, person_ids: Sequence[int]) -> list[RoundFigures]:
        """Every round of these people, by name then oldest first, with counts
        from grouped queries over their decisions and tips."""
        out: list[RoundFigures] = []
        with self.Session.begin() as s:
            for ids in chunks(list(person_ids)):
                # columns, not ORM rows: a thousand trainees' rounds build in a fraction of the time
                q = (select(Round.id, Round.session_id, Person.name, ScenarioFile.key, ScenarioFile.name, Round.seed,
                            Round.policy, Round.started_at, Round.finished, Round.abandoned, Round.value, Round.turns,
                            Round.served, Round.optimum, Round.imported, TrainingSession.condition,
                            ScenarioFile.content_hash, ExpertFile.file_hash)
                     .join(TrainingSession, Round.session_id == TrainingSession.id)
                     .join(Person, TrainingSession.person_id == Person.id)
                     .join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
                     .outerjoin(ExpertFile, Round.expert_id == ExpertFile.id)
                     .where(TrainingSession.person_id.in_(ids))
                     .order_by(Person.name, Round.started_at, Round.id))
                rows = s.execute(q).all()
                rids = [r[0] for r in rows]
                counts = self._decision_counts(s, rids)
                tips = self._tip_counts(s, rids)
                units = {h: self.scenario_unit(h, s) for h in {r[16] for r in rows}}
                for *cols, condition, chash, ehash in rows:
                    n, scored, bad, regret = counts.get(cols[0], (0, 0, 0, None))
                    info = RoundInfo(*cols, n, regret)
                    out.append(RoundFigures(info, condition or "", units[chash], scored, bad,
                                            tips.get(cols[0], 0), chash, ehash))
        return out

    @staticmethod
    def _decision_counts(s, round_ids: Sequence[int]) -> dict[int, tuple]:
        out = {}
        bad = case((Decision.verdict.is_(None), 0), (Decision.verdict.in_(OK_VERDICTS), 0), else_=1)
        for ids in chunks(round_ids):
            q = (select(Decision.round_id, func.count(Decision.id), func.count(Decision.verdict), func.sum(bad),
                        func.sum(Decision.regret))
                 .where(Decision.round_id.in_(ids)).group_by(Decision.round_id))
            for rid, n, scored, nbad, regret in s.execute(q):
                out[rid] = (n, scored, int(nbad or 0), None if regret is None else float(regret))
        return out

    @staticmethod
    def _tip_counts(s, round_ids: Sequence[int]) -> dict[int, int]:
        out = {}
        for ids in chunks(round_ids):
            q = select(TipShown.round_id, func.count(TipShown.id)).where(TipShown.round_id.in_(ids)) \
                .group_by(TipShown.round_id)
            out.update(dict(s.execute(q).all()))
        return out

    def scenario_unit(self, content_hash: str, session=None) -> str:
        """"turns" (makespan scenarios) or "points" (reward ones), per stored scenario."""
        units = self.__dict__.setdefault("_scenario_units", {})
        if content_hash not in units:
            key, text = self.scenario_text(content_hash, session)
            from engine.scenario import parse_scenario
            units[content_hash] = parse_scenario(text, key).unit
        return units[content_hash]

    def scenario_text(self, content_hash: str, session=None) -> tuple[str, str]:
        """(key, text) of a stored scenario (kept: a stored scenario never changes)."""
        texts = self.__dict__.setdefault("_scenario_texts", {})
        if content_hash not in texts:
            q = select(ScenarioFile.key, ScenarioFile.text).where(ScenarioFile.content_hash == content_hash)
            if session is not None:
                texts[content_hash] = tuple(session.execute(q).one())
            else:
                with self.Session.begin() as s:
                    texts[content_hash] = tuple(s.execute(q).one())
        return texts[content_hash]

    def first_expert_values(self, round_ids: Sequence[int]) -> dict[int, float]:
        """Per round, the expert's outcome over the whole round: the `expert_value`
        of its first scored decision (ticks before it are ones where nobody could act)."""
        out = {}
        with self.Session.begin() as s:
            for ids in chunks(list(round_ids)):
                first = (select(Decision.round_id, func.min(Decision.tick).label("tick"))
                         .where(Decision.round_id.in_(ids), Decision.verdict.is_not(None))
                         .group_by(Decision.round_id).subquery())
                q = select(Decision.round_id, Decision.score).join(
                    first, (Decision.round_id == first.c.round_id) & (Decision.tick == first.c.tick))
                for rid, score in s.execute(q):
                    v = (score or {}).get("expert_value")
                    if v is not None:
                        out[rid] = float(v)
        return out

    def costly_rounds(self, round_ids: Sequence[int]) -> dict[int, list[DecisionRow]]:
        """Every decision of those rounds that hold a costly one (verdict neither
        best nor good), in tick order: what naming mistakes needs."""
        out: dict[int, list[DecisionRow]] = defaultdict(list)
        with self.Session.begin() as s:
            for ids in chunks(list(round_ids)):
                costly = (select(Decision.round_id).where(Decision.round_id.in_(ids), Decision.verdict.is_not(None),
                                                          Decision.verdict.not_in(OK_VERDICTS)).distinct())
                q = (select(Decision.round_id, Decision.tick, Decision.verdict, Decision.regret, Decision.decision,
                            Decision.expert_decision, Decision.per_worker)
                     .where(Decision.round_id.in_(costly)).order_by(Decision.round_id, Decision.tick))
                for row in s.execute(q):
                    out[row.round_id].append(DecisionRow(*row))
        return dict(out)

    def tips_shown(self, round_ids: Sequence[int]) -> dict[int, list[TipInfo]]:
        out: dict[int, list[TipInfo]] = defaultdict(list)
        with self.Session.begin() as s:
            for ids in chunks(list(round_ids)):
                q = (select(TipShown.round_id, TipShown.tick, TipShown.rule, TipShown.text)
                     .where(TipShown.round_id.in_(ids)).order_by(TipShown.round_id, TipShown.id))
                for rid, tick, rule, text in s.execute(q):
                    out[rid].append(TipInfo(tick, rule, text))
        return dict(out)
