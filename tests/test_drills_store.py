"""The mistake queue in the records (engine/records/drills.py, revision 0006):
a round's mistakes and blunders queue once, right answers push an item out
on the schedule, wrong ones keep it due, fresh positions of the same rule
come from other rounds, and all of it survives reopening the database."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.accuracy import record_accuracy
from engine.records.drills import FIRST_INTERVAL, next_review
from engine.records.models import utcnow
from engine.records.store import StoreError, open_store
from engine.scenario import load_scenario
from engine.simulator import Kitchen
from tests.test_records_store import db_url  # noqa: F401 (fixtures: SQLite and PostgreSQL)

VERDICT_OF = {0: "best", 1: "inaccuracy", 2: "mistake", 3: "blunder"}


def stored_round(store, trainee="ada", regrets=(0, 2, 1, 3, 0)):
    """A burger round whose decided ticks carry these regrets (turns) and their verdicts."""
    scenario = load_scenario("burger")
    person = store.person(trainee)
    rid = store.start_round(store.start_session(person, "none"), scenario, 0)
    k = Kitchen(scenario, 0)
    s, ticks = k.initial_state(), []
    for r in regrets:
        while not k.has_decision(s):
            s, _ = k.step(s, {})
        store.record_decision(rid, s.tick, {}, {"regret": float(r), "verdict": VERDICT_OF[r], "expert_decision": {}})
        ticks.append(s.tick)
        s, _ = k.step(s, {})
    return person, rid, ticks


def test_schedule_pushes_right_answers_out_and_brings_wrong_ones_back():
    now = utcnow()
    hours, due = next_review(0.0, True, now)
    assert hours == 24 and due == now + FIRST_INTERVAL
    hours2, due2 = next_review(hours, True, now)
    assert hours2 == 60 and due2 == now + timedelta(hours=60)
    assert next_review(hours2, False, now) == (0.0, now)


def test_mistakes_queue_once_and_move_on_the_schedule(db_url):  # noqa: F811
    with open_store(db_url) as store:
        person, rid, ticks = stored_round(store)
        assert store.queue_mistakes(rid, {ticks[1]: ("Alice", "when x then idle", "Leave Alice idle")}) == 2
        assert store.queue_mistakes(rid) == 0                     # already queued
        due = store.due_mistakes(person)
        assert [(m.tick, m.verdict) for m in due] == [(ticks[1], "mistake"), (ticks[3], "blunder")]
        assert due[0].rule_text == "Leave Alice idle" and due[0].scenario == "burger"
        store.tag_mistake(rid, ticks[3], "Carol", "when y then cook", "Carol cooks")
        assert store.mistake(rid, ticks[3]).rule == "when y then cook"
        # a wrong answer keeps it due; a right one takes it out of the due queue
        wrong = store.answer_mistake(due[0].id, person, False, regret=2.0)
        assert wrong.due() and wrong.lapses == 1 and wrong.streak == 0
        right = store.answer_mistake(due[0].id, person, True, regret=0.0)
        assert not right.due() and right.interval_hours == 24 and right.streak == 1
        assert [m.tick for m in store.due_mistakes(person)] == [ticks[3]]
        # a day and more later it is due again
        assert sorted(m.tick for m in store.due_mistakes(person, now=utcnow() + timedelta(days=2))) == [ticks[1], ticks[3]]
        summary = store.drill_summary(person)
        assert (summary.queued, summary.due, summary.attempts, summary.correct) == (2, 1, 2, 1)
        assert summary.by_rule == [("Leave Alice idle", 2, 1)]
        with pytest.raises(StoreError):
            store.answer_mistake(99999, person, True)
        with pytest.raises(StoreError):
            store.tag_mistake(rid, 999, "", "", "")


def test_fresh_positions_of_the_same_rule_come_from_other_rounds(db_url):  # noqa: F811
    with open_store(db_url) as store:
        ada, r1, t1 = stored_round(store, "ada", (2, 0))
        bo, r2, t2 = stored_round(store, "bo", (0, 3))
        store.queue_mistakes(r1, {t1[0]: ("Alice", "rule-a", "Rule A")})
        store.queue_mistakes(r2, {t2[1]: ("Alice", "rule-a", "Rule A")})
        fresh = store.fresh_positions(ada, "rule-a", exclude_round=r1)
        assert [(m.person, m.round_id) for m in fresh] == [("bo", r2)]
        # answering another trainee's position records it for ada and leaves bo's schedule alone
        store.answer_mistake(fresh[0].id, ada, True, 0.0)
        assert store.mistake(r2, t2[1]).due() and store.mistake(r2, t2[1]).reps == 0
        assert store.drill_summary(ada).attempts == 1 and store.drill_summary(bo).attempts == 0
        assert store.fresh_positions(ada, "") == []


def test_drill_state_survives_reopening(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    with open_store(url) as store:
        person, rid, ticks = stored_round(store)
        store.queue_mistakes(rid)
        first = store.due_mistakes(person)[0]
        store.answer_mistake(first.id, person, True, 0.0)
    with open_store(url) as again:
        person = again.find_person("ada")
        item = again.mistake(rid, first.tick)
        assert item.streak == 1 and not item.due()
        assert len(again.due_mistakes(person)) == 1


def test_round_accuracy_from_the_stored_regrets(db_url):  # noqa: F811
    with open_store(db_url) as store:
        person, rid, _ = stored_round(store, regrets=(0, 3))
        acc = store.round_accuracies(person)
        assert acc[rid] == pytest.approx(62.5)
        assert record_accuracy(store.load_round(rid)) == pytest.approx(62.5)
