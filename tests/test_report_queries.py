"""The store's report queries (engine/records/report_queries.py) against the
rows they sum: SQLite and, where KITCHEN_COACH_TEST_PG is set, PostgreSQL."""
from __future__ import annotations

import pytest

from engine.records.store import open_store
from engine.records.views import ABANDONED, CUT, FINISHED, UNFINISHED, round_kind
from engine.scenario import load_scenario
from tests.report_helpers import kinds_db
from tests.test_records_store import db_url  # noqa: F401 (fixtures: SQLite and PostgreSQL)

OK = ("best", "good")


@pytest.fixture
def filled(db_url):  # noqa: F811
    with open_store(db_url) as store:
        ids = kinds_db(store, load_scenario("burger"), load_scenario("pasta"))
        yield store, ids


def test_trainees_with_their_latest_condition(filled):
    store, _ = filled
    store.person("Sam", "supervisor")
    refs = store.trainee_refs()
    assert [(r.name, r.condition) for r in refs] == [("Ada", "mined"), ("Bo", "fixed")]
    assert [r.name for r in store.trainee_refs(["Bo", "Nobody"])] == ["Bo"]


def test_round_figures_equal_the_rows(filled):
    store, ids = filled
    refs = store.trainee_refs()
    figures = store.round_figures([r.id for r in refs])
    history = [i for r in refs for i in store.history(r.id)]
    assert [f.info for f in figures] == history   # the same RoundInfo the store hands out elsewhere
    for f in figures:
        rec = store.load_round(f.info.id)
        scored = [d for d in rec.decisions if d.verdict is not None]
        assert (f.scored, f.suboptimal, f.tips) == \
            (len(scored), sum(d.verdict not in OK for d in scored), len(rec.tips))
        assert f.unit == "turns" and f.expert_hash is None
        assert f.condition == ("fixed" if f.info.id == ids["bo"] else "none" if f.info.person == "Bo" else "mined")
    kinds = {f.info.id: f.kind for f in figures}
    assert [kinds[i] for i in ids["finished"] + ids["pasta"]] == [FINISHED] * 6
    assert (kinds[ids["unfinished"]], kinds[ids["abandoned"]], kinds[ids["cut"]]) == (UNFINISHED, ABANDONED, CUT)
    assert round_kind(store.round_info(ids["cut"])) == CUT


def test_expert_values_costly_rounds_and_tips(filled):
    store, ids = filled
    every = [f.info.id for f in store.round_figures([r.id for r in store.trainee_refs()])]
    values = store.first_expert_values(every)
    costly = store.costly_rounds(every)
    tips = store.tips_shown(every)
    for rid in every:
        rec = store.load_round(rid)
        scored = [d for d in rec.decisions if d.verdict is not None]
        assert values.get(rid) == (scored[0].score["expert_value"] if scored else None)
        if any(d.verdict not in OK for d in scored):
            assert [(d.tick, d.verdict, d.decision) for d in costly[rid]] == \
                [(d.tick, d.verdict, d.named) for d in rec.decisions]
        else:
            assert rid not in costly
        assert tips.get(rid, []) == rec.tips
    assert [t.text for t in tips[ids["finished"][1]]] == ["Plate early."]
