"""REINFORCE: the estimator is unbiased (checked against the exact gradient of a
tiny kitchen, every trajectory enumerated), training is reproducible, the
commands keep their contract, and rollout never loses to the policy."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.expert.trained import Expert
from engine.expert.features import TickView
from engine.policies import play_round
from engine.expert.network import PolicyNet
from engine.scenario import load_scenario, parse_scenario
from engine.simulator import IDLE, Kitchen
from engine.expert.training import (Settings, exploring_start, group_advantages, reinforce_loss, returns_to_go,
                                    sample_rollouts, train, training_record)
from gui.cli import main

DATA = Path(__file__).parent / "data"


pytestmark = pytest.mark.usefixtures("one_torch_thread")

TINY = """
[scenario]
name = "Tiny"
ticks = 4
[[workers]]
name = "A"
role = "fast chopper"
chop = 1
plate = 2
[[workers]]
name = "B"
role = "fast plater"
chop = 2
plate = 1
[recipes.dish]
tasks = ["chop", "plate"]
after = { plate = ["chop"] }
[[orders]]
dish = "dish"
count = 2
"""


def exact_objective(net, k, mu, sigma):
    """J = E[sum_t r~_t] over every trajectory, as a differentiable sum of p(traj) * R(traj)."""
    T = k.ticks

    def tick(s, logp_so_far):
        if s.done:  # absorbing: the padded ticks give r = 0, normalised
            return [(logp_so_far, (0.0 - mu) / sigma * (T - s.tick))]
        if not k.has_decision(s):
            s2, r = k.step(s, {}, check=False)
            return [(lp, R + (r - mu) / sigma) for lp, R in tick(s2, logp_so_far)]
        out = []

        def choose(partial, lp):
            view = TickView(k, s)
            for w, c in partial:
                view.take(w, c)
            rest = [w for w in view.idle if w not in view.decision]
            if not rest or not view.has_choice():
                d = {w: c for w, c in partial if c != IDLE}
                s2, r = k.step(s, d, check=False)
                out.extend((l, R + (r - mu) / sigma) for l, R in tick(s2, lp))
                return
            w = rest[0]
            x, opts = view.rows(w)
            logp = torch.log_softmax(net.logits(torch.as_tensor(x)), dim=0)
            for i, c in enumerate(opts):
                choose(partial + [(w, c)], lp + logp[i])

        choose([], logp_so_far)
        return out

    leaves = tick(k.initial_state(), torch.zeros((), dtype=torch.float64))
    return sum(torch.exp(lp) * R for lp, R in leaves), len(leaves)


def test_gradient_estimate_with_baseline_is_unbiased():
    k = Kitchen(parse_scenario(TINY))
    torch.manual_seed(0)
    net = PolicyNet(hidden=8)
    with torch.no_grad():  # a baseline far from the returns, so a bias would show
        net.value[-1].bias.fill_(1.0)
    params = list(net.score.parameters())
    mu, sigma = -0.5, 0.7
    J, n_traj = exact_objective(net, k, mu, sigma)
    assert n_traj > 20
    exact = torch.autograd.grad(J, params)
    exact = torch.cat([g.flatten() for g in exact])

    rng = np.random.default_rng(1)
    directions = [exact / exact.norm()] + [torch.as_tensor(rng.standard_normal(exact.numel())) for _ in range(3)]
    projections = []
    n, batches = 300, 30
    for _ in range(batches):
        ro = sample_rollouts([k] * n, net.numpy_scorer(), rng)
        q = returns_to_go(ro.rewards, mu, sigma, 1.0)
        loss, _ = reinforce_loss(net, ro, q, n, entropy_coef=0.0, value_coef=0.0)
        grads = torch.autograd.grad(-loss, params)
        g = torch.cat([x.flatten() for x in grads])
        projections.append([float(d @ g) for d in directions])
    p = np.array(projections)
    mean, se = p.mean(axis=0), p.std(axis=0, ddof=1) / np.sqrt(batches)
    target = np.array([float(d @ exact) for d in directions])
    assert np.all(np.abs(mean - target) < 4.5 * se + 1e-9), (mean, target, se)
    # and the test has power: the exact gradient is many standard errors from zero
    assert abs(target[0]) > 5 * se[0]


def test_training_is_deterministic_for_a_seed():
    sc = load_scenario(DATA / "expert-soup.toml")
    a = train(sc, Settings(seed=7, max_iterations=4, rollouts=8), progress=False)
    b = train(sc, Settings(seed=7, max_iterations=4, rollouts=8), progress=False)
    for (na, ta), (nb, tb) in zip(a.net.state_dict().items(), b.net.state_dict().items()):
        assert na == nb and torch.equal(ta, tb)
    assert a.curve == [{**c, "seconds": c2["seconds"]} for c, c2 in zip(b.curve, a.curve)]


def test_training_improves_on_an_unseen_scenario():
    sc = load_scenario(DATA / "expert-soup.toml")
    first = train(sc, Settings(seed=0, max_iterations=1, rollouts=16), progress=False)
    result = train(sc, Settings(seed=0, max_iterations=60, rollouts=16), progress=False)
    # fewer turns than the random initial policy, greedy or sampled
    assert result.value < first.curve[0]["mean"] and result.value < first.curve[0]["greedy"]


def test_train_and_evaluate_commands(tmp_path, capsys):
    out = tmp_path / "soup.pt"
    scenario = str(DATA / "expert-soup.toml")
    assert main(["train", scenario, "--out", str(out), "--rollouts", "10", "--group", "4"]) == 2
    err = capsys.readouterr().err
    assert "must be a multiple of --group 4" in err and len(err.strip().splitlines()) == 1 and not out.exists()
    assert main(["train", scenario, "--out", str(out), "--iterations", "3", "--seed", "1",
                 "--rollouts", "8", "--group", "4", "--lr", "0.003", "--json"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(line) == {"value", "optimal", "gap", "seconds", "out"}
    assert Path(line["out"]) == out and out.exists()
    record = json.loads(out.with_suffix(".json").read_text())
    sc = load_scenario(scenario)
    assert record["scenario_hash"] == sc.content_hash and record["settings"]["seed"] == 1
    assert record["settings"]["rollouts"] == 8 and record["iterations"] == 3
    assert record["settings"]["group"] == 4 and record["settings"]["lr"] == 0.003
    assert record["curve"] and record["value"] == line["value"]
    if line["optimal"] is not None:
        assert line["gap"] == pytest.approx((line["value"] - line["optimal"]) / line["optimal"])

    assert main(["evaluate", scenario, "--expert", str(out), "--episodes", "2", "--json"]) == 0
    ev = json.loads(capsys.readouterr().out)
    assert set(ev) == {"value", "std", "episodes", "optimal"} and ev["episodes"] == 2
    assert ev["value"] == line["value"] and ev["std"] == 0.0  # deterministic round, greedy expert

    assert main(["evaluate", scenario, "--policy", "expert", "--json"]) == 2
    assert "no shipped expert" in capsys.readouterr().err
    assert main(["evaluate", "burger", "--expert", str(out), "--json"]) == 2
    assert "another game" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["burger", "pasta", str(DATA / "expert-bakery.toml")])
@pytest.mark.parametrize("weights", [0, 1])
def test_rollout_is_never_worse_than_the_policy(name, weights):
    sc = load_scenario(name)
    torch.manual_seed(weights)
    expert = Expert(PolicyNet(hidden=16))  # untrained: plenty of room for rollout to improve
    k = Kitchen(sc)
    alone = k.value(play_round(k, expert))
    improved = k.value(play_round(k, expert.with_rollout()))
    assert improved <= alone


def test_exploring_start_is_a_reachable_mid_round_state():
    k = Kitchen(load_scenario(DATA / "expert-soup.toml"))
    a = [exploring_start(k, np.random.default_rng(s), 4) for s in range(12)]
    b = [exploring_start(k, np.random.default_rng(s), 4) for s in range(12)]
    assert a == b  # the rollout's own generator fixes its start
    assert all(not s.done for s in a)
    assert any(s.tick > 0 for s in a) and len(set(a)) > 1


def test_rollouts_from_a_start_learn_only_after_it():
    k = Kitchen(load_scenario(DATA / "expert-soup.toml"))
    start = exploring_start(k, np.random.default_rng(3), 6)
    assert start.tick > 0
    net = PolicyNet(hidden=8)
    ro = sample_rollouts([k, k], net.numpy_scorer(), np.random.default_rng(0), starts=[None, start])
    assert not ro.rewards[1, :start.tick].any()  # no reward before the start, so Q_t is the return from it
    later = [t for e, t in zip(ro.episode, ro.tick) if e == 1]
    assert later and min(later) >= start.tick
    assert min(t for e, t in zip(ro.episode, ro.tick) if e == 0) == 0


def test_exploring_starts_keep_training_past_the_optimum_and_deterministic():
    sc = load_scenario("taco-demo")
    plain = train(sc, Settings(seed=0, max_iterations=40, rollouts=8, explore=0.0), optimal=4.0, progress=False)
    assert plain.value == 4.0 and plain.iterations < 40  # the optimum used to end training at once
    a = train(sc, Settings(seed=0, max_iterations=40, rollouts=8), optimal=4.0, progress=False)
    b = train(sc, Settings(seed=0, max_iterations=40, rollouts=8), optimal=4.0, progress=False)
    assert a.iterations == 40 and a.value == 4.0
    assert all("explore_greedy" in c for c in a.curve)
    assert [c["explore_greedy"] for c in a.curve] == [c["explore_greedy"] for c in b.curve]
    for ta, tb in zip(a.net.state_dict().values(), b.net.state_dict().values()):
        assert torch.equal(ta, tb)
    assert training_record(a)["settings"]["explore"] == 0.5


def test_group_advantages_compare_each_rollout_with_the_rest_of_its_group():
    # makespan (lower is better): two groups of three rollouts from one start each
    adv = group_advantages(np.array([17.0, 18.0, 18.0, 20.0, 20.0, 20.0]), 3, better=-1.0)
    assert adv[0] > 0 > adv[1] and adv[1] == adv[2]  # 17 beat the 18s of its group
    assert not adv[3:].any()  # a group that all ended alike says nothing about its choices
    assert adv.std() == pytest.approx(1.0)
    assert group_advantages(np.array([5.0, 8.0]), 2, better=1.0)[1] > 0  # reward: higher is better


def test_grouped_rollouts_share_their_start_and_train_deterministically():
    sc = load_scenario("taco-demo")
    s = Settings(seed=0, max_iterations=12, rollouts=8, group=4)
    a, b = train(sc, s, optimal=4.0, progress=False), train(sc, s, optimal=4.0, progress=False)
    assert a.value == 4.0 and a.iterations == 12
    for ta, tb in zip(a.net.state_dict().values(), b.net.state_dict().values()):
        assert torch.equal(ta, tb)
    assert training_record(a)["settings"]["group"] == 4
    assert "leave-one-out baseline over groups of 4" in training_record(a)["algorithm"]
    with pytest.raises(ValueError, match="multiple"):
        train(sc, Settings(seed=0, max_iterations=2, rollouts=6, group=4), optimal=4.0, progress=False)
