"""Where exploring starts begin: states that human-like play reaches.

The move scorer asks the expert to finish the round from the state a
trainee's decision made, and to compare it with the best alternative from the
state before. A policy trained only from the round's start (or from short
random prefixes) is optimal along its own trajectory and guesses elsewhere:
the research-disruption expert, for one, sends the server to cook from states
where the optimum leaves her idle, because greedy play from the start never
goes there. So training starts some rollouts where people go (DAgger-style
state coverage; the policy-gradient update itself is unchanged):

- trainee: a state along a whole round of a simulated habit trainee
  (engine/trainee_sim.py): each of the scenario's worst habits alone, all of
  them together, none; three noise levels, as engine/expert/verdicts.py draws them;
- greedy: a state along a round of the dispatch/greedy baselines, with a
  random decision mixed in now and then (a greedy player's slip);
- and, from any of those with probability `detour`, one more random decision,
  since the scorer also plays out the alternatives a trainee did not take.

The pool is drawn once per training run from its own generator, with trainee
seeds far from the ones benchmarks/verdicts.py draws (there seed * 100_003 + i
for small seeds), so the verdict benchmark judges states training never saw.
"""
from __future__ import annotations

import numpy as np

from engine.policies import BASELINES, random_policy
from engine.rounds import decided_states
from engine.scenario import Scenario
from engine.simulator import Kitchen, State
from engine.trainee_sim import HabitTrainee, TraineeModel, worst_habits

TAUS = (0.2, 0.35, 0.6)
SEED_BASE = 1_000_000_007  # trainee seeds start here: far from the verdict benchmark's


def _habit_sets(scenario: Scenario) -> list[tuple]:
    worst = worst_habits(scenario)
    return [(h,) for h in worst] + [tuple(worst), ()]


def _trajectory(kitchen: Kitchen, policy, rng: np.random.Generator, slip: float = 0.0) -> list[State]:
    """Every unfinished decision state of one round played by `policy`
    (a random decision instead with probability `slip`)."""
    def slipping(k: Kitchen, s: State, r: np.random.Generator) -> dict[int, int]:
        return random_policy(k, s, r) if r.random() < slip else policy(k, s, r)
    return decided_states(kitchen, slipping, rng)


def human_pool(scenario: Scenario, n: int, seed: int, kitchen, detour: float = 0.3) -> list[tuple[Kitchen, State]]:
    """`n` (kitchen, state) pairs from human-like play (module docstring), fixed
    by `seed`. `kitchen(i)` is the i-th round's kitchen (one fixed kitchen for a
    deterministic round, so rollouts share its caches; a seed of its own for a stochastic one)."""
    rng = np.random.default_rng([seed, 4242])
    habits = _habit_sets(scenario)
    greedy = [BASELINES[k] for k in ("greedy", "dispatch") if k in BASELINES]
    out: list[tuple[Kitchen, State]] = []
    i = 0
    while len(out) < n:
        k = kitchen(i)
        if i % 4 == 3 and greedy:  # one round in four from the greedy baselines, slipping now and then
            states = _trajectory(k, greedy[(i // 4) % len(greedy)], rng, slip=0.2)
        else:
            model = TraineeModel(tau=TAUS[i % len(TAUS)], habits=habits[i % len(habits)])
            trainee = HabitTrainee(f"start{i}", scenario, model, seed=SEED_BASE + seed * 10_007 + i)
            states = [st for st, _ in trainee.play(k)]
        i += 1
        if not states:
            continue
        # a few states per round, not all: more rounds (habits, noise) for the same pool size
        for j in rng.choice(len(states), size=min(len(states), 4), replace=False):
            s = states[int(j)]
            if rng.random() < detour:
                s2, _ = k.step(s, random_policy(k, s, rng), check=False)
                while not s2.done and not k.has_decision(s2):
                    s2, _ = k.step(s2, {}, check=False)
                s = s if s2.done else s2
            out.append((k, s))
            if len(out) >= n:
                break
        if i > 50 * n:  # a round nobody can get into the middle of: give up rather than loop
            break
    return out
