"""What each tip would save: the population's figures and one trainee's.

Population (the "mined" condition). A tip that is followed hides the mistake
it fixes, so what a tip would save the population is measured only on rounds
where no shown tip covered its situation: `untipped_cells`, per cell (rule,
role of the deciding worker), over each trainee's last rounds.

One trainee (the "personalised" condition), `personal_estimates`: per cell,
the regret this trainee would have avoided by following the rule, per round,
from every decision of theirs (finished rounds or not), each round weighted
`recency` times the round after it, so what they do now counts most; the
population's figures count as `prior_rounds` more rounds older than all of
theirs, so a newcomer gets the population's tips and one round of their own
already outweighs them. Rounds in which the cell's tip was on the screen are
left out of its estimate: a followed tip hides the mistake it fixes, and
without it the mistake comes back. A habit they repeat piles up regret
avoided round after round, so its tip comes first. A cell whose tip was shown
in each of the trainee's last `settled` rounds, whose situation came up there
and was never gone against at a cost, is one they now follow: it drops out,
and the slot goes to their next costliest habit. (Fewer rounds are not
enough: measured on burger and pasta seed 1, dropping a tip after one or two
clean rounds let the habit cost more than the next tip saved, as following
weakens a habit only gradually, engine/trainee_sim.py.)

Exploration (the Gittins index of tips.bandit) is optional: with `sigma` > 0
a cell whose situations this trainee has rarely met gets the index's bonus.
"""
from __future__ import annotations

from dataclasses import dataclass

from tips.bandit import gittins_index
from tips.gains import PlayedRound, Tip, TipStat, cell_stats, roles_tip, tip_from_key, top_tips
from tips.mining import MinedRules


def covers(tip: Tip, rule: int, role: str) -> bool:
    return tip.rule == rule and (tip.roles is None or role in tip.roles)


def cell_key(mined: MinedRules, rule: int, role: str) -> str:
    """A cell's key: the key of its rule's tip for that one role."""
    return roles_tip(mined, rule, (role,)).key


def shown_in(mined: MinedRules, rnd: PlayedRound) -> list[Tip]:
    """The tips of the current list shown in a round (keys of retired rules
    and supervisor texts cover no cell)."""
    return [t for t in (tip_from_key(mined, k) for k in dict.fromkeys(rnd.shown)) if t is not None]


def untipped_cells(mined: MinedRules, scorer, rounds: list[PlayedRound]) -> dict[str, TipStat]:
    """Per cell, stats over the rounds in which no shown tip covered it."""
    roles = list(dict.fromkeys(w.role for w in mined.scenario.workers))
    out: dict[str, TipStat] = {}
    for rnd in rounds:
        shown = shown_in(mined, rnd)
        per_round = {c.tip.key: c for c in cell_stats(mined, scorer, [rnd])}
        decisions = next(iter(per_round.values())).decisions if per_round else 0
        for rule in range(len(mined.rules)):
            for role in roles:
                if any(covers(t, rule, role) for t in shown):
                    continue
                key = cell_key(mined, rule, role)
                st = out.setdefault(key, TipStat(roles_tip(mined, rule, (role,))))
                st.rounds += 1
                st.decisions += decisions
                if key in per_round:
                    st.add(per_round[key])
    return out


def population_tips(cells: dict[str, TipStat], k: int = 3) -> list[TipStat]:
    """The tips that would have saved most over a population's uncovered rounds."""
    return top_tips(list(cells.values()), k)


@dataclass
class Estimate:
    rule: int
    role: str
    saved: float = 0.0       # weighted regret avoided per round (own units)
    weight: float = 0.0      # weight of the rounds in which no shown tip covered it


def personal_estimates(mined: MinedRules, scorer, own: list[PlayedRound], population: dict[str, TipStat],
                       recency: float = 0.5, prior_rounds: float = 1.0, settled: int = 2,
                       sigma: float = 0.0, beta: float = 0.7) -> dict[tuple[int, str], float]:
    """(rule, role) -> what following the rule would save this trainee per
    round (or its Gittins index, with sigma > 0); cells they now follow left out."""
    n = len(own)
    weights = [recency ** (n - 1 - i) for i in range(n)]
    prior = prior_rounds * recency ** n
    est: dict[tuple[int, str], Estimate] = {}
    for st in population.values():
        e = est.setdefault((st.tip.rule, st.tip.roles[0]), Estimate(st.tip.rule, st.tip.roles[0]))
        e.saved += prior * st.saved_per_round
        e.weight += prior
    costly_last: dict[tuple[int, str], list[bool]] = {}
    cells = [(rule, role) for rule in range(len(mined.rules.antecedents)) for role in mined.vocab.roles]
    for w, rnd in zip(weights, own):
        shown = shown_in(mined, rnd)
        stats = cell_stats(mined, scorer, [rnd])
        gains = {(c.tip.rule, c.tip.roles[0]): c.gains for c in stats}
        met = {(c.tip.rule, c.tip.roles[0]) for c in stats if c.situations}
        for cell in cells:
            if any(covers(t, *cell) for t in shown):
                # a tip that is followed hides the mistake it fixes: a round
                # with it on the screen says nothing of what the trainee does alone.
                # It says whether they follow it: None where the situation never came up
                costly_last.setdefault(cell, []).append(
                    any(g > 0 for g in gains.get(cell, ())) if cell in met else None)
                continue
            e = est.setdefault(cell, Estimate(*cell))
            e.saved += w * sum(gains.get(cell, ()))
            e.weight += w  # a round where the situation never came up saved nothing
    # followed: on the screen in each of the last `settled` rounds, met there and
    # never gone against at a cost (following a tip is how people lose the habit)
    followed = {cell for cell, costly in costly_last.items()
                if len(costly) >= settled and all(c is False for c in costly[-settled:])
                and all(any(covers(t, *cell) for t in shown_in(mined, r)) for r in own[-settled:])}
    out = {}
    for cell, e in est.items():
        if cell in followed or cell[0] >= len(mined.rules.antecedents):
            continue  # now followed; or the default rule, which is no tip read alone
        mean = e.saved / e.weight if e.weight else 0.0
        out[cell] = gittins_index(mean, e.weight + 1e-9, sigma, beta) if sigma > 0 else mean
    return out


def personal_tips(mined: MinedRules, estimates: dict[tuple[int, str], float], k: int = 3,
                  share: float = 0.25) -> list[tuple[Tip, float]]:
    """The `k` rules that would save most, each as one tip for the roles that
    carry at least `share` of its best role's saving; (tip, saving per round)."""
    by_rule: dict[int, dict[str, float]] = {}
    for (rule, role), v in estimates.items():
        if v > 0:
            by_rule.setdefault(rule, {})[role] = v
    ranked = []
    for rule, roles in by_rule.items():
        top = max(roles.values())
        kept = [r for r in mined.vocab.roles if roles.get(r, 0.0) >= share * top]
        ranked.append((sum(roles[r] for r in kept), rule, kept))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    return [(roles_tip(mined, rule, kept), saved) for saved, rule, kept in ranked[:k]]
