"""Personal tips, with the real expert and move scorer: two simulated trainees
with different habitual mistakes get different top tips, each about its own
mistake."""
import pytest

from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen
from tips.gains import PlayedRound, cell_stats, top_tips
from tips.trainees import Habit, SimulatedTrainee, TraineeModel


@pytest.fixture(scope="module")
def coach_parts(tmp_path_factory):
    from engine.expert.scoring import MoveScorer
    from tips.coach import expert_for
    from tips.mining import mine

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KITCHEN_COACH_CACHE", str(tmp_path_factory.mktemp("cache")))
        sc = load_scenario("burger")
        expert = expert_for(sc, minutes=0.3, progress=False)  # the shipped one when there is one
    mined = mine(sc, expert, episodes=40, iterations=600, chains=2)
    return sc, mined, MoveScorer(expert)


def _rounds(sc, habit, seed, n=4):
    t = SimulatedTrainee(habit.label, sc, TraineeModel(habits=(habit,)), seed=seed)
    out = []
    for _ in range(n):
        k = Kitchen(sc)
        out.append(PlayedRound(k, t.play(k)))
    return out


def _deviations(tip, mined, rounds, habit):
    """For each time the tip applied and the trainee did otherwise: was the
    habit being acted out in that decision (the habit's role given a task of
    the habit's type)?"""
    out = []
    for rnd in rounds:
        k = rnd.kitchen
        for s, d in rnd.steps:
            habit_here = any(k.workers[w].role == habit.role and j != IDLE and k.tasks[j].type == habit.task_type
                             for w, j in d.items())
            for w in k.idle_workers(s):
                if tip.applies(k, s, w) and mined.vocab.action_class(k, d.get(w, IDLE)) != mined.action(tip.rule):
                    out.append(habit_here)
    return out


@pytest.mark.slow
def test_different_habits_get_different_tips_about_their_own_mistake(coach_parts):
    sc, mined, scorer = coach_parts
    server_cooks, chef_plates = Habit("server", "cook", 4.0), Habit("chef", "plate", 4.0)
    tops = {}
    for habit in (server_cooks, chef_plates):
        rounds = _rounds(sc, habit, seed=11)
        top = top_tips(cell_stats(mined, scorer, rounds), n=1)
        assert top, f"no tip would have helped the trainee with habit {habit.label}"
        tip = top[0].tip
        # about the mistake: it speaks to the habit's role, or hands the habit's task type to someone else
        action = mined.vocab.actions[mined.action(tip.rule)]
        assert habit.role in tip.roles or action == habit.task_type, tip.text
        deviations = _deviations(tip, mined, rounds, habit)
        # a third, not a half, since the default rule (often the closest fit) is no tip any more
        assert sum(deviations) >= len(deviations) / 3, (tip.text, deviations)
        tops[habit.label] = tip
    assert tops["server:cook"].key != tops["chef:plate"].key


@pytest.mark.slow
def test_tips_over_time_from_the_records(coach_parts, tmp_path):
    from engine.records.store import open_store
    from tips.history import next_tips, stored_rounds

    sc, mined, scorer = coach_parts
    db = f"sqlite:///{tmp_path / 'records.db'}"
    with open_store(db) as store:
        session = store.start_session(store.person("bo"), condition="personalised")
        trainee = SimulatedTrainee("bo", sc, TraineeModel(habits=(Habit("chef", "plate", 4.0),)), seed=5)
        shown = []
        for r in range(3):
            tips, used = next_tips(store, sc, "bo", "personalised", mined, scorer)
            assert used == r and 1 <= len(tips) <= 3 and len({t.rule for t in tips}) == len(tips)
            rid = store.start_round(session, sc, 0)
            for s, d in trainee.play(Kitchen(sc), [t.tip for t in tips]):
                store.record_decision(rid, s.tick, d, tips=[{"rule": t.rule, "text": t.text} for t in tips])
            if r < 2:
                store.finish_round(rid)  # the last stays unfinished, and counts all the same
            shown.append(tuple(t.rule for t in tips))
        rounds = stored_rounds(store, sc, store.find_person("bo"))
        assert [r.shown for r in rounds] == shown and [r.finished for r in rounds] == [True, True, False]
        tips, used = next_tips(store, sc, "bo", "personalised", mined, scorer)
    assert used == 3 and all(t.tip is not None and t.text and t.why is not None for t in tips)
