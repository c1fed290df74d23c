"""Progress bars for the trace commands (tqdm, on standard error).

A 100k-row import spends about a minute scoring and fitting a trainee model
can take as long; a person at a terminal should see that it is moving. The
bars are shown only when standard error is a terminal (tqdm's `disable=None`),
so a script, a pipe or a test that reads standard error gets its one-line
messages and nothing else, and they are cleared when done (`leave=False`), so
what stays on the screen is the command's own summary.
"""
from __future__ import annotations

import sys
from typing import Iterable, TypeVar

T = TypeVar("T")


def progress_bar(items: Iterable[T] | None, enabled: bool, desc: str, unit: str = "it",
                 total: int | None = None):
    """`items` wrapped in a tqdm bar (or a bar to `update()` when `items` is
    None); with `enabled` False a bar that never draws."""
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False,
                disable=None if enabled else True, mininterval=0.5, dynamic_ncols=True)
