"""The trainee policy: learns a simulated trainee's habit and reproduces it."""
import numpy as np
import pytest
import torch

from engine.policies import greedy_policy, play_round
from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen
from engine.traces.generate import habit_policy
from engine.traces.trainee import fit_trainee, load_trainee


def rounds_of(sc, policy, n, seed):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        k = Kitchen(sc, i)
        record = []
        final = play_round(k, policy, rng, record)
        out.append((k, [s for s, _ in record] + [final], {s.tick: d for s, d in record}))
    return out


def server_cook_share(rounds):
    cooks = [k.workers[w].role == "server" for k, _, ds in rounds for d in ds.values()
             for w, j in d.items() if j != IDLE and k.tasks[j].type == "cook"]
    return sum(cooks) / len(cooks)


@pytest.fixture(scope="module")
def research():
    torch.set_num_threads(1)
    return load_scenario("research-normal")  # the published kitchen: GAME.md fixes it


@pytest.fixture(scope="module")
def habit_model(research):
    habit = habit_policy(greedy_policy, "server", "cook", explore=0.2)
    data = rounds_of(research, habit, 40, seed=1)
    assert server_cook_share(data) == 0
    return fit_trainee(data, seed=0)


def test_held_out_accuracy_on_a_trainee_with_a_known_habit(habit_model):
    m = habit_model.metrics
    assert m["held_out_rounds"] == 8 and m["held_out_choices"] > 50
    # the habit policy follows greedy 80% of the time; uniform guessing gets under a half
    assert m["held_out_accuracy"] >= 0.7
    assert m["held_out_accuracy"] > m["held_out_chance"] + 0.3


def test_the_this_trainee_condition_reproduces_the_habit(research, habit_model):
    simulated = rounds_of(research, habit_model.policy(), 40, seed=7)
    assert server_cook_share(simulated) <= 0.01
    # and the same training on a trainee without the habit does let the server cook
    free = rounds_of(research, habit_policy(greedy_policy, "nobody", "cook", explore=0.2), 40, seed=2)
    assert server_cook_share(free) > 0.03
    free_sim = rounds_of(research, fit_trainee(free, seed=0).policy(), 40, seed=7)
    assert server_cook_share(free_sim) > 0.02


def test_policy_protocol_gives_legal_decisions_on_other_scenarios(habit_model):
    # unseen roles and task types fall into the model's "other" slot
    for name in ("pasta", "rush", "dinner-service"):
        k = Kitchen(load_scenario(name), 3)
        final = play_round(k, habit_model.policy(), np.random.default_rng(0))  # steps with check=False
        s = k.initial_state()
        rng = np.random.default_rng(0)
        while not s.done:
            d = habit_model.policy()(k, s, rng) if k.has_decision(s) else {}
            s, _ = k.step(s, d)  # raises on an illegal decision
        assert final.done and s.done


def test_saved_model_decides_the_same(habit_model, tmp_path, research):
    path = tmp_path / "ann.pt"
    habit_model.save(path)
    back = load_trainee(path)
    assert back.metrics == habit_model.metrics
    k = Kitchen(research, 0)
    s = k.initial_state()
    c1, p1 = habit_model.probabilities(k, s, 0, (), (1, 2))
    c2, p2 = back.probabilities(k, s, 0, (), (1, 2))
    assert c1 == c2 and np.allclose(p1, p2)
    greedy = back.policy(sample=False)
    assert greedy(k, s, None) == greedy(k, s, None)


def test_nothing_to_learn_is_refused(research):
    with pytest.raises(ValueError, match="no rounds"):
        fit_trainee([])
