"""Tips as bandit arms under the Gittins index (Brezzi-Lai approximation):
proven tips stay, unhelpful ones give way."""
import numpy as np
import pytest

from tips.bandit import TipBandit, brezzi_lai_psi, gittins_index


def test_psi_grows_within_each_piece_of_the_approximation():
    # Brezzi and Lai's psi is piecewise (0.2, 1, 5, 15), with small jumps where the pieces meet
    for lo, hi in [(0.01, 0.2), (0.21, 1), (1.01, 5), (5.01, 15), (15.01, 1e4)]:
        psi = np.array([brezzi_lai_psi(x) for x in np.linspace(lo, hi, 200)])
        assert np.all(psi > 0) and np.all(np.diff(psi) > 0)
    assert brezzi_lai_psi(1e6) == pytest.approx(np.sqrt(2 * np.log(1e6) - np.log(np.log(1e6)) - np.log(16 * np.pi)))


def test_index_bonus_shrinks_with_observations():
    idx = [gittins_index(1.0, n, sigma=1.0, beta=0.9) for n in (1, 2, 5, 20, 100)]
    assert all(a > b for a, b in zip(idx, idx[1:]))
    assert idx[-1] == pytest.approx(1.0, abs=0.05)
    # a more patient learner (beta nearer 1) explores more
    assert gittins_index(0.0, 2, 1.0, 0.99) > gittins_index(0.0, 2, 1.0, 0.5)


def test_proven_tips_stay_and_unhelpful_ones_give_way():
    rng = np.random.default_rng(0)
    truth = {"helps": 0.8, "useless": -0.3, "modest": 0.2, "untried": 0.1}
    bandit = TipBandit(sigma=0.5, beta=0.9)
    bandit.add("helps", 0.3)
    bandit.add("useless", 0.6)   # looked good in the history, does not help in practice
    bandit.add("modest", 0.2)
    bandit.add("untried", 0.1)
    shown_log = []
    for _ in range(25):
        shown = bandit.choose(2)
        shown_log.append(shown)
        for k in shown:
            bandit.update(k, truth[k] + rng.normal(0, 0.3))
    assert "useless" in shown_log[0]             # optimism first ...
    assert all("helps" in s for s in shown_log[5:])  # ... a proven tip stays
    assert not any("useless" in s for s in shown_log[-10:])  # the unhelpful one gave way
    assert bandit.arms["useless"].pulls < bandit.arms["helps"].pulls


def test_new_prior_replaces_only_an_untried_arm():
    b = TipBandit()
    b.add("a", 1.0)
    b.add("a", 2.0)
    assert b.arms["a"].mean == 2.0
    b.update("a", 0.0)
    b.add("a", 5.0)
    assert b.arms["a"].pulls == 1 and b.arms["a"].mean == pytest.approx(1.0)
