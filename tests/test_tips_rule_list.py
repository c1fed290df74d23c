"""The multi-action Bayesian Rule List recovers a list it did not see, and its
parts (antecedent mining, the posterior, the greedy cross-check) behave."""
import numpy as np
import pytest

from tips.rule_list import BayesianRuleList, RuleList, mine_antecedents


def _data(truth: RuleList, n=1500, p=12, noise=0.05, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.random((n, p)) < 0.4
    y = truth.predict(X)
    flip = rng.random(n) < noise
    y[flip] = rng.integers(0, 4, flip.sum())
    return X, y


@pytest.mark.parametrize("seed", [1, 2])
def test_recovers_a_known_rule_list(seed):
    truth = RuleList([(0, 3), (5,), (2, 7)], [1, 2, 3, 0], [])
    X, y = _data(truth, seed=seed)
    mined = BayesianRuleList(4, iterations=800, chains=2, seed=seed).fit(X, y)
    assert mined.antecedents == truth.antecedents
    assert mined.consequents == truth.consequents
    Xt, yt = _data(truth, noise=0.0, seed=seed + 10)
    assert mined.fidelity(Xt, yt) == 1.0


def test_mcmc_map_is_at_least_as_probable_as_greedy():
    truth = RuleList([(1,), (4, 6)], [2, 1, 0], [])
    X, y = _data(truth, n=800, seed=3)
    brl = BayesianRuleList(4, iterations=600, chains=2, seed=0)
    mined = brl.fit(X, y)
    assert mined.log_posterior >= mined.stats["greedy_log_posterior"] - 1e-9
    assert mined.log_posterior == pytest.approx(brl.log_posterior([brl.ants.index(a) for a in mined.antecedents]))


def test_list_length_is_capped():
    rng = np.random.default_rng(0)
    X = rng.random((600, 10)) < 0.5
    y = rng.integers(0, 5, 600)  # nothing to learn: the prior keeps lists short
    mined = BayesianRuleList(5, max_rules=3, iterations=300, chains=2).fit(X, y)
    assert len(mined) <= 3


def test_mining_keeps_frequent_distinct_conjunctions_only():
    X = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 1]] * 5, dtype=bool)
    ants, A, widths = mine_antecedents(X, min_support=0.3)
    # (0, 1) selects exactly the rows of (1,), so it is not a new antecedent
    assert (0,) in ants and (1,) in ants and (2,) in ants and (0, 1) not in ants
    assert (0, 2) not in ants  # support 5/20 < 0.3
    for a, col, w in zip(ants, A.T, widths):
        assert np.array_equal(col, X[:, list(a)].all(axis=1)) and w == len(a)


def test_capture_takes_the_first_rule_that_fires():
    rl = RuleList([(0,), (1,)], [1, 2, 0], [])
    X = np.array([[1, 1], [0, 1], [0, 0]], dtype=bool)
    assert rl.capture(X).tolist() == [0, 1, 2]
    assert rl.predict(X).tolist() == [1, 2, 0]
