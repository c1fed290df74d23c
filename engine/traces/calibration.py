"""Calibration: the game as a model of a real kitchen (RESEARCH.md, "Model
MDP and world MDP"). From trace rows that carry real durations, fit each
worker's duration per task type and the scenario's noise by maximum
likelihood, and write a calibrated scenario file.

The model is the engine's own: a task that worker w starts, of type k, takes
d[w,k] ticks, plus one more with probability p (the scenario's `slow_prob`),
independently per task. A log also has recording slips that no kitchen rule
explains (a duration off by several ticks); rather than let one slip drag an
estimate, each observation is, with a small fixed probability EPS, a slip
drawn uniformly from the observed range. The likelihood of a duration D is

    L(D | d, p) = (1 - EPS) * [(1 - p) * 1{D = d} + p * 1{D = d + 1}] + EPS / R

and (d, p) maximise the sum of log L over all rows: for a fixed p each d[w,k]
is a one-dimensional search over whole numbers; for fixed d the log
likelihood is concave in p, maximised by a golden-section search. The two
steps alternate until nothing changes (coordinate ascent never lowers the
likelihood, and the d's take finitely many values, so it stops).

p is kept at most 0.5: "slow" is the exception, and without the bound d = 3
with p = 1 explains a log of fours as well as d = 4 with p = 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import tomlkit

from engine.scenario import Scenario, parse_scenario
from engine.simulator import Kitchen
from engine.traces.format import Problem, TraceFile

EPS = 1e-3
P_MAX = 0.5


@dataclass(frozen=True)
class DurationFit:
    worker: str
    type: str
    rows: int
    estimate: int          # the calibrated duration d[w,k], written to the file
    before: int            # the scenario's duration
    mean: float            # mean observed duration
    spread: float          # standard deviation of the observed durations
    base_mean: float       # mean minus the fitted slow share: a continuous estimate of d[w,k]
    slips: int             # rows the model explains only as recording slips

    def to_dict(self) -> dict:
        return {"worker": self.worker, "type": self.type, "rows": self.rows, "estimate": self.estimate,
                "before": self.before, "mean": round(self.mean, 4), "spread": round(self.spread, 4),
                "base_mean": round(self.base_mean, 4), "slips": self.slips}


@dataclass
class Calibration:
    fits: list[DurationFit]
    slow_prob: float | None        # None: not fitted (no worker and task type was seen twice)
    slow_prob_before: float
    rows_used: int
    rows_without_duration: int
    log_likelihood: float
    kept: list[tuple[str, str]] = field(default_factory=list)  # (worker, type) pairs with no rows

    def to_dict(self) -> dict:
        return {"durations": [f.to_dict() for f in self.fits],
                "slow_prob": None if self.slow_prob is None else round(self.slow_prob, 4),
                "slow_prob_before": self.slow_prob_before, "rows_used": self.rows_used,
                "rows_without_duration": self.rows_without_duration,
                "log_likelihood": round(self.log_likelihood, 4),
                "kept": [{"worker": w, "type": k} for w, k in self.kept]}

    def report(self) -> str:
        lines = [f"Calibrated from {self.rows_used} rows with a duration"
                 + (f" ({self.rows_without_duration} rows without one were not used)"
                    if self.rows_without_duration else "") + ":",
                 "  worker        type        rows  before  estimate  mean   spread  slips"]
        for f in self.fits:
            lines.append(f"  {f.worker:<12}  {f.type:<10}  {f.rows:>4}  {f.before:>6}  {f.estimate:>8}  "
                         f"{f.mean:>5.2f}  {f.spread:>6.2f}  {f.slips:>5}")
        for w, k in self.kept:
            lines.append(f"  {w:<12}  {k:<10}     0  (no rows: kept as it was)")
        if self.slow_prob is None:
            lines.append(f"Noise: no worker did one task type twice; slow_prob kept at {self.slow_prob_before:g}")
        else:
            lines.append(f"Noise: slow_prob {self.slow_prob:.3f} (was {self.slow_prob_before:g})")
        return "\n".join(lines)


def observations(trace: TraceFile, scenario: Scenario) -> tuple[dict[tuple[int, str], list[int]], int, list[Problem]]:
    """Rows with a duration, read against `scenario` (the model being
    calibrated): {(worker index, task type): [durations]}, the number of rows
    without a duration, and the rows that do not fit the scenario.

    Rows are not replayed: real durations differ from the model's, so a real
    log is often illegal under the model's timing, which is the point."""
    names = {w.name: i for i, w in enumerate(scenario.workers)}
    roles = [w.role for w in scenario.workers]
    names.update({w.role: i for i, w in enumerate(scenario.workers) if roles.count(w.role) == 1})
    kitchens: dict[int, Kitchen] = {}
    obs: dict[tuple[int, str], list[int]] = {}
    without, problems = 0, list(trace.problems)
    for r in trace.rounds:
        for row in r.rows:
            if row.duration is None:
                without += 1
                continue
            w = names.get(row.worker)
            if w is None:
                problems.append(Problem(row.line, f"unknown worker {row.worker!r} (workers: "
                                        f"{', '.join(x.label for x in scenario.workers)})", r.key))
                continue
            seed = row.seed or 0
            k = kitchens.get(seed) or kitchens.setdefault(seed, Kitchen(scenario, seed))
            if row.order >= k.n_orders:
                problems.append(Problem(row.line, f"unknown order {row.order} (the scenario has orders "
                                        f"0 to {k.n_orders - 1})", r.key))
                continue
            recipe = scenario.recipes[k.orders[row.order].dish]
            if row.task not in recipe.tasks:
                problems.append(Problem(row.line, f"unknown task {row.task!r} for order {row.order} "
                                        f"({recipe.name}: {', '.join(recipe.tasks)})", r.key))
                continue
            obs.setdefault((w, recipe.types[row.task]), []).append(row.duration)
    problems.sort(key=lambda p: p.line)
    return obs, without, problems


