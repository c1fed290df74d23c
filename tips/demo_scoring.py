"""Scoring the demo trainees' rounds (tips/demo_data.py), in this process or
in several.

Scoring is the slow part of filling a database: every decided tick is scored
by the move scorer (engine/expert/scoring.py) against the shipped expert, as the app
scores a trainee's decisions, and the tips need, for each worker who went
against the rule covering their situation at a cost, what following it would
have saved (tips/gains.py `cell_stats`, kept in `PlayedRound.rescored`). Both
depend only on the round, so a round's scoring can be done anywhere: with
`workers` > 1 the rounds of a batch go to that many processes, each with its
own expert and mined list (the same ones, read from the same files and
cache), and come back filled in. Processes are spawned, not forked: a fork
of a process whose torch has started its threads can hang.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence

from engine.scenario import Scenario
from engine.simulator import Kitchen
from tips.gains import PlayedRound, cell_stats
from tips.mining import MinedRules


class ScoreMemo:
    """The scorer's answers kept: a score is a pure function of the
    scenario, the seed (stochastic scenarios only), the state and the
    decision, and on a deterministic kitchen many trainees meet the same
    positions (every round starts from one state), as a trace import finds
    (engine/traces/importer.py `_score`). Bounded: cleared when full."""

    def __init__(self, scorer, most: int = 50_000):
        self.scorer, self.most = scorer, most
        self.kept: dict = {}

    def score(self, kitchen: Kitchen, state, decision: dict[int, int]):
        key = (kitchen.seed if kitchen.scenario.stochastic else None, state, tuple(sorted(decision.items())))
        got = self.kept.get(key)
        if got is None:
            if len(self.kept) >= self.most:
                self.kept.clear()
            got = self.kept[key] = self.scorer.score(kitchen, state, decision)
        return got


def remembering(mined: MinedRules, most: int = 400_000) -> MinedRules:
    """A copy of the mined list that keeps each (kitchen seed, state, worker)'s
    predicate vector and rule. The coach asks them again and again of the
    same states: which rule covers each decision of every trainee's last
    rounds (`cell_stats`, every round of trainees), and whether a candidate
    tip holds on the calibration rounds (`standalone_precision`, for every
    trainee); measured at 60 trainees x 4 rounds, two thirds of the time
    choosing tips went there. One list serves one scenario, so the seed
    names the kitchen. The vectors are made read-only: shared, they must not
    change. The original list is left as it was."""
    import copy

    mined = copy.copy(mined)
    vocab = mined.vocab = copy.copy(mined.vocab)
    features, rule_for = vocab.features, mined.rule_for
    kept_x: dict = {}
    kept_rule: dict = {}

    def remembered_features(kitchen: Kitchen, state, worker: int):
        key = (kitchen.seed, state, worker)
        x = kept_x.get(key)
        if x is None:
            if len(kept_x) >= most:
                kept_x.clear()
            x = kept_x[key] = features(kitchen, state, worker)
            x.setflags(write=False)
        return x

    def remembered_rule(kitchen: Kitchen, state, worker: int) -> int:
        key = (kitchen.seed, state, worker)
        r = kept_rule.get(key)
        if r is None:
            if len(kept_rule) >= most:
                kept_rule.clear()
            r = kept_rule[key] = rule_for(kitchen, state, worker)
        return r

    vocab.features = remembered_features
    mined.rule_for = remembered_rule
    return mined


def fill_scores(mined: MinedRules, scorer, rnd: PlayedRound) -> PlayedRound:
    """The round's move scores and re-scores, as the coach will ask for them."""
    rnd.score(scorer)
    cell_stats(mined, scorer, [rnd])
    return rnd


class RoundScoring:
    """`score(rounds, done)`: fills each round's `scores` and `rescored`,
    calling `done(n)` as rounds finish; one process, or a pool of `workers`."""

    def __init__(self, scenario: Scenario, mined: MinedRules, scorer, workers: int = 1):
        self.mined, self.scorer = mined, ScoreMemo(scorer)
        self.pool = None
        if workers > 1:
            import multiprocessing

            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_start_worker, initargs=(scenario.key, scenario.text))
            self.workers = workers

    def score(self, rounds: Sequence[PlayedRound], done: Callable[[int], None] = lambda n: None) -> None:
        if self.pool is None:
            for rnd in rounds:
                fill_scores(self.mined, self.scorer, rnd)
                done(1)
            return
        # a round's kitchen is rebuilt there from its seed: the states and
        # decisions are small, a Kitchen is not
        jobs = [(rnd.kitchen.seed, rnd.steps) for rnd in rounds]
        chunk = max(1, len(jobs) // (self.workers * 8))
        for rnd, (scores, rescored) in zip(rounds, self.pool.map(_score_round, jobs, chunksize=chunk)):
            rnd.scores, rnd.rescored = scores, rescored
            done(1)

    def close(self, stop: bool = False) -> None:
        """Let the processes go. `stop` (interrupted, or failed): the rounds
        not started are dropped and nothing waits here; each process ends
        after the rounds it holds (they ignore Ctrl-C, so they are never
        killed half-way), and Python waits for that at exit."""
        if self.pool is not None:
            self.pool.shutdown(wait=not stop, cancel_futures=True)
            self.pool = None


_worker: dict = {}


def _start_worker(key: str, text: str) -> None:
    import signal

    import torch

    # Ctrl-C reaches the whole process group: the command stops the pool and
    # says "interrupted" once, instead of every process printing a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _leave_with(os.getppid())

    from engine.scenario import parse_scenario
    from engine.traces.importer import default_scorer
    from tips.coach import rules_for

    torch.set_num_threads(1)  # one core per process: the processes are the parallelism
    scenario = parse_scenario(text, key)
    expert, scorer = default_scorer(scenario)
    _worker.update(scenario=scenario, mined=remembering(rules_for(scenario, expert)), scorer=ScoreMemo(scorer),
                   kitchens={})


def _leave_with(parent: int) -> None:
    """End this process when the command that started it is gone (killed,
    say): the pool's pipes stay open among its processes, so they would
    otherwise wait for work for ever."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _score_round(job) -> tuple[list, dict]:
    seed, steps = job
    kitchens = _worker["kitchens"]
    if seed not in kitchens:
        if len(kitchens) > 256:  # a stochastic scenario's rounds each have their own seed
            kitchens.clear()
        kitchens[seed] = Kitchen(_worker["scenario"], seed)
    rnd = fill_scores(_worker["mined"], _worker["scorer"], PlayedRound(kitchens[seed], steps))
    return rnd.scores, rnd.rescored
