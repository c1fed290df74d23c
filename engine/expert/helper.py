"""A second process that searches after a trainee's move while this one plays it out.

After a costly-looking move the scorer checks it twice more: the rollout
play-out, then the beam search from the state the move leads to
(engine/expert/scoring.py). Each is a pure function of that state, and on the
largest kitchen (rush) each takes 30-130 ms: done one after the other they are
most of the trainee's wait. `SearchHelper` runs the search in a second process,
started with the move, while the scorer plays the move out here; the verdict
then waits for the slower of the two instead of their sum. Python threads
would not help: both are pure-Python play-outs, held to one core by the GIL.

The helper holds its own `MoveScorer`, built with the same expert weights and
options, and its own kitchens. While the trainee thinks it prepares the board's
state as the scorer does (`prepare`): a search after the move mostly meets
play-outs the preparation has already made, and a helper that had not
prepared took about twice as long as the scorer's own search. Its values are
the very ones this process would find, since a play-out's or a search's value
depends on the state alone (engine/expert/search.py): a score is the same with
or without the helper; the helper only changes when it is ready.

Best effort by design: until the helper has started (it imports torch, about a
second), or if it has died or hangs, `start` returns None or `Pending.wait`
gives None, and the scorer searches here, as it does without a helper.
Requests are answered in order; a preparation overtaken by a newer request is
skipped.
"""
from __future__ import annotations

import multiprocessing
import weakref
from itertools import count

from engine.simulator import Kitchen, State

# a search that has not answered by then is abandoned (the helper is stopped,
# the scorer searches here): the longest seen on rush is ~0.2 s
ANSWER_TIMEOUT_S = 30.0
KITCHENS_KEPT = 8  # a few rounds' kitchens: a session plays one at a time


def _serve(conn, net, horizon, options: dict) -> None:
    """The helper process: take (ticket, what, kitchen key, (scenario, seed),
    state, decision) in order and answer (ticket, value): "search" gives the
    search's value after the decision, "prepare" prepares the state
    (MoveScorer.prepare) and gives None; until told to stop (None) or the
    pipe closes."""
    import torch

    from engine.expert.scoring import MoveScorer
    from engine.expert.trained import Expert

    torch.set_num_threads(1)  # the other core is the scorer's
    scorer = MoveScorer(Expert(net, horizon=horizon), **options)
    kitchens: dict[int, Kitchen] = {}
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        ticket, what, key, made, state, decision = msg
        value = None
        try:
            kitchen = kitchens.get(key)
            if kitchen is None:
                if len(kitchens) >= KITCHENS_KEPT:
                    kitchens.pop(next(iter(kitchens)))
                kitchen = kitchens[key] = Kitchen(*made)
            if what == "prepare":
                # a newer request waiting makes a preparation stale: the board moved on
                if not conn.poll(0):
                    scorer.prepare(kitchen, state)
            else:
                value = scorer.looks(kitchen).search.after(kitchen, state, decision)
        except Exception:  # answered with None: the scorer then works it out itself
            value = None
        conn.send((ticket, value))


class Pending:
    """A search the helper is running; `wait()` gives its value, or None when
    the helper could not answer (then the caller searches itself)."""

    def __init__(self, helper: "SearchHelper", ticket: int):
        self.helper, self.ticket = helper, ticket

    def wait(self) -> float | None:
        return self.helper._wait(self.ticket)


class SearchHelper:
    """One helper process for one scorer (module docstring). `close()` stops
    it; so does the end of this process (it is a daemon)."""

    def __init__(self, net, horizon: int | None, options: dict):
        self.options = options  # the helper's MoveScorer arguments
        ctx = multiprocessing.get_context("spawn")  # no fork of a process with Qt and torch threads
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child, net, horizon, options), daemon=True,
                                    name="kitchen-coach search helper")
        self._process.start()
        child.close()
        self._ready = False
        self.answered = 0  # searches the helper answered (a measure of its use)
        self._outstanding: set[int] = set()
        self._tickets = count()
        self._keys = count()
        self._known: "weakref.WeakKeyDictionary[Kitchen, int]" = weakref.WeakKeyDictionary()
        self._finalizer = weakref.finalize(self, SearchHelper._stop, self._conn, self._process)

    @property
    def alive(self) -> bool:
        return self._conn is not None and self._process.is_alive()

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Wait until the helper has started (benchmarks and tests, which time
        or check its use from the first score); False if it did not."""
        try:
            while self.alive and not self._ready and self._conn.poll(timeout):
                self._take(self._conn.recv())
        except (EOFError, OSError):
            self.close()
        return self._ready and self.alive

    def prepare(self, kitchen: Kitchen, state: State) -> None:
        """Prepare `state` in the helper too (MoveScorer.prepare), so that its
        search after the move finds the play-outs near the state remembered,
        as the scorer's own would; nothing comes back."""
        self._send("prepare", kitchen, state, None)

    def start(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> Pending | None:
        """Start the search after `decision` at `state`; None when the helper
        is not ready or gone. Requests are answered in order."""
        ticket = self._send("search", kitchen, state, decision)
        return None if ticket is None else Pending(self, ticket)

    def _send(self, what: str, kitchen: Kitchen, state: State, decision) -> int | None:
        if not self.alive:
            return None
        try:
            self._drain()
        except (EOFError, OSError):
            self.close()
            return None
        if not self._ready:
            return None
        key = self._known.get(kitchen)
        if key is None:
            key = self._known[kitchen] = next(self._keys)
        # the kitchen's makings go with every request (~2 kB): the helper keeps
        # only a few kitchens, and builds again one it let go
        made = (kitchen.scenario, kitchen.seed)
        ticket = next(self._tickets)
        try:
            self._conn.send((ticket, what, key, made, state, decision))
        except (OSError, ValueError):
            self.close()
            return None
        self._outstanding.add(ticket)
        return ticket

    def settle(self) -> None:
        """Wait until the helper has done everything asked of it (benchmarks:
        a trainee who thinks until both processes have prepared the state)."""
        while self._outstanding and self.alive:
            self._wait(max(self._outstanding))

    def _drain(self) -> None:
        """Take in whatever answers have come (the ready signal, searches whose
        caller no longer needed them) without waiting."""
        while self._conn.poll(0):
            self._take(self._conn.recv())

    def _take(self, msg) -> tuple:
        ticket, value = msg
        if ticket == "ready":
            self._ready = True
        else:
            self._outstanding.discard(ticket)
        return ticket, value

    def _wait(self, ticket: int) -> float | None:
        if ticket not in self._outstanding or not self.alive:
            return None
        try:
            while True:
                if not self._conn.poll(ANSWER_TIMEOUT_S):
                    self.close()  # hung: never wait for it again
                    return None
                got, value = self._take(self._conn.recv())
                if got == ticket:
                    self.answered += value is not None
                    return value
        except (EOFError, OSError):
            self.close()
            return None

    def close(self) -> None:
        """Stop the helper process (idempotent)."""
        if self._conn is not None:
            self._finalizer()
            self._conn = None

    @staticmethod
    def _stop(conn, process) -> None:
        try:
            conn.send(None)
        except (OSError, ValueError):
            pass
        process.join(timeout=2)
        if process.is_alive():
            process.terminate()
            process.join(timeout=2)
        conn.close()
