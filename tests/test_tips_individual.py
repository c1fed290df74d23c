"""The individual population of the simulated experiment (tips/trainees.py
NearExpertTrainee, tips/population.py vocabulary_habits, individual_models):
near-expert trainees who go wrong only by their own habits and slips."""
import json

import pytest

from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen
from tips.population import individual_models, vocabulary_habits
from tips.trainees import HABIT_SCALE, IndividualModel, NearExpertTrainee, RuleHabit


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("KITCHEN_COACH_CACHE", str(tmp_path_factory.getbasetemp() / "tips-cache"))


@pytest.fixture(scope="module")
def burger():
    from tips.coach import expert_for
    from tips.mining import mine

    sc = load_scenario("burger")
    expert = expert_for(sc, progress=False)
    return sc, expert, mine(sc, expert, episodes=30, iterations=400, chains=2)


def test_without_habits_or_slips_it_decides_as_the_expert(burger):
    sc, expert, _ = burger
    t = NearExpertTrainee("exact", sc, IndividualModel(slip=0.0), seed=3, expert=expert)
    steps = t.play(Kitchen(sc, 0))
    assert steps
    for state, decision in steps:
        plan = {w: j for w, j in expert(Kitchen(sc, 0), state).items() if j != IDLE}
        assert {w: j for w, j in decision.items() if j != IDLE} == plan


def test_a_near_expert_needs_its_expert():
    with pytest.raises(ValueError, match="plays like an expert"):
        NearExpertTrainee("nobody", load_scenario("burger"), IndividualModel())


def test_a_habit_acts_in_its_situation_and_nowhere_else(burger):
    sc, expert, mined = burger
    habit = RuleHabit("server", "cook", HABIT_SCALE, ("open:chop",))  # strength HABIT_SCALE: it always wins
    t = NearExpertTrainee("habit", sc, IndividualModel(rule_habits=(habit,), slip=0.0), seed=5, expert=expert)
    kitchen = Kitchen(sc, 0)
    server = next(w for w, wk in enumerate(sc.workers) if wk.role == "server")
    acted = 0
    for state, decision in t.play(kitchen):
        if server not in kitchen.idle_workers(state):
            continue
        plan = expert(kitchen, state)
        holds = bool(mined.vocab.features(kitchen, state, server)[mined.vocab.index["open:chop"]])
        cooks = [j for j in kitchen.for_worker(server, kitchen.open_tasks(state)) if kitchen.tasks[j].type == "cook"]
        took = decision.get(server, IDLE)
        if not holds:
            assert took == plan.get(server, IDLE)  # nobody else deviates, so its own task is free
        elif cooks:
            others = {j for w, j in decision.items() if w != server}
            assert (took != IDLE and kitchen.tasks[took].type == "cook") or set(cooks) <= others
            acted += took != IDLE and kitchen.tasks[took].type == "cook" and took != plan.get(server)
    assert acted > 0


def test_the_individual_population_draws_costly_habits_from_the_vocabulary(burger):
    sc, expert, mined = burger
    habits = vocabulary_habits(mined, expert)
    assert len(habits) > 10  # far more than the mined list has rules: people differ
    fastest = {k: min(d for w in sc.workers if (d := w.ticks(k)) is not None) for k in sc.task_types}
    for h in habits:
        (key,) = h.conditions
        assert key in mined.vocab.index and not key.startswith(("me:", "best:"))
        assert min(w.ticks(h.task_type) for w in sc.workers if w.role == h.role) > fastest[h.task_type]
    people = individual_models(sc, 20, seed=4, mined=mined, expert=expert)
    assert people == individual_models(sc, 20, seed=4, mined=mined, expert=expert)
    assert people != individual_models(sc, 20, seed=5, mined=mined, expert=expert)
    drawn = {(h.role, h.task_type, h.conditions) for h in habits}
    for m in people:
        assert 1 <= len(m.rule_habits) <= 3
        assert all((h.role, h.task_type, h.conditions) in drawn and 2.5 <= h.strength <= 4.5 for h in m.rule_habits)
        assert 0.03 <= m.slip <= 0.07 and 0.6 <= m.follow <= 0.95
    assert len({m.rule_habits for m in people}) > 15  # nearly everyone has habits of their own


def test_advice_against_a_near_experts_habit_wears_it_down(burger):
    sc, expert, mined = burger
    from tips.gains import mined_tips

    habit = RuleHabit("server", "cook", 4.0, ("open:cook",))  # the list tells the server to stay idle there
    model = IndividualModel(rule_habits=(habit,), slip=0.0, follow=1.0, learn=0.2)
    alone = NearExpertTrainee("alone", sc, model, seed=2, expert=expert)
    coached = NearExpertTrainee("coached", sc, model, seed=2, expert=expert)
    alone.play(Kitchen(sc, 0))
    coached.play(Kitchen(sc, 0), mined_tips(mined))
    assert alone._rule_pull[0][2] == 4.0  # experience alone does not fade a habit
    assert coached._rule_pull[0][2] < 4.0


def test_experiment_with_the_individual_population(capsys):
    from gui.cli import main

    assert main(["experiment", "taco-demo", "--trainees", "2", "--rounds", "2", "--seed", "1",
                 "--population", "individual", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["conditions"]) == {"none", "fixed", "mined", "personalised"}
    assert all(len(c["suboptimal_pct"]) == 2 for c in out["conditions"].values())
    assert out["habits"] and all(" when " in h for h in out["habits"])
    assert main(["experiment", "taco-demo", "--trainees", "2", "--rounds", "1", "--population", "individual",
                 "--db", "sqlite:///nowhere.db"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the individual population needs no records" in err[0], err
