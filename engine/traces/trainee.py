"""The trainee policy π^h (RESEARCH.md, the framework's first step): a small
PyTorch classifier of how a person, or a group, decides, fitted to their
stored decisions.

It decides as the expert does, one idle worker at a time in worker order
(each later worker sees the tasks taken before it this tick), choosing among
that worker's legal choices: stay idle, or take an open task. Every legal
choice becomes one feature row; one network with shared weights gives each
row a logit; a softmax over the legal rows (the mask) is the probability of
each choice. Training maximises the log likelihood of the choices the person
made (cross-entropy), full batch, with Adam.

Feature rows (FEATURES, same order), our own rather than the expert's
engine/expert/features.py, because habits are about *who does what*: a person's
"the server never cooks" is a fact about a role and a task type, which the
expert's role-blind features cannot express:

  who x what   one-hot of (worker role, choice kind), kind = idle or the task
               type; roles and types are the ones seen in training (others
               share one "other" slot), so one model serves every scenario
               whose roles and task types it has seen
  is_task      0 for "stay idle"
  slowdown     log of w's duration for j over the fastest worker's
  skill_rank   w's rank among all workers for j (0 fastest, 1 slowest)
  fastest_free 1 if no other worker still free this tick is faster for j
  faster_busy  1 if a busy worker would finish j sooner than w starting now
  tail         fastest-duration critical path after j, over the scenario's mean duration
  last_task    1 if finishing j serves its order
  order_wait   ticks since j's order arrived, over the mean duration
  time         tick / horizon
  open_left    open tasks not yet taken this tick / workers
  after_me     idle workers still to choose after w / workers
  served       share of orders served

The held-out accuracy (share of held-out choices whose most likely choice is
the one the person made; rounds, not single choices, are held out) is stored
in the model file and printed by `kitchen-coach traces trainee`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from engine.simulator import IDLE, Kitchen, State
from engine.progress import progress_bar

NUMERIC = ("is_task", "slowdown", "skill_rank", "fastest_free", "faster_busy", "tail", "last_task",
           "order_wait", "time", "open_left", "after_me", "served")
OTHER = "(other)"


@dataclass
class ChoicePoint:
    rows: np.ndarray    # [n_choices, n_features]
    choices: list[int]  # IDLE or task index, row by row
    target: int         # row index of the choice made


@dataclass
class Vocabulary:
    roles: list[str]
    types: list[str]

    @property
    def width(self) -> int:
        return (len(self.roles) + 1) * (len(self.types) + 2) + len(NUMERIC)

    def slot(self, role: str, kind: str | None) -> int:
        r = self.roles.index(role) if role in self.roles else len(self.roles)
        k = 0 if kind is None else 1 + (self.types.index(kind) if kind in self.types else len(self.types))
        return r * (len(self.types) + 2) + k


def vocabulary(kitchens: Iterable[Kitchen]) -> Vocabulary:
    roles, types = set(), set()
    for k in kitchens:
        roles |= {w.role for w in k.workers}
        types |= set(k.scenario.task_types)
    return Vocabulary(sorted(roles), sorted(types))


class _KitchenFacts:
    """Per-kitchen constants the rows index."""

    def __init__(self, k: Kitchen):
        base = np.array(k.base_duration, dtype=float).reshape(k.n_workers, k.n_tasks)
        self.scale = float(np.mean([d for w in k.workers for d in w.durations.values()]))
        self.base = base
        fastest = base.min(axis=0)
        self.slowdown = np.log(base / fastest)
        self.rank = (base.argsort(0, kind="stable").argsort(0, kind="stable") / max(1, k.n_workers - 1))
        # the fastest work still to come after each task: the kitchen's
        # critical path from the task, less the task itself (whole ticks)
        after = np.array(k.remaining_work, dtype=float) - np.array(k.fastest, dtype=float)
        self.tail = after / self.scale
        self.last = np.array(k.task_last, dtype=float)


_facts: dict[int, tuple[Kitchen, _KitchenFacts]] = {}


def _facts_of(k: Kitchen) -> _KitchenFacts:
    got = _facts.get(id(k))
    if got is None or got[0] is not k:
        if len(_facts) > 256:
            _facts.clear()
        got = _facts[id(k)] = (k, _KitchenFacts(k))
    return got[1]


def choice_rows(vocab: Vocabulary, k: Kitchen, s: State, w: int, taken: Sequence[int],
                still_free: Sequence[int]) -> tuple[np.ndarray, list[int]]:
    """Feature rows of worker w's legal choices (IDLE first), given the tasks
    `taken` earlier this tick and the workers `still_free` to choose after w."""
    f = _facts_of(k)
    choices = k.choices(s, w, taken)
    rows = np.zeros((len(choices), vocab.width), dtype=np.float32)
    off = vocab.width - len(NUMERIC)
    role = k.workers[w].role
    t = s.tick
    ready = np.maximum(np.array(s.worker_free, dtype=float), t)
    context = (t / k.ticks, (len(choices) - 1) / k.n_workers, len(still_free) / k.n_workers,
               sum(1 for x in s.order_served if x >= 0) / max(1, k.n_orders))
    for i, j in enumerate(choices):
        row = rows[i]
        row[off + 8:off + 12] = context
        if j == IDLE:
            row[vocab.slot(role, None)] = 1
            continue
        row[vocab.slot(role, k.tasks[j].type)] = 1
        d = f.base[w, j]
        others_free = [v for v in still_free if v != w]
        busy = [v for v in range(k.n_workers) if ready[v] > t]
        row[off:off + 8] = (
            1.0, f.slowdown[w, j], f.rank[w, j],
            float(all(f.base[v, j] >= d for v in others_free)),
            float(any(ready[v] + f.base[v, j] < t + d for v in busy)),
            f.tail[j], f.last[j], (t - k.order_at[k.task_order[j]]) / f.scale,
        )
    return rows, choices


def choice_points(vocab: Vocabulary, k: Kitchen, states: Sequence[State],
                  decisions: Mapping[int, Mapping[int, int]]) -> list[ChoicePoint]:
    """The choices one person made in one round: states[t] is the state at
    the start of tick t, decisions[t] what they assigned then. Choices with
    only one legal option (a busy worker, nothing open) teach nothing and are left out."""
    out = []
    for s in states:
        if s.done or not k.has_decision(s):
            continue
        d = decisions.get(s.tick, {})
        idle = k.idle_workers(s)
        taken: list[int] = []
        for i, w in enumerate(idle):
            rows, choices = choice_rows(vocab, k, s, w, taken, idle[i + 1:])
            made = d.get(w, IDLE)
            if len(choices) > 1 and made in choices:
                out.append(ChoicePoint(rows, choices, choices.index(made)))
            if made != IDLE:
                taken.append(made)
    return out


class ChoiceNet(nn.Module):
    """Feature row -> logit; shared weights across rows and choice points."""

    def __init__(self, width: int, hidden: int = 32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)


def _batch(points: Sequence[ChoicePoint], width: int):
    n = max(len(p.choices) for p in points)
    x = np.zeros((len(points), n, width), dtype=np.float32)
    mask = np.zeros((len(points), n), dtype=bool)
    for i, p in enumerate(points):
        x[i, :len(p.choices)] = p.rows
        mask[i, :len(p.choices)] = True
    y = torch.tensor([p.target for p in points])
    return torch.from_numpy(x), torch.from_numpy(mask), y


def _logits(net: ChoiceNet, x, mask):
    return net(x).masked_fill(~mask, -math.inf)


@dataclass
class TraineeModel:
    """A fitted trainee policy and how well it predicts held-out decisions."""
    vocab: Vocabulary
    net: ChoiceNet
    metrics: dict = field(default_factory=dict)

    def probabilities(self, k: Kitchen, s: State, w: int, taken: Sequence[int] = (),
                      still_free: Sequence[int] = ()) -> tuple[list[int], np.ndarray]:
        rows, choices = choice_rows(self.vocab, k, s, w, taken, still_free)
        with torch.no_grad():
            p = torch.softmax(self.net(torch.from_numpy(rows)), 0).numpy()
        return choices, p

    def policy(self, sample: bool = True) -> "TraineePolicy":
        return TraineePolicy(self, sample)

    def save(self, path) -> None:
        torch.save({"format": 1, "roles": self.vocab.roles, "types": self.vocab.types,
                    "hidden": self.net.net[0].out_features, "state_dict": self.net.state_dict(),
                    "metrics": self.metrics}, path)


def load_trainee(path) -> TraineeModel:
    blob = torch.load(path, map_location="cpu", weights_only=True)
    if blob.get("format") != 1:
        raise ValueError(f"{path}: not a trainee model file of this version")
    vocab = Vocabulary(list(blob["roles"]), list(blob["types"]))
    net = ChoiceNet(vocab.width, int(blob["hidden"]))
    net.load_state_dict(blob["state_dict"])
    net.eval()
    return TraineeModel(vocab, net, dict(blob["metrics"]))


class TraineePolicy:
    """`policy(kitchen, state, rng) -> decision`, the engine/policies.py
    protocol: each idle worker in turn draws its choice from the model (or
    takes the most likely one with sample=False)."""

    def __init__(self, model: TraineeModel, sample: bool = True):
        self.model, self.sample = model, sample

    def __call__(self, kitchen: Kitchen, state: State, rng: np.random.Generator) -> dict[int, int]:
        idle = kitchen.idle_workers(state)
        decision: dict[int, int] = {}
        for i, w in enumerate(idle):
            choices, p = self.model.probabilities(kitchen, state, w, list(decision.values()), idle[i + 1:])
            c = int(rng.choice(len(choices), p=p / p.sum())) if self.sample else int(np.argmax(p))
            if choices[c] != IDLE:
                decision[w] = choices[c]
        return decision


RoundData = tuple[Kitchen, Sequence[State], Mapping[int, Mapping[int, int]]]


def fit_trainee(rounds: Sequence[RoundData], held_out: float = 0.2, epochs: int = 300, hidden: int = 32,
                seed: int = 0, lr: float = 0.01, progress: bool = False) -> TraineeModel:
    """Fit on all but a `held_out` share of the rounds (chosen at random with
    `seed`), report accuracy on those, then refit on every round so the
    policy uses all the data. `progress`: bars on standard error."""
    if not rounds:
        raise ValueError("no rounds to learn from")
    torch.manual_seed(seed)
    vocab = vocabulary(k for k, _, _ in rounds)
    per_round = [choice_points(vocab, k, st, d) for k, st, d in progress_bar(rounds, progress, "features", "round")]
    order = np.random.default_rng(seed).permutation(len(rounds))
    n_test = int(round(len(rounds) * held_out)) if len(rounds) >= 5 else 0
    test = [p for i in order[:n_test] for p in per_round[i]]
    train = [p for i in order[n_test:] for p in per_round[i]]
    if not train:
        raise ValueError("the rounds hold no decision with more than one legal choice")
    metrics = {"rounds": len(rounds), "choices": len(train) + len(test), "held_out_rounds": n_test,
               "held_out_choices": len(test)}
    if test:
        net = _train(train, vocab.width, hidden, epochs, lr, progress, "fitting (held out)")
        metrics["held_out_accuracy"] = _accuracy(net, test, vocab.width)
        metrics["train_accuracy"] = _accuracy(net, train, vocab.width)
        # what guessing uniformly among the legal choices would get right, for scale
        metrics["held_out_chance"] = float(np.mean([1 / len(p.choices) for p in test]))
    net = _train(train + test, vocab.width, hidden, epochs, lr, progress, "fitting")
    net.eval()
    return TraineeModel(vocab, net, metrics)


def _train(points, width, hidden, epochs, lr, progress=False, desc="fitting") -> ChoiceNet:
    net = ChoiceNet(width, hidden)
    x, mask, y = _batch(points, width)
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    for _ in progress_bar(range(epochs), progress, desc, "epoch"):
        opt.zero_grad()
        loss = loss_fn(_logits(net, x, mask), y)
        loss.backward()
        opt.step()
    return net


def _accuracy(net: ChoiceNet, points, width) -> float:
    x, mask, y = _batch(points, width)
    with torch.no_grad():
        return float((_logits(net, x, mask).argmax(1) == y).float().mean())


def stored_rounds(store, trainee: str | None = None, scenario: str | None = None,
                  progress: bool = False) -> list[RoundData]:
    """Rounds from the records store, ready for `fit_trainee`: one person's
    (or everyone's: a group model), optionally of one scenario key."""
    people = [store.find_person(trainee)] if trainee is not None else store.people()
    infos = [info for person in people for info in store.history(person)
             if info.decisions and (scenario is None or info.scenario == scenario)]
    out = []
    for info in progress_bar(infos, progress, "loading", "round"):
        decisions = {d.tick: d.decision for d in store.load_round(info.id).decisions}
        out.append((store.kitchen(info.id), store.replay(info.id), decisions))
    return out
