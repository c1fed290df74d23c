"""Mining a rule list from the expert: training examples, fidelity on held-out
rounds, the resulting tips' text, and a cache keyed by scenario and expert.

Examples are (state, worker) -> the expert's choice for that worker, as an
action class, over the states that trainees and the expert actually visit: the
expert's own rounds, the expert with random slips (so states just off its path
are covered), and simulated trainees with each habitual mistake. Fidelity is
measured on whole rounds held out from mining, so a state seen in training
never counts twice.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.rounds import decided_states
from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State
from tips.rule_list import BayesianRuleList, RuleList
from tips.trainees import SimulatedTrainee, TraineeModel, worst_habits
from tips.vocabulary import Vocabulary

MINER_VERSION = 2


@dataclass
class Examples:
    X: np.ndarray            # n x predicates, bool
    y: np.ndarray            # expert's action class
    episode: np.ndarray      # which round each came from (for held-out splits)


def expert_classes(vocab: Vocabulary, kitchen: Kitchen, state: State, expert) -> dict[int, int]:
    """The expert's action class for each idle worker who has a real choice."""
    decision = expert(kitchen, state, None)
    return {w: vocab.action_class(kitchen, decision.get(w, IDLE)) for w in kitchen.idle_workers(state)}


def _slipping(expert, eps: float):
    """The expert, except that each worker's choice is replaced by a random legal one with probability eps."""
    def policy(kitchen, state, rng):
        d = dict(expert(kitchen, state, rng))
        taken = set(d.values())
        for w in kitchen.idle_workers(state):
            if rng.random() < eps:
                options = kitchen.choices(state, w, taken - {d.get(w)})
                j = options[int(rng.integers(len(options)))]
                if d.get(w, IDLE) != IDLE:
                    taken.discard(d[w])
                d[w] = j
                if j != IDLE:
                    taken.add(j)
        return {w: j for w, j in d.items() if j != IDLE}
    return policy


def visited_states(scenario: Scenario, expert, episodes: int = 60, seed: int = 0):
    """(episode, kitchen, state) for every decided tick of rounds played, in
    turn, by the slipping expert (half of the rounds; one in six of those
    without slips), a simulated trainee without habits, and one with some."""
    habits = worst_habits(scenario)
    rng = np.random.default_rng(seed)
    for e in range(episodes):
        kitchen = Kitchen(scenario, seed + e if scenario.stochastic else 0)
        kind = e % 4
        if kind <= 1:
            # the expert's own path is one round on a deterministic scenario: a few are enough
            policy = expert if e % 12 == 0 else _slipping(expert, 0.25)
        else:
            chosen = tuple(h for i, h in enumerate(habits) if (e + i) % 2) if kind == 3 else ()
            trainee = SimulatedTrainee(f"sim{e}", scenario, TraineeModel(habits=chosen), seed=seed + e)
            for _ in range(e % 3):  # some have learnt durations in earlier rounds
                trainee.play(Kitchen(scenario, seed + e))
            policy = trainee
        for s in decided_states(kitchen, policy, rng):
            yield e, kitchen, s


def collect_examples(scenario: Scenario, expert, vocab: Vocabulary, episodes: int = 60, seed: int = 0) -> Examples:
    xs, ys, eps = [], [], []
    for e, kitchen, s in visited_states(scenario, expert, episodes, seed):
        classes = expert_classes(vocab, kitchen, s, expert)
        workers = list(classes)
        if not workers:
            continue
        xs.append(vocab.features_for_workers(kitchen, s, workers))
        ys += [classes[w] for w in workers]
        eps += [e] * len(workers)
    X = np.concatenate(xs) if xs else np.zeros((0, len(vocab.predicates)), dtype=bool)
    return Examples(X, np.asarray(ys, dtype=np.int64), np.asarray(eps, dtype=np.int64))


