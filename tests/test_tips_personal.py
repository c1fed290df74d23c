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
    from engine.scoring import MoveScorer
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
        assert sum(deviations) >= len(deviations) / 2, (tip.text, deviations)
        tops[habit.label] = tip
    assert tops["server:cook"].key != tops["chef:plate"].key
