"""Progress bars for long commands (tqdm, on standard error): the one place
that says how a bar behaves.

A 100k-row import spends about a minute scoring, a stochastic solve 40 s, a
long evaluate or experiment as much; a person at a terminal should see that
it is moving. The bars are shown only when standard error is a terminal (tqdm's `disable=None`),
so a script, a pipe or a test that reads standard error gets its one-line
messages and nothing else, and they are cleared when done (`leave=False`), so
what stays on the screen is the command's own summary.
"""
from __future__ import annotations

import sys
from typing import Iterable, TypeVar

T = TypeVar("T")


def progress_bar(items: Iterable[T] | None, enabled: bool, desc: str, unit: str = "it",
                 total: int | None = None, delay: float = 0):
    """`items` wrapped in a tqdm bar (or a bar to `update()` when `items` is
    None); with `enabled` False a bar that never draws. `delay`: seconds
    before it first draws, for work that is often quick."""
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, delay=delay,
                disable=None if enabled else True, mininterval=0.5, dynamic_ncols=True)
