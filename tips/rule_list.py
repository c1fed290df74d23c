"""Bayesian Rule Lists for several actions (Letham, Rudin, McCormick and
Madigan, 2015), in numpy.

A rule list is "if a1 then y1, else if a2 then y2, ..., else y_default". Its
antecedents are conjunctions of at most `max_width` predicates, pre-mined as
boolean columns with a minimum support. The posterior over ordered lists is

    p(d | X, y) ∝ p(y | X, d) p(m | λ) Π_j p(c_j | c_<j, η) p(a_j | c_j)

with m ~ Poisson(λ) (truncated to the antecedents available and `max_rules`),
each width c_j ~ Poisson(η) over the widths with antecedents left, and each
antecedent uniform among those of its width not yet used. The points that rule
j captures (true for a_j, false for every earlier antecedent) have labels
~ Multinomial(θ_j), θ_j ~ Dirichlet(α), so the likelihood is a product of
Dirichlet-multinomial marginals

    p(y | X, d) = Π_j Γ(Σα) / Γ(N_j + Σα) Π_k Γ(N_jk + α_k) / Γ(α_k).

Metropolis-Hastings moves add, remove, swap or replace antecedents; several chains run
(one from the greedy list, the others from the empty list) and the best list
any chain visits is the MAP estimate. A
deterministic greedy list is built too, as a fallback and a cross-check: the
fit keeps whichever of the two has the higher posterior.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RuleList:
    antecedents: list[tuple[int, ...]]   # each a tuple of predicate (column) indices
    consequents: list[int]               # one per antecedent, then the default's
    probs: list[list[float]]             # posterior mean class probabilities per rule
    log_posterior: float = float("-inf")
    method: str = "mcmc"
    stats: dict = field(default_factory=dict)

    def capture(self, X: np.ndarray) -> np.ndarray:
        """Index of the rule that decides each row (len(antecedents) = default)."""
        out = np.full(len(X), len(self.antecedents), dtype=np.int64)
        left = np.ones(len(X), dtype=bool)
        for i, a in enumerate(self.antecedents):
            hit = left & X[:, list(a)].all(axis=1)
            out[hit] = i
            left &= ~hit
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.consequents, dtype=np.int64)[self.capture(X)]

    def fidelity(self, X: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean(self.predict(X) == y)) if len(y) else float("nan")

    def __len__(self) -> int:
        return len(self.antecedents) + 1


def mine_antecedents(X: np.ndarray, max_width: int = 2, min_support: float = 0.02, subjects=()):
    """Frequent conjunctions of up to `max_width` predicates, as boolean columns.

    `subjects` are columns that say *who* a rule is about (the deciding
    worker's role) rather than what the situation is: each may head a
    conjunction on top of its `max_width` situation predicates, and does not
    count towards the width (a subject alone has width 0).

    Returns (antecedents, A, widths): the column-index tuples (subject first),
    the n x C matrix of which rows each satisfies, and each one's width. A
    conjunction that selects exactly the rows of one already kept adds nothing
    and is dropped, so the prior does not count one rule twice.
    """
    X = np.asarray(X, dtype=bool)
    n, p = X.shape
    floor = max(1, int(math.ceil(min_support * n)))
    subjects = [int(c) for c in subjects]
    situation = [i for i in range(p) if i not in subjects]
    seen: set[bytes] = set()
    ants: list[tuple[int, ...]] = []
    cols: list[np.ndarray] = []
    widths: list[int] = []

    def keep(a, col, width):
        if col.sum() < floor or col.all():
            return
        key = np.packbits(col).tobytes()
        if key in seen:
            return
        seen.add(key)
        ants.append(a)
        cols.append(col)
        widths.append(width)

    for head in [None] + subjects:
        rows = X[:, head] if head is not None else np.ones(n, dtype=bool)
        pre = () if head is None else (head,)
        if head is not None:
            keep(pre, rows, 0)
        Xr = X[:, situation] & rows[:, None]
        singles = [k for k in range(len(situation)) if Xr[:, k].sum() >= floor]
        for k in singles:
            keep(pre + (situation[k],), Xr[:, k], 1)
        if max_width >= 2:
            Xs = Xr[:, singles].astype(np.float32)
            support = Xs.T @ Xs  # every pair's support in one product
            for a, b in zip(*np.nonzero(np.triu(support >= floor, k=1))):
                i, j = singles[a], singles[b]
                keep(pre + (situation[i], situation[j]), Xr[:, i] & Xr[:, j], 2)
    A = np.stack(cols, axis=1) if cols else np.zeros((n, 0), dtype=bool)
    return ants, A, np.array(widths, dtype=np.int64)


class BayesianRuleList:
    """Multi-class BRL. `fit(X, y)` returns the MAP `RuleList`."""

    def __init__(self, n_classes: int, max_rules: int = 8, max_width: int = 2, min_support: float = 0.02,
                 lam: float = 4.0, eta: float = 1.5, alpha: float = 1.0, chains: int = 3,
                 iterations: int = 2000, seed: int = 0, subjects=()):
        self.K = n_classes
        self.max_rules = max_rules  # antecedents + the default rule
        self.max_width, self.min_support = max_width, min_support
        self.lam, self.eta, self.alpha = lam, eta, alpha
        self.chains, self.iterations, self.seed = chains, iterations, seed
        self.subjects = tuple(subjects)

    # -- the posterior --------------------------------------------------------
    def _prepare(self, X, y):
        self.ants, self.A, self.widths = mine_antecedents(X, self.max_width, self.min_support, self.subjects)
        self.Y = np.eye(self.K, dtype=np.float32)[np.asarray(y, dtype=np.int64)]
        self.Af = self.A.astype(np.float32)
        n = len(y)
        a = self.alpha
        self._lg_a = np.array([math.lgamma(k + a) for k in range(n + 1)]) - math.lgamma(a)
        self._lg_sum = np.array([math.lgamma(k + self.K * a) for k in range(n + 1)]) - math.lgamma(self.K * a)
        self.width_count = {int(w): int((self.widths == w).sum()) for w in set(self.widths.tolist())}
        self._pw = {w: self.eta ** w / math.factorial(w) for w in self.width_count}
        self.max_len = min(self.max_rules - 1, len(self.ants))
        self._pm = np.array([m * math.log(self.lam) - math.lgamma(m + 1) for m in range(self.max_len + 1)])
        self._pm -= np.logaddexp.reduce(self._pm)

    def _counts(self, rules: list[int]) -> np.ndarray:
        left = np.ones(len(self.Y), dtype=np.float32)
        out = np.empty((len(rules) + 1, self.K))
        for i, r in enumerate(rules):
            hit = self.Af[:, r] * left
            out[i] = hit @ self.Y
            left -= hit
        out[-1] = left @ self.Y
        return out

    def log_likelihood(self, rules: list[int]) -> float:
        return float(self._ll_rows(self._counts(rules)).sum())

    def log_prior(self, rules: list[int]) -> float:
        return self._log_prior_widths([int(self.widths[r]) for r in rules])

    def _log_prior_widths(self, widths: list[int]) -> float:
        lp = self._pm[len(widths)]
        remaining = dict(self.width_count)
        for w in widths:
            if remaining[w] <= 0:
                return float("-inf")  # every antecedent of this width is already in the list
            z = sum(self._pw[v] for v, c in remaining.items() if c > 0)
            lp += math.log(self._pw[w] / z) - math.log(remaining[w])
            remaining[w] -= 1
        return lp

    def _ll_rows(self, N: np.ndarray) -> np.ndarray:
        """Dirichlet-multinomial log marginal of each row of class counts."""
        N = np.rint(N).astype(np.int64)
        return self._lg_a[N].sum(axis=-1) - self._lg_sum[N.sum(axis=-1)]

    def log_posterior(self, rules: list[int]) -> float:
        return self.log_prior(rules) + self.log_likelihood(rules)

    # -- Metropolis-Hastings ----------------------------------------------------
    def _move_probs(self, m: int) -> tuple[float, float, float, float]:
        """(add, remove, swap, replace) for a list of m antecedents."""
        C = len(self.ants)
        w = np.array([m < self.max_len, m > 0, m > 1, 0 < m < C], dtype=float)
        return tuple(w / w.sum())

    def _unused(self, rng: np.random.Generator, used: list[int]) -> int:
        """Uniform over antecedents not in the list (lists are short, so rejection is quick)."""
        while True:
            r = int(rng.integers(len(self.ants)))
            if r not in used:
                return r

    def _chain(self, rng: np.random.Generator, start: list[int]) -> tuple[list[int], float, int]:
        C = len(self.ants)
        cur = list(start)
        cur_lp = self.log_posterior(cur)
        best, best_lp, accepted = list(cur), cur_lp, 0
        for _ in range(self.iterations):
            m = len(cur)
            probs = self._move_probs(m)
            p_add, p_rm = probs[0], probs[1]
            move = rng.choice(4, p=probs)
            new = list(cur)
            if move == 0:
                new.insert(int(rng.integers(m + 1)), self._unused(rng, cur))
                # reverse: remove that one of m+1 rules
                log_q = math.log(self._move_probs(m + 1)[1] / (m + 1)) - math.log(p_add / ((C - m) * (m + 1)))
            elif move == 1:
                new.pop(int(rng.integers(m)))
                log_q = math.log(self._move_probs(m - 1)[0] / ((C - m + 1) * m)) - math.log(p_rm / m)
            elif move == 2:
                i, j = rng.choice(m, size=2, replace=False)
                new[i], new[j] = new[j], new[i]
                log_q = 0.0
            else:  # replace one antecedent by an unused one, in place (symmetric)
                new[int(rng.integers(m))] = self._unused(rng, cur)
                log_q = 0.0
            new_lp = self.log_posterior(new)
            if math.log(rng.random() + 1e-300) < new_lp - cur_lp + log_q:
                cur, cur_lp = new, new_lp
                accepted += 1
                if cur_lp > best_lp:
                    best, best_lp = list(cur), cur_lp
        return best, best_lp, accepted

    def greedy(self) -> list[int]:
        """Deterministic list: repeatedly insert, wherever in the list it helps
        most, the antecedent that most raises the posterior; stop when none
        does or the list is full. Every candidate at one position is scored
        at once: it takes from the points left after the earlier rules, and
        each later rule (and the default) loses what it now takes."""
        rules: list[int] = []
        lp = self.log_posterior(rules)
        C = len(self.ants)
        while len(rules) < self.max_len and len(rules) < C:
            caps = self._captures(rules)
            counts = [c @ self.Y for c in caps]
            lls = [self._ll_rows(c) for c in counts]
            best = (lp, None)
            left = np.ones(len(self.Y), dtype=np.float32)
            for pos in range(len(rules) + 1):
                taken = self.Af.T @ (left[:, None] * self.Y)           # C x K: what the new rule takes
                total = self._ll_rows(taken) + sum(lls[:pos])
                for j in range(pos, len(rules) + 1):                     # later rules and the default
                    total = total + self._ll_rows(counts[j] - self.Af.T @ (caps[j][:, None] * self.Y))
                widths = [int(self.widths[r]) for r in rules]
                prior = {w: self._log_prior_widths(widths[:pos] + [w] + widths[pos:]) for w in self.width_count}
                total = total + np.array([prior[int(w)] for w in self.widths])
                total[rules] = -np.inf
                c = int(np.argmax(total))
                if total[c] > best[0] + 1e-9:
                    best = (float(total[c]), rules[:pos] + [c] + rules[pos:])
                if pos < len(rules):
                    left = left - caps[pos]
            if best[1] is None:
                break
            lp, rules = best
        return rules

    def _captures(self, rules: list[int]) -> list[np.ndarray]:
        """0/1 masks of the points each rule (then the default) decides."""
        left = np.ones(len(self.Y), dtype=np.float32)
        out = []
        for r in rules:
            hit = self.Af[:, r] * left
            out.append(hit)
            left = left - hit
        out.append(left)
        return out

    def fit(self, X: np.ndarray, y: np.ndarray) -> RuleList:
        self._prepare(np.asarray(X, dtype=bool), y)
        rng = np.random.default_rng(self.seed)
        greedy = self.greedy()
        greedy_lp = self.log_posterior(greedy)
        best, best_lp, accepted = [], self.log_posterior([]), 0
        chain_lps = []
        if self.ants:
            # one chain starts from the greedy list, the rest from the empty list
            for c in range(self.chains):
                b, blp, acc = self._chain(rng, greedy if c == 0 else [])
                chain_lps.append(blp)
                accepted += acc
                if blp > best_lp:
                    best, best_lp = b, blp
        method = "mcmc"
        if greedy_lp > best_lp + 1e-9:
            best, best_lp, method = greedy, greedy_lp, "greedy"
        counts = self._counts(best)
        probs = (counts + self.alpha) / (counts + self.alpha).sum(axis=1, keepdims=True)
        return RuleList(
            antecedents=[self.ants[r] for r in best],
            consequents=[int(np.argmax(p)) for p in probs],
            probs=[[float(x) for x in p] for p in probs],
            log_posterior=best_lp, method=method,
            stats={"candidates": len(self.ants), "greedy_rules": len(greedy), "mcmc_log_posterior": max(chain_lps, default=None),
                   "greedy_log_posterior": greedy_lp,
                   "acceptance": accepted / max(1, self.chains * self.iterations)},
        )
