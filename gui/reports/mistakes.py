"""A trainee's most frequent mistakes, from their costly decisions (verdict
inaccuracy, mistake or blunder), one count per worker whose own choice lost
something against the expert (per-worker regret > 0).

Named by the tip rule that covers the worker's situation where the tips layer
has a rule list mined for the round's scenario and expert ("rule"), otherwise
by worker and task type ("worker"): "Carol (chef): plate instead of cook".
Reports only read rule lists already in the tips cache: mining one needs the
expert's policy and minutes, which a report must not spend.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from engine.records import replay as rp
from engine.scenario import Scenario, parse_scenario
from engine.simulator import Kitchen

IDLE_WORD = "idle"


@dataclass(frozen=True)
class Mistake:
    label: str
    kind: str          # "rule" or "worker"
    count: int
    regret: float      # summed per-worker regret, in the round's own units


class _NotCached(Exception):
    pass


class _CachedRulesOnly:
    """Stands in for an expert known only by its weights' hash: enough for the
    tips cache's key; anything that would need the policy itself (mining on a
    cache miss) raises instead."""

    def __init__(self, weights_hash: str):
        self.record = {"weights_sha256": weights_hash}

    def __call__(self, *args, **kwargs):
        raise _NotCached

    def __getattr__(self, name):
        raise _NotCached


class MistakeCounter:
    def __init__(self):
        self._scenarios: dict[str, Scenario] = {}
        self._kitchens: dict[tuple, Kitchen] = {}
        self._rules: dict[tuple[str, str], object] = {}
        self._counts: dict[str, dict[tuple[str, str], list]] = defaultdict(dict)

    def scenario(self, key: str, text: str, content_hash: str) -> Scenario:
        if content_hash not in self._scenarios:
            self._scenarios[content_hash] = parse_scenario(text, key)
        return self._scenarios[content_hash]

    def _kitchen(self, scenario: Scenario, content_hash: str, seed: int) -> Kitchen:
        # Orders (and so task types) differ between seeds only where orders arrive at random.
        key = (content_hash, seed if scenario.stochastic else None)
        if key not in self._kitchens:
            self._kitchens[key] = Kitchen(scenario, seed)
        return self._kitchens[key]

    def rules(self, scenario: Scenario, content_hash: str, expert_hash: str | None):
        if not expert_hash or expert_hash == "unknown":
            return None
        key = (content_hash, expert_hash)
        if key not in self._rules:
            try:
                from tips.mining import cached_mine
                self._rules[key] = cached_mine(scenario, _CachedRulesOnly(expert_hash))
            except _NotCached:
                self._rules[key] = None
            except Exception:  # a damaged or foreign cache must not stop a report
                self._rules[key] = None
        return self._rules[key]

    def add(self, trainee: str, scenario: Scenario, content_hash: str, seed: int, expert_hash: str | None,
            bad: list, all_decisions: list) -> None:
        """`bad`: the round's costly decision rows; `all_decisions`: every decision
        row of the round (to replay states when naming by rule)."""
        k = self._kitchen(scenario, content_hash, seed)
        mined = self.rules(scenario, content_hash, expert_hash)
        states = None
        if mined is not None:
            states = rp.fold(k, {d.tick: rp.decode(k, d.decision) for d in all_decisions})
        workers = {w.name: i for i, w in enumerate(k.workers)}
        for d in bad:
            mine = {p["worker"]: p for p in d.decision or ()}
            theirs = {p["worker"]: p for p in d.expert_decision or ()}
            for name, regret in _culprits(d, mine, theirs):
                w = workers.get(name)
                if w is None:
                    continue
                if states is not None and d.tick < len(states):
                    rule = mined.rule_for(k, states[d.tick], w)
                    label, kind = f"Went against: {mined.text(rule)}", "rule"
                else:
                    a, b = _type(k, mine.get(name)), _type(k, theirs.get(name))
                    if a == b != IDLE_WORD:  # the right kind of task, but for the wrong order
                        a, b = f"{a} (order {int(mine[name]['order']) + 1})", f"{b} (order {int(theirs[name]['order']) + 1})"
                    label = f"{k.workers[w].label}: {a} instead of {b}"
                    kind = "worker"
                cell = self._counts[trainee].setdefault((kind, label), [0, 0.0])
                cell[0] += 1
                cell[1] += regret

    def pop(self, trainee: str, n: int) -> list[Mistake]:
        """`top`, then forget the trainee's counts (a long report's memory stays flat)."""
        out = self.top(trainee, n)
        self._counts.pop(trainee, None)
        return out

    def top(self, trainee: str, n: int) -> list[Mistake]:
        cells = self._counts.get(trainee, {})
        out = [Mistake(label, kind, c, float(r)) for (kind, label), (c, r) in cells.items()]
        return sorted(out, key=lambda m: (-m.count, -m.regret, m.label))[:n]


def _culprits(d, mine: dict, theirs: dict):
    """(worker name, regret) of each worker whose own choice cost something; with
    no per-worker scores, each worker who chose differently from the expert."""
    if d.per_worker:
        for name, r in d.per_worker.items():
            if r is not None and r > 1e-6:
                yield name, float(r)
        return
    for name in set(mine) | set(theirs):
        a, b = mine.get(name), theirs.get(name)
        if (a and (a["order"], a["task"])) != (b and (b["order"], b["task"])):
            yield name, 0.0


def _type(k: Kitchen, pair: dict | None) -> str:
    if not pair:
        return IDLE_WORD
    order = int(pair["order"])
    if 0 <= order < len(k.orders):
        recipe = k.scenario.recipes.get(k.orders[order].dish)
        if recipe is not None:
            return recipe.types.get(pair["task"], pair["task"])
    return pair["task"]
