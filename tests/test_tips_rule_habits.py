"""Habits in the tips' own words (tips/trainees.py RuleHabit, tips/population.py
rule_habits): drawn from the mined list's cells, acted out only in their rule's
situation, worn down by advice taken against them there, and the mixed
population of the experiment is made of them."""
import pytest

from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen
from engine.trainee_sim import HabitTrainee
from tips.gains import roles_tip
from tips.population import mixed_models, rule_habits
from tips.trainees import RuleHabit, RuleHabitModel, SimulatedTrainee, TraineeModel


@pytest.fixture(scope="module")
def mined():
    from tips.coach import expert_for
    from tips.mining import mine

    sc = load_scenario("burger")
    return mine(sc, expert_for(sc, progress=False), episodes=30, iterations=400, chains=2)


def _holds(mined, kitchen, state, w, habit):
    x = mined.vocab.features(kitchen, state, w)
    return bool(x[[mined.vocab.index[k] for k in habit.conditions]].all())


def test_rule_habits_come_from_the_list_and_can_act(mined):
    habits = rule_habits(mined)
    assert habits
    rules = {tuple(mined.keys(i)): mined.vocab.actions[mined.action(i)] for i in range(len(mined.rules.antecedents))}
    roles = {w.role for w in mined.scenario.workers}
    for h in habits:
        assert h.conditions in rules, "every habit is the situation of a rule of the list"
        assert h.task_type != rules[h.conditions], "and pulls away from what the rule says"
        assert h.role in roles and mined.scenario.task_types.count(h.task_type) == 1
        named = [k[3:] for k in h.conditions if k.startswith("me:")]
        assert not named or named == [h.role]
        # "best:k" holds only for the quickest at k: no habit for a role that never is
        for k in (k[5:] for k in h.conditions if k.startswith("best:")):
            fastest = min(d for w in mined.scenario.workers if (d := w.ticks(k)) is not None)
            assert any(w.ticks(k) == fastest for w in mined.scenario.workers if w.role == h.role)


def _picks(trainee, mined, habit, rounds=3, tips=()):
    """(situation holds, took the habit's type) for each free worker of the
    habit's role with a task of that type open to it."""
    out = []
    for _ in range(rounds):
        k = Kitchen(mined.scenario)
        for s, d in trainee.play(k, tips):
            for w in k.idle_workers(s):
                if k.workers[w].role != habit.role:
                    continue
                if not any(k.tasks[j].type == habit.task_type for j in k.for_worker(w, k.open_tasks(s))):
                    continue
                j = d.get(w, IDLE)
                out.append((_holds(mined, k, s, w, habit), j != IDLE and k.tasks[j].type == habit.task_type))
    return out


def _rate(picks, where):
    chosen = [took for holds, took in picks if holds == where]
    return sum(chosen) / len(chosen) if chosen else None


def test_a_rule_habit_acts_in_its_situation_only(mined):
    habit = max(rule_habits(mined), key=lambda h: len(h.conditions))
    habit = RuleHabit(habit.role, habit.task_type, 4.0, habit.conditions)
    plain, habitual = [], []
    for seed in range(4):
        plain += _picks(SimulatedTrainee("plain", mined.scenario, seed=seed), mined, habit)
        habitual += _picks(SimulatedTrainee("habit", mined.scenario, RuleHabitModel(rule_habits=(habit,)),
                                            seed=seed), mined, habit)
    assert _rate(habitual, True) > _rate(plain, True) + 0.2
    # elsewhere it pulls nothing: a pair looks as it would without the habit
    t = SimulatedTrainee("habit", mined.scenario, RuleHabitModel(rule_habits=(habit,)), seed=0)
    k = Kitchen(mined.scenario)
    seen = set()
    for s, _ in t.play(k):
        t._seen = {}
        for w in k.idle_workers(s):
            for j in k.for_worker(w, k.open_tasks(s)):
                extra = t._value(k, s, w, j) - HabitTrainee._value(t, k, s, w, j)
                acts = (k.workers[w].role == habit.role and k.tasks[j].type == habit.task_type
                        and _holds(mined, k, s, w, habit))
                assert extra == pytest.approx(habit.strength if acts else 0.0)
                seen.add(acts)
    assert seen == {True, False}


def test_advice_against_a_rule_habit_wears_it_down(mined):
    habit = rule_habits(mined)[0]
    rule = next(i for i in range(len(mined.rules.antecedents)) if tuple(mined.keys(i)) == habit.conditions)
    tip = roles_tip(mined, rule, (habit.role,))
    model = RuleHabitModel(follow=1.0, learn=0.3, rule_habits=(habit,))
    learner = SimulatedTrainee("learner", mined.scenario, model, seed=0)
    for _ in range(3):
        learner.play(Kitchen(mined.scenario), [tip])
    assert learner._rule_pull[0][2] < habit.strength
    never = SimulatedTrainee("never", mined.scenario, RuleHabitModel(follow=1.0, learn=0.0, rule_habits=(habit,)))
    never.play(Kitchen(mined.scenario), [tip])
    assert never._rule_pull[0][2] == habit.strength


def test_the_mixed_population_has_rule_habits_drawn_from_the_seed(mined):
    sc = mined.scenario
    people = mixed_models(sc, 30, seed=4, mined=mined)
    assert people == mixed_models(sc, 30, seed=4, mined=mined)
    cells = set(rule_habits(mined))
    for m in people:
        assert isinstance(m, RuleHabitModel) and not m.habits
        assert 1 <= len(m.rule_habits) <= 3
        assert {RuleHabit(h.role, h.task_type, conditions=h.conditions) for h in m.rule_habits} <= cells
    assert len({m.rule_habits for m in people}) > 10, "people differ"
    # without a list, the (role, task type) habits of before
    assert all(type(m) is TraineeModel and m.habits for m in mixed_models(sc, 5, seed=4))