def _pair_loglik(counts: dict[int, int], d: int, p: float, floor: float) -> float:
    total = 0.0
    for value, n in counts.items():
        inside = (1 - p) if value == d else p if value == d + 1 else 0.0
        total += n * math.log((1 - EPS) * inside + floor)
    return total


def fit(obs: dict[tuple[int, str], list[int]], scenario: Scenario, rows_without: int = 0) -> Calibration:
    """Maximum-likelihood durations and slow_prob (module docstring)."""
    if not obs:
        raise ValueError("no row has a duration to calibrate from")
    every = [v for vs in obs.values() for v in vs]
    lo, hi = min(every), max(every)
    floor = EPS / (hi - lo + 2)  # the slip density: uniform over the observed range and one beyond
    counts = {key: {v: vs.count(v) for v in set(vs)} for key, vs in obs.items()}
    fit_p = any(len(vs) >= 2 for vs in obs.values())

    def best_d(c: dict[int, int], p: float) -> int:
        return max(range(max(1, min(c) - 1), max(c) + 1), key=lambda d: (_pair_loglik(c, d, p, floor), -d))

    def total(ds: dict, p: float) -> float:
        return sum(_pair_loglik(counts[key], ds[key], p, floor) for key in counts)

    p = 0.1 if fit_p else scenario.slow_prob
    ds = {key: best_d(c, p) for key, c in counts.items()}
    for _ in range(100):
        if fit_p:
            p = _golden(lambda q: total(ds, q), 0.0, P_MAX)
        new = {key: best_d(c, p) for key, c in counts.items()}
        if new == ds:
            break
        ds = new
    fits = []
    for (w, k), vs in sorted(obs.items()):
        d = ds[(w, k)]
        arr = np.array(vs, dtype=float)
        fits.append(DurationFit(scenario.workers[w].name, k, len(vs), d, scenario.workers[w].durations[k],
                                float(arr.mean()), float(arr.std()), float(arr.mean() - (p if fit_p else 0.0)),
                                int(sum(1 for v in vs if v not in (d, d + 1)))))
    seen = set(obs)
    kept = [(x.name, k) for i, x in enumerate(scenario.workers) for k in scenario.task_types if (i, k) not in seen]
    return Calibration(fits, round(p, 4) if fit_p else None, scenario.slow_prob, len(every), rows_without,
                       total(ds, p), kept)


def _golden(f, a: float, b: float, tol: float = 1e-5) -> float:
    """Maximiser of a concave f on [a, b]."""
    g = (math.sqrt(5) - 1) / 2
    a0, b0 = a, b
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    return max((a0, (a + b) / 2, b0), key=f)  # p = 0 exactly is often the answer


def calibrated_text(scenario: Scenario, cal: Calibration, source: str) -> str:
    """The scenario's own file with the fitted numbers put in; comments and
    layout kept. Checked by the scenario parser before it is returned."""
    doc = tomlkit.parse(scenario.text)
    est = {(f.worker, f.type): f.estimate for f in cal.fits}
    for w in doc["workers"]:
        for k in list(w.keys()):
            if (str(w["name"]), k) in est:
                w[k] = est[(str(w["name"]), k)]
    name = str(doc["scenario"]["name"])
    if not name.endswith("(calibrated)"):
        doc["scenario"]["name"] = f"{name} (calibrated)"
    if cal.slow_prob is not None:
        if cal.slow_prob > 0:
            if "noise" not in doc:
                doc["noise"] = tomlkit.table()
            doc["noise"]["slow_prob"] = cal.slow_prob
        elif "noise" in doc:
            del doc["noise"]
    text = (f"# Calibrated by `kitchen-coach traces calibrate` from {source} "
            f"({cal.rows_used} rows with a duration).\n" + tomlkit.dumps(doc))
    parse_scenario(text, "<calibrated scenario>")  # raises ScenarioError if we broke it
    return text
