"""The expert's networks: a shared-weight scorer of candidate rows (the policy)
and a small state-value network (the REINFORCE baseline).

Training uses PyTorch; playing uses `NumpyScorer`, the same arithmetic in
numpy float64 without autograd or tensor overhead, because scoring a move means
many short forwards (one per worker choice) and torch's per-call cost would
dominate. Both run in float64 so their logits agree to rounding error and
greedy choices agree (tests/test_expert_policy.py checks it).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from engine.expert.features import N_FEATURES, N_GLOBAL

DTYPE = torch.float64
# Widest hidden layer an expert file may ask for. The shipped experts use 64;
# 1024 already means two million weights per network, and without a cap an
# edited file could ask for a network that does not fit in memory.
MAX_HIDDEN = 1024


def _mlp(n_in: int, hidden: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(n_in, hidden, dtype=DTYPE), nn.Tanh(),
        nn.Linear(hidden, hidden, dtype=DTYPE), nn.Tanh(),
        nn.Linear(hidden, 1, dtype=DTYPE),
    )


class PolicyNet(nn.Module):
    """score: candidate row -> logit; value: global state features -> V(s)."""

    def __init__(self, hidden: int = 64):
        super().__init__()
        self.hidden = hidden
        self.score = _mlp(N_FEATURES, hidden)
        self.value = _mlp(N_GLOBAL, hidden)

    def logits(self, rows: torch.Tensor) -> torch.Tensor:
        return self.score(rows).squeeze(-1)

    def baseline(self, globals_: torch.Tensor) -> torch.Tensor:
        return self.value(globals_).squeeze(-1)

    def numpy_scorer(self) -> "NumpyScorer":
        layers = [m for m in self.score if isinstance(m, nn.Linear)]
        return NumpyScorer([(l.weight.detach().numpy().T.copy(), l.bias.detach().numpy().copy()) for l in layers])


def state_dict_problem(state, hidden) -> str | None:
    """Why `state` (a loaded state dict) cannot be the weights of a
    `PolicyNet(hidden)`, or None. Checked before the network is built, so a
    file that asks for an absurd size allocates nothing."""
    if isinstance(hidden, bool) or not isinstance(hidden, int) or not 1 <= hidden <= MAX_HIDDEN:
        return f"asks for a hidden layer of {hidden!r} units (an expert has 1 to {MAX_HIDDEN})"
    if not isinstance(state, dict):
        return "holds no table of weights"
    with torch.device("meta"):  # shapes only: nothing is allocated
        want = {k: tuple(v.shape) for k, v in PolicyNet(hidden).state_dict().items()}
    if set(state) != set(want):
        missing, extra = sorted(set(want) - set(state)), sorted(set(state) - set(want))
        return f"weights do not fit the network (missing {missing[:3]}, unexpected {extra[:3]})"
    for k, shape in want.items():
        t = state[k]
        if not isinstance(t, torch.Tensor) or not t.is_floating_point() or tuple(t.shape) != shape:
            got = tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__
            return f"weights do not fit the network ({k} is {got}, not {shape})"
        if not torch.isfinite(t).all():
            return f"weights hold values that are not finite numbers (NaN or infinity, in {k})"
    return None


class NumpyScorer:
    """The policy's logits in plain numpy (the play-time path)."""

    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]]):
        self.layers = layers

    def logits(self, rows: np.ndarray) -> np.ndarray:
        h = rows
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            h = h @ w
            h += b
            if i < last:
                np.tanh(h, out=h)  # in place: at these sizes allocation costs as much as the arithmetic
        return h[:, 0]


def masked_log_softmax(logits: torch.Tensor, seg: torch.Tensor, n_seg: int, width: int,
                       pos: torch.Tensor) -> torch.Tensor:
    """Log-probabilities of candidate rows grouped into choices.

    Row i belongs to choice `seg[i]` at position `pos[i]`; rows are scattered
    into an [n_seg, width] table whose empty cells are -inf, so a choice that
    is not legal (not a row) has probability exactly zero."""
    table = torch.full((n_seg, width), float("-inf"), dtype=logits.dtype)
    table[seg, pos] = logits
    return torch.log_softmax(table, dim=1)