@dataclass
class MinedRules:
    """A mined rule list in the scenario's words, with how well it matches the expert."""
    scenario: Scenario
    rules: RuleList
    fidelity: float
    train_fidelity: float
    n_train: int
    n_test: int
    seconds: float
    info: dict = field(default_factory=dict)

    def __post_init__(self):
        self.vocab = Vocabulary(self.scenario)

    def keys(self, i: int) -> list[str]:
        if i >= len(self.rules.antecedents):
            return []
        return [self.vocab.predicates[p].key for p in self.rules.antecedents[i]]

    def action(self, i: int) -> int:
        return self.rules.consequents[i]

    def text(self, i: int, roles=None) -> str:
        """Rule i as a sentence; `roles` narrows a rule that speaks to anyone to those roles."""
        return self.vocab.rule_text(self.keys(i), self.action(i), roles, default=i == len(self.rules.antecedents))

    def role_of(self, i: int) -> str | None:
        """The role rule i names, if it names one."""
        return next((k[3:] for k in self.keys(i) if k.startswith("me:")), None)

    def find(self, conditions, action: str) -> int | None:
        """The rule with these conditions (predicate keys) and action, wherever
        it sits in the list; None if the list has no such rule."""
        want = (frozenset(conditions), action)
        for i in range(len(self.rules.antecedents)):
            if (frozenset(self.keys(i)), self.vocab.actions[self.action(i)]) == want:
                return i
        return None

    def rule_for(self, kitchen: Kitchen, state: State, worker: int) -> int:
        """Which rule of the list decides this worker's choice here."""
        x = self.vocab.features(kitchen, state, worker)[None, :]
        return int(self.rules.capture(x)[0])

    def to_json(self) -> list[dict]:
        return [{"if": self.keys(i), "then": self.vocab.actions[self.action(i)], "text": self.text(i)}
                for i in range(len(self.rules))]

    def table(self) -> str:
        lines = [f"Rule list ({len(self.rules)} rules, fidelity {self.fidelity:.1%} on held-out states):"]
        lines += [f"  {i + 1}. {self.text(i)}" for i in range(len(self.rules))]
        return "\n".join(lines)


def mine(scenario: Scenario, expert, episodes: int = 60, max_rules: int = 8, iterations: int = 2000,
         chains: int = 3, seed: int = 0, test_share: float = 0.25) -> MinedRules:
    t0 = time.perf_counter()
    vocab = Vocabulary(scenario)
    ex = collect_examples(scenario, expert, vocab, episodes, seed)
    held = np.random.default_rng(seed).random(episodes) < test_share
    test = held[ex.episode]
    subjects = [i for i, p in enumerate(vocab.predicates) if p.key.startswith("me:")]
    brl = BayesianRuleList(len(vocab.actions), max_rules=max_rules, iterations=iterations, chains=chains,
                           seed=seed, subjects=subjects)
    rules = brl.fit(ex.X[~test], ex.y[~test])
    return MinedRules(scenario, rules, fidelity=rules.fidelity(ex.X[test], ex.y[test]),
                      train_fidelity=rules.fidelity(ex.X[~test], ex.y[~test]),
                      n_train=int((~test).sum()), n_test=int(test.sum()), seconds=time.perf_counter() - t0,
                      info={"method": rules.method, **rules.stats})


# -- cache ------------------------------------------------------------------------
def cache_dir() -> Path:
    env = os.environ.get("KITCHEN_COACH_CACHE")
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_cache_dir("kitchen-coach"))


def expert_fingerprint(expert) -> str:
    """Which expert a list was mined from: its weights file's hash when it has one."""
    record = getattr(expert, "record", None) or {}
    return str(record.get("weights_sha256") or getattr(expert, "__name__", type(expert).__name__))


def cached_mine(scenario: Scenario, expert, **kw) -> MinedRules:
    """`mine`, remembered on disk per (scenario content, expert, settings)."""
    key = hashlib.sha256(json.dumps([MINER_VERSION, scenario.content_hash, expert_fingerprint(expert),
                                     sorted(kw.items())]).encode()).hexdigest()[:24]
    path = cache_dir() / "tips" / f"{scenario.key}-{key}.json"
    if path.is_file():
        try:
            d = json.loads(path.read_text())
            rl = RuleList([tuple(a) for a in d["antecedents"]], d["consequents"], d["probs"],
                          d["log_posterior"], d["method"], d["stats"])
            return MinedRules(scenario, rl, d["fidelity"], d["train_fidelity"], d["n_train"], d["n_test"],
                              d["seconds"], {**d["info"], "cached": True})
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache entry is mined again and overwritten
    m = mine(scenario, expert, **kw)
    rl = m.rules
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({
        "antecedents": [list(a) for a in rl.antecedents], "consequents": rl.consequents, "probs": rl.probs,
        "log_posterior": float(rl.log_posterior), "method": rl.method,
        "stats": {k: (float(v) if v is not None else None) for k, v in rl.stats.items()},
        "fidelity": m.fidelity, "train_fidelity": m.train_fidelity, "n_train": m.n_train,
        "n_test": m.n_test, "seconds": m.seconds, "info": {k: v for k, v in m.info.items() if k == "method"},
    }))
    tmp.replace(path)
    return m
