"""'This trainee' in simulation: a fitted person's policy shown tips, and tips
ranked by the gain they bring that person."""
import numpy as np
import pytest
import torch

from engine.policies import greedy_policy, play_round
from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen
from engine.traces.generate import habit_policy
from engine.traces.personal import FittedTrainee, tip_gains
from engine.traces.trainee import fit_trainee


class ServerCooks:
    """The research's disruption-round lesson: the slow server must cook."""
    text = "when cooking is open, the server cooks"

    def applies(self, k, s, w):
        return k.workers[w].role == "server" and any(k.tasks[j].type == "cook" for j in k.open_tasks(s))

    def choice(self, k, s, w, taken=()):
        return next((j for j in k.open_tasks(s) if k.tasks[j].type == "cook" and j not in taken), None)


class ServerIdles(ServerCooks):
    text = "when cooking is open, leave the server idle"

    def choice(self, k, s, w, taken=()):
        return IDLE


class NeverApplies(ServerCooks):
    text = "a tip for a situation that never comes"

    def applies(self, k, s, w):
        return False


@pytest.fixture(scope="module")
def disruption():
    torch.set_num_threads(1)
    return load_scenario("research-disruption")


@pytest.fixture(scope="module")
def never_cooks(disruption):
    """A trainee who never lets the server cook, fitted from 30 of their rounds."""
    rng = np.random.default_rng(1)
    rounds = []
    for i in range(30):
        k = Kitchen(disruption, i)
        record = []
        final = play_round(k, habit_policy(greedy_policy, "server", "cook", explore=0.1), rng, record)
        rounds.append((k, [s for s, _ in record] + [final], {s.tick: d for s, d in record}))
    return fit_trainee(rounds, seed=0)


def server_cooks(log, k):
    return sum(1 for _, d in log for w, j in d.items() if k.workers[w].role == "server" and k.tasks[j].type == "cook")


def test_this_trainee_keeps_the_habit_without_tips_and_drops_it_with_one(disruption, never_cooks):
    assert never_cooks.metrics["held_out_accuracy"] >= 0.9
    without = with_tip = 0
    for i in range(10):
        t = FittedTrainee("ann", disruption, never_cooks, seed=i)
        k = Kitchen(disruption, i)
        without += server_cooks(t.play(k), k)
        assert t.final_state.done
        with_tip += server_cooks(t.play(k, [ServerCooks()]), k)
    assert without == 0 and with_tip >= 10


def test_tips_are_ranked_by_the_gain_for_this_trainee(disruption, never_cooks):
    gains = tip_gains(never_cooks, disruption, [ServerIdles(), NeverApplies(), ServerCooks()], rounds=12)
    assert [type(g.tip) for g in gains][0] is ServerCooks
    best = gains[0]
    assert best.gain > 3 * best.std_err > 0  # fewer turns with the tip, well beyond the noise
    assert best.mean_with < best.mean_without
    never = next(g for g in gains if isinstance(g.tip, NeverApplies))
    assert never.gain == 0 and never.std_err == 0  # common random numbers: nothing changed, nothing moves
    assert set(best.to_dict()) == {"tip", "gain", "std_err", "mean_with", "mean_without"}
