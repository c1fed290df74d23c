"""The predicates a tip is written in, read off real kitchen states, and the
sentences rules become."""
import numpy as np

from engine.scenario import parse_scenario
from engine.simulator import IDLE, Kitchen
from tips.vocabulary import IDLE_CLASS, Vocabulary

KITCHEN = """
[scenario]
name = "Vocab"
ticks = 20

[[workers]]
name = "Alice"
role = "server"
chop = 6
cook = 6
plate = 1

[[workers]]
name = "Carol"
role = "chef"
chop = 2
cook = 2
plate = 5

[recipes.burger]
tasks = ["chop", "cook", "plate"]
after = { plate = ["chop", "cook"] }

[[orders]]
dish = "burger"
at = 0
count = 2
"""


def _setup():
    sc = parse_scenario(KITCHEN, "vocab.toml")
    return sc, Kitchen(sc), Vocabulary(sc)


def _true(vocab, v):
    return {p.key for p, on in zip(vocab.predicates, v) if on}


def test_start_of_round():
    sc, k, vocab = _setup()
    s = k.initial_state()
    on = _true(vocab, vocab.features(k, s, 0))
    assert {"me:server", "idle:chef", "all idle", "open:chop", "open2:chop", "open:cook", "not open:plate",
            "unstarted2", "best:plate"} <= on
    assert not on & {"me:chef", "alone", "only open:cook", "last order", "queue", "late", "open:plate"}


def test_after_a_tick_of_work():
    sc, k, vocab = _setup()
    s = k.initial_state()
    chop0, cook0 = 0, 1  # order 1's chop and cook
    s, _ = k.step(s, {1: chop0})          # Carol chops (2 ticks), Alice stays idle
    on = _true(vocab, vocab.features(k, s, 0))
    assert {"me:server", "alone", "not idle:chef", "soon:chef", "quicker soon:chop", "quicker soon:cook"} <= on
    s, _ = k.step(s, {1: IDLE, 0: cook0})  # Alice cooks order 1 (6 ticks)
    s, _ = k.step(s, {})
    # order 1 now waits only on cook (chop done, plate not open yet)... but cook is running, not open
    on = _true(vocab, vocab.features(k, s, 1))
    assert "me:chef" in on and "not idle:server" in on and "waits on:cook" not in on


def test_dish_waiting_on_one_type():
    sc, k, vocab = _setup()
    s = k.initial_state()
    s, _ = k.step(s, {1: 0})   # Carol chops order 1
    s, _ = k.step(s, {})
    assert k.task_state(s, 0) == "done"
    on = _true(vocab, vocab.features(k, s, 1))
    assert "waits on:cook" in on and "waits on:plate" not in on


def test_action_classes_and_concrete_choices():
    sc, k, vocab = _setup()
    s = k.initial_state()
    assert vocab.actions == ("idle", "chop", "cook", "plate")
    assert vocab.action_class(k, IDLE) == IDLE_CLASS
    assert vocab.actions[vocab.action_class(k, 1)] == "cook"
    cook = vocab.actions.index("cook")
    first = vocab.task_for(k, s, cook)
    assert k.tasks[first].type == "cook" and k.tasks[first].order == 0
    second = vocab.task_for(k, s, cook, taken=[first])
    assert k.tasks[second].type == "cook" and k.tasks[second].order == 1
    assert vocab.task_for(k, s, vocab.actions.index("plate")) is None
    assert vocab.task_for(k, s, IDLE_CLASS) == IDLE


def test_sentences_use_names_and_roles():
    sc, k, vocab = _setup()
    text = vocab.rule_text(["me:server", "all idle", "only open:cook"], IDLE_CLASS)
    assert text == "When everyone is free and only cook tasks are open, leave Alice (server) idle"
    assert vocab.rule_text(["best:plate", "open:plate"], 3) == "When a plate task is open, assign Alice (server) to plate"
    assert vocab.rule_text(["open:chop"], 1, roles=("chef",)) == "When a chop task is open, assign Carol (chef) to chop"
    assert vocab.rule_text([], IDLE_CLASS, default=True) == "In any other situation, leave the free worker idle"


def test_features_for_several_workers_match_one_at_a_time():
    sc, k, vocab = _setup()
    s, _ = k.step(k.initial_state(), {1: 0})
    s, _ = k.step(s, {})
    s, _ = k.step(s, {})
    both = vocab.features_for_workers(k, s, [0, 1])
    assert np.array_equal(both[0], vocab.features(k, s, 0)) and np.array_equal(both[1], vocab.features(k, s, 1))
