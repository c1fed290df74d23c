"""Exploring starts from states human-like play reaches (engine/expert/start_states.py):
reachable, fixed by the seed, spread over the round, and training with them
stays reproducible and can start from a shipped expert."""
import numpy as np
import pytest
import torch

from engine.scenario import load_scenario
from engine.simulator import Kitchen
from engine.expert.start_states import human_pool
from engine.expert.training import Settings, train, training_record


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_human_pool_is_reachable_spread_and_fixed_by_its_seed():
    sc = load_scenario("burger")
    k = Kitchen(sc, 0)
    a = human_pool(sc, 40, seed=3, kitchen=lambda i: k)
    b = human_pool(sc, 40, seed=3, kitchen=lambda i: k)
    assert len(a) == 40 and [s for _, s in a] == [s for _, s in b]
    assert all(kk is k and not s.done for kk, s in a)
    ticks = [s.tick for _, s in a]
    assert min(ticks) == 0 or len(set(ticks)) > 5  # along whole rounds, not only their start
    assert max(ticks) > 5
    other = human_pool(sc, 40, seed=4, kitchen=lambda i: k)
    assert [s for _, s in other] != [s for _, s in a]


def test_training_with_human_starts_is_deterministic_and_recorded(tmp_path):
    sc = load_scenario("taco-demo")
    s = Settings(seed=0, max_iterations=12, rollouts=8, human=0.5, human_pool=32)
    a, b = train(sc, s, optimal=4.0, progress=False), train(sc, s, optimal=4.0, progress=False)
    for ta, tb in zip(a.net.state_dict().values(), b.net.state_dict().values()):
        assert torch.equal(ta, tb)
    assert training_record(a)["settings"]["human"] == 0.5


def test_training_can_start_from_the_shipped_expert():
    from engine.expert.trained import EXPERTS_DIR
    sc = load_scenario("taco-demo")
    r = train(sc, Settings(seed=0, max_iterations=3, rollouts=8, human=0.5, human_pool=16,
                           init=str(EXPERTS_DIR / "taco-demo.pt")), optimal=4.0, progress=False)
    assert r.value == 4.0  # already optimal on the round from its first evaluation
    assert np.isfinite(r.curve[0]["explore_greedy"])
