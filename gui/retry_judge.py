"""Judging a retried decision, without Qt (run on a background thread).

A retry is right when its regret is under the scenario's "good" line
(engine.expert.scoring.Thresholds: makespan half a turn, so on a deterministic
makespan round only a decision that keeps the optimum in reach). Where the
scenario is deterministic the regret is exact: the CP-SAT optimum after the
decision against the optimum before it (engine/exact_regret.py), and the
play-outs revealed are those optima. Elsewhere (random orders, noise, or an
optimum not proven in time) the move scorer's regret and play-out values are
used, as for the round itself.

Also here: which tip rule a costly decision broke, for the mistake queue
(the mined rule that decides the costliest worker's choice, in the list
mined from the shipped expert), and the hint (that rule's condition).
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.simulator import IDLE, Kitchen, State

EXACT_TIME_LIMIT = 10.0


@dataclass(frozen=True)
class RetryResult:
    correct: bool
    regret: float              # own units, against the best (exact) or the expert's reference (scorer)
    mine_value: float | None   # the round's outcome after this decision, played out as well as known
    expert_value: float | None  # the same after the expert's decision
    exact: bool                # proven by CP-SAT
    best_decision: dict[int, int] | None = None   # one optimal decision, where exact


def judge_retry(kitchen: Kitchen, state: State, decision: dict[int, int], expert_decision: dict[int, int],
                scorer_factory=None, exact: bool = True, optima=None) -> RetryResult:
    from engine.expert.scoring import Thresholds

    th = Thresholds.for_scenario(kitchen.scenario)
    decision = {w: j for w, j in decision.items() if j != IDLE}
    if exact and not kitchen.scenario.stochastic:
        got = _exact(kitchen, state, decision, expert_decision, optima)
        if got is not None:
            regret, mine, theirs, best = got
            return RetryResult(regret < th.good, regret, mine, theirs, True, best)
    if scorer_factory is None:
        raise ValueError("no scorer to judge this decision with")
    m = scorer_factory(kitchen.scenario).score(kitchen, state, decision)
    regret = float(m.regret)
    return RetryResult(regret < th.good, regret, getattr(m, "value", None), getattr(m, "expert_value", None), False)


def _exact(kitchen, state, decision, expert_decision, optima):
    from engine.exact_regret import Optima, settled
    from engine.optimum import decisions_from, solve

    optima = optima or Optima(EXACT_TIME_LIMIT)
    state = settled(kitchen, state)
    # one solve gives the optimum before and an optimal decision (the schedule's starts at this tick)
    sol = solve(kitchen, state, time_limit=EXACT_TIME_LIMIT)
    if not sol.proven:
        return None
    before = float(sol.value)
    optima.preload(kitchen, {state: before})
    after = [optima.optimum(kitchen, settled(kitchen, kitchen.step(state, d)[0])) for d in (decision, expert_decision)]
    if None in after:
        return None
    worse = -1.0 if kitchen.scenario.higher_is_better else 1.0
    best = decisions_from(kitchen, state, sol.schedule).get(state.tick, {})
    return max(0.0, worse * (after[0] - before)), after[0], after[1], best


# -- the rule a mistake broke -------------------------------------------------------

def shipped_rules(scenario):
    """The rule list mined from the scenario's shipped expert; None without one."""
    try:
        from engine.expert.trained import ExpertError, shipped_expert
        from tips.coach import rules_for
    except ImportError:
        return None
    try:
        return rules_for(scenario, shipped_expert(scenario))
    except ExpertError:
        return None


def costliest_worker(kitchen: Kitchen, state: State, decision: dict[int, int], expert: dict[int, int],
                     per_worker: dict) -> int | None:
    """The idle worker whose choice, differing from the expert's, cost most."""
    per = {}
    for w, r in dict(per_worker or {}).items():
        key = int(w) if str(w).lstrip("-").isdigit() else next(
            (i for i, x in enumerate(kitchen.workers) if x.name == w), None)
        if key is not None and r is not None:
            per[key] = float(r)
    differing = [w for w in kitchen.idle_workers(state) if decision.get(w, IDLE) != expert.get(w, IDLE)]
    return max(differing, key=lambda w: (per.get(w, 0.0), -w)) if differing else None


def broken_rule(mined, kitchen: Kitchen, state: State, worker: int | None) -> tuple[str, str]:
    """(rule key, tip text) of the rule deciding `worker`'s choice here; ("", "") when none."""
    if mined is None or worker is None:
        return "", ""
    from tips.gains import Tip

    rule = mined.rule_for(kitchen, state, worker)
    if rule >= len(mined.rules.antecedents):
        return "", ""   # the default rule: "in any other situation" teaches nothing on its own
    tip = Tip(mined.text(rule), rule, None, mined)
    return tip.key, tip.text


def mistake_tags(mined, kitchen: Kitchen, states: list[State], decisions) -> dict[int, tuple[str, str, str]]:
    """tick -> (worker name, rule key, tip text) for a stored round's mistakes and
    blunders (engine.records.views.DecisionInfo rows)."""
    from engine.records import replay as rp

    out = {}
    for d in decisions:
        if d.verdict not in ("mistake", "blunder") or d.tick >= len(states):
            continue
        state = states[d.tick]
        expert = rp.decode(kitchen, d.expert_decision or [])
        w = costliest_worker(kitchen, state, d.decision, expert, d.per_worker)
        rule, text = broken_rule(mined, kitchen, state, w)
        out[d.tick] = (kitchen.workers[w].name if w is not None else "", rule, text)
    return out


def hint_of(tip_text: str) -> str:
    """The tip's condition alone ("When X, do Y" -> "When X"): the hint before the answer."""
    if not tip_text:
        return ""
    head = tip_text.rsplit(", ", 1)[0] if ", " in tip_text else tip_text
    return head + ": what does that call for?"
