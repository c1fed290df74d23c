"""Choosing which tips to show: each tip is an arm of a discounted bandit and
its reward, after a round in which it was shown, is the fall in the trainee's
mean regret in that tip's situations (own units; positive = the tip helped).

Arms are ranked by the Gittins index for normal rewards, computed with the
closed-form approximation of Brezzi and Lai ("Optimal learning and
experimentation in bandit problems", J. Econ. Dyn. Control 27, 2002):

    ν ≈ μ + σ / sqrt(n) · ψ(1 / (n · ln(1/β)))

where μ is the arm's posterior mean reward, n its effective number of
observations (prior pseudo-observations included), σ the reward noise and β
the discount factor. The bonus shrinks as an arm is tried, so a tip whose
situations keep improving stays on the screen and one that does not help gives
way to tips not yet tried. Each arm starts from a prior mean (the tip's
expected gain from the trainee's history) worth `prior_weight` observations.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


def brezzi_lai_psi(s: float) -> float:
    if s <= 0.2:
        return math.sqrt(s / 2)
    if s <= 1:
        return 0.49 - 0.11 / math.sqrt(s)
    if s <= 5:
        return 0.63 - 0.26 / math.sqrt(s)
    if s <= 15:
        return 0.77 - 0.58 / math.sqrt(s)
    return math.sqrt(max(0.0, 2 * math.log(s) - math.log(math.log(s)) - math.log(16 * math.pi)))


def gittins_index(mean: float, n: float, sigma: float, beta: float) -> float:
    return mean + sigma / math.sqrt(n) * brezzi_lai_psi(1.0 / (n * math.log(1.0 / beta)))


@dataclass
class Arm:
    prior_mean: float
    prior_weight: float
    total: float = 0.0
    pulls: int = 0

    @property
    def n(self) -> float:
        return self.prior_weight + self.pulls

    @property
    def mean(self) -> float:
        return (self.prior_mean * self.prior_weight + self.total) / self.n


class TipBandit:
    """Arms keyed by tip key; `choose(k)` gives the k keys with the highest index."""

    def __init__(self, sigma: float = 0.5, beta: float = 0.9, prior_weight: float = 1.0):
        self.sigma, self.beta, self.prior_weight = sigma, beta, prior_weight
        self.arms: dict[str, Arm] = {}

    def add(self, key: str, prior_mean: float) -> None:
        """A new arm, or a fresh prior for an arm not yet pulled."""
        arm = self.arms.get(key)
        if arm is None or arm.pulls == 0:
            self.arms[key] = Arm(prior_mean, self.prior_weight)

    def index(self, key: str) -> float:
        a = self.arms[key]
        return gittins_index(a.mean, a.n, self.sigma, self.beta)

    def choose(self, k: int, candidates=None) -> list[str]:
        keys = [c for c in (candidates if candidates is not None else self.arms) if c in self.arms]
        return sorted(keys, key=lambda c: (-self.index(c), c))[:k]

    def update(self, key: str, reward: float) -> None:
        a = self.arms[key]
        a.total += reward
        a.pulls += 1
