"""The expert's policy: legal choices only, numpy and torch agree, files are checked on load."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.expert.trained import Expert, ExpertError, load_expert, save_expert, shipped_expert
from engine.expert.features import N_FEATURES, FEATURE_NAMES, TickView
from engine.policies import play_round, random_policy
from engine.expert.network import PolicyNet, masked_log_softmax
from engine.expert.rollout import greedy_decision
from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen

DATA = Path(__file__).parent / "data"
SCENARIOS = ["burger", "pasta", "rush", "research-disruption", "dinner-service", str(DATA / "expert-bakery.toml")]


def states_of(scenario, seed):
    """Every decision state of a random round (varied, reachable positions)."""
    k = Kitchen(scenario, seed)
    record = []
    play_round(k, random_policy, np.random.default_rng(seed), record)
    return k, [s for s, _ in record if k.has_decision(s)]


def net(seed, hidden=16):
    torch.manual_seed(seed)
    return PolicyNet(hidden=hidden)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SCENARIOS), seed=st.integers(0, 10_000), weights=st.integers(0, 10_000))
def test_every_choice_with_probability_is_legal(name, seed, weights):
    sc = load_scenario(name)
    k, states = states_of(sc, seed)
    p = net(weights)
    rng = np.random.default_rng(seed)
    for s in states[:6]:
        view = TickView(k, s)
        taken = []
        for w in view.idle:
            if not view.has_choice():
                break
            x, opts = view.rows(w)
            assert x.shape == (len(opts), N_FEATURES) and np.isfinite(x).all()
            assert opts == k.choices(s, w, taken)  # exactly the legal choices, nothing else
            # padded to a wider table, the cells that are not choices get probability exactly 0
            width = len(opts) + 3
            with torch.no_grad():
                logp = masked_log_softmax(p.logits(torch.as_tensor(x)), torch.zeros(len(opts), dtype=torch.long),
                                          1, width, torch.arange(len(opts)))
            probs = logp.exp()[0]
            assert torch.all(probs[len(opts):] == 0.0)
            assert abs(float(probs.sum()) - 1.0) < 1e-9
            c = opts[int(rng.integers(len(opts)))]
            view.take(w, c)
            if c != IDLE:
                taken.append(c)
        k.check(s, view.decision)  # raises IllegalDecision if the sequence broke a rule
        k.check(s, greedy_decision(k, s, p.numpy_scorer()))


def test_numpy_inference_matches_torch():
    p = net(3, hidden=64)
    scorer = p.numpy_scorer()
    k, states = states_of(load_scenario("rush"), 1)
    for s in states:
        view = TickView(k, s)
        x, _ = view.rows(view.idle[0])
        a = scorer.logits(x)
        b = p.logits(torch.as_tensor(x)).detach().numpy()
        assert np.allclose(a, b, rtol=0, atol=1e-12)
        assert np.argmax(a) == np.argmax(b)


def test_features_see_who_is_faster():
    # burger: Alice plates in 1, Carol in 5; at the start only chop and cook are open
    k = Kitchen(load_scenario("burger"))
    view = TickView(k, k.initial_state())
    x, opts = view.rows(0)  # Alice
    dur = FEATURE_NAMES.index("dur")
    lead = FEATURE_NAMES.index("finish_lead")
    assert opts[0] == IDLE and x[0, FEATURE_NAMES.index("is_task")] == 0
    assert all(x[1:, FEATURE_NAMES.index("is_task")] == 1)
    # Alice chops in 6 ticks, Bob and Carol in 2: others finish first, so her lead is negative
    assert all(x[1:, dur] > 1.0) and all(x[1:, lead] < 0)
    x_carol, _ = view.rows(2)
    assert all(x_carol[1:, lead] >= 0)


@pytest.fixture
def trained(tmp_path):
    sc = load_scenario("burger")
    p = net(5)
    path = save_expert(tmp_path / "burger.pt", p, sc, {"note": "test"})
    return sc, p, path


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(SCENARIOS), weights=st.integers(0, 10_000), seed=st.integers(0, 10_000))
def test_save_load_gives_the_same_decisions(tmp_path, name, weights, seed):
    sc = load_scenario(name)
    p = net(weights)
    path = save_expert(tmp_path / f"{sc.key}.pt", p, sc, {"note": "test"})
    loaded = load_expert(path, sc)
    original = Expert(p)
    k, states = states_of(sc, seed)
    for s in states:
        assert loaded(k, s, None) == original(k, s, None)
    record = json.loads(path.with_suffix(".json").read_text())
    assert record["scenario_hash"] == sc.content_hash and record["note"] == "test"


def test_refuses_missing_file(tmp_path):
    with pytest.raises(ExpertError, match="no such expert file"):
        load_expert(tmp_path / "nothing.pt", load_scenario("burger"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0, 1, exclude_max=True), flip=st.integers(1, 255))
def test_refuses_tampered_weights(tmp_path, where, flip):
    sc = load_scenario("burger")
    path = save_expert(tmp_path / "burger.pt", net(5), sc, {})
    data = bytearray(path.read_bytes())
    data[int(where * len(data))] ^= flip
    path.write_bytes(bytes(data))
    with pytest.raises(ExpertError, match="differ from those its training record"):
        load_expert(path, sc)


def test_refuses_corrupt_file_even_with_a_matching_record(trained):
    sc, _, path = trained
    path.write_bytes(b"not a torch file")
    meta = path.with_suffix(".json")
    record = json.loads(meta.read_text())
    import hashlib
    record["weights_sha256"] = hashlib.sha256(b"not a torch file").hexdigest()
    meta.write_text(json.dumps(record))
    with pytest.raises(ExpertError, match="not a readable expert file"):
        load_expert(path, sc)


def test_refuses_another_scenario(trained):
    _, _, path = trained
    with pytest.raises(ExpertError, match="trained for another game"):
        load_expert(path, load_scenario("pasta"))


def test_refuses_another_features_version(trained, monkeypatch):
    sc, _, path = trained
    import engine.expert.trained
    monkeypatch.setattr(engine.expert.trained, "FEATURES_VERSION", 999)
    with pytest.raises(ExpertError, match="features version"):
        load_expert(path, sc)


def test_shipped_expert_refuses_an_unknown_scenario():
    with pytest.raises(ExpertError, match="no shipped expert"):
        shipped_expert(load_scenario(DATA / "expert-soup.toml"))


def test_rollout_limited_to_the_top_choices_keeps_the_policys_own_and_every_choice_when_wide():
    from engine.expert.rollout import rollout_decision

    sc = load_scenario("burger")
    expert, k = shipped_expert(sc), Kitchen(sc, 0)
    record = []
    play_round(k, random_policy, np.random.default_rng(1), record)
    for s, _ in record:
        if not k.has_decision(s):
            continue
        full = rollout_decision(k, s, expert.finisher)
        assert rollout_decision(k, s, expert.finisher, choices=99) == full
        narrow = rollout_decision(k, s, expert.finisher, choices=0)
        # never worse than the policy alone (cost improvement), whatever it may try
        assert expert.finisher.after(k, s, narrow) <= expert.finisher.after(k, s, greedy_decision(k, s, expert.scorer))
        k.check(s, narrow)
