"""Choosing a trainee's tips round after round.

A tip that is followed hides the mistake it fixes: in the rounds where it was
shown, the trainee rarely goes against it, so its gain measured there falls to
nothing and a plain "top tips of the last rounds" rule would drop it, and the
mistake would come back. So what a tip would save is measured only on rounds
where no shown tip covered its situation (the trainee on their own), and what
it did save once shown is the bandit's reward:

- arms are cells, (rule, role of the deciding worker); a tip shows one rule
  for one or more roles, so it covers those cells;
- an arm's prior is the regret the cell would have saved per round in the
  trainee's own last `window` uncovered rounds, with the population's
  (stored or simulated trainees') per-round figures counted as
  `prior_rounds` more rounds, so a trainee with no history gets the
  population's tips; times the share of such estimates that shown tips
  have realised so far (`Realisation`, pooled over trainees);
- after a round in which the cell was shown, the reward is the regret saved
  there: (mean regret per situation when uncovered - mean regret per
  situation this round) x this round's situations;
- each round the arms with the highest Gittins index (tips.bandit) are
  shown, those of one rule together as one tip, up to `k` tips; an arm
  whose index is not positive is not shown.
"""
from __future__ import annotations

from tips.bandit import TipBandit
from tips.gains import PlayedRound, Tip, TipStat, cell_stats, roles_tip, top_tips
from tips.mining import MinedRules


def covers(tip: Tip, rule: int, role: str) -> bool:
    return tip.rule == rule and (tip.roles is None or role in tip.roles)


def cell_key(rule: int, role: str) -> str:
    return f"rule:{rule}:{role}"


def untipped_cells(mined: MinedRules, scorer, history: list[tuple[PlayedRound, list[Tip]]],
                   window: int | None = None) -> dict[str, TipStat]:
    """Per cell, stats over the last `window` rounds in which no shown tip covered it."""
    roles = list(dict.fromkeys(w.role for w in mined.scenario.workers))
    out: dict[str, TipStat] = {}
    used: dict[str, int] = {}
    for rnd, shown in reversed(history):
        per_round = {c.tip.key: c for c in cell_stats(mined, scorer, [rnd])}
        decisions = next(iter(per_round.values())).decisions if per_round else 0
        for rule in range(len(mined.rules)):
            for role in roles:
                key = cell_key(rule, role)
                if any(covers(t, rule, role) for t in shown) or (window and used.get(key, 0) >= window):
                    continue
                used[key] = used.get(key, 0) + 1
                st = out.setdefault(key, TipStat(roles_tip(mined, rule, (role,))))
                st.rounds += 1
                st.decisions += decisions
                if key in per_round:
                    st.add(per_round[key])
    return out


def blend(own: TipStat | None, pop: TipStat | None, weight: float) -> TipStat:
    """The trainee's own uncovered rounds, with the population's per-round
    figures counted as `weight` more rounds (so one noisy round of their own
    does not decide alone)."""
    base = own or pop
    st = TipStat(base.tip)
    for part, w in ((own, None), (pop, weight)):
        if part is None or not part.rounds:
            continue
        f = 1.0 if w is None else w / part.rounds
        st.rounds += part.rounds * f
        st.situations += part.situations * f
        st.deviations += part.deviations * f
        st.decisions += part.decisions * f
        st.regret += part.regret * f
        st.gains += [g * f for g in part.gains]
    return st


def combine(mined: MinedRules, cells: list[TipStat]) -> list[Tip]:
    """Cells of one rule shown together, as one tip for those roles, in the cells' order."""
    by_rule: dict[int, list[str]] = {}
    for c in cells:
        by_rule.setdefault(c.tip.rule, []).extend(c.tip.roles)
    return [roles_tip(mined, rule, roles) for rule, roles in by_rule.items()]


class Realisation:
    """How much of a tip's estimated saving is realised once it is shown (a
    trainee does not always follow it, and following it changes what comes
    next), pooled over every trainee: the ratio that puts an arm's prior, an
    estimate of what the tip *would* save, on the scale of the bandit's
    rewards, what shown tips *did* save. Without such a ratio a tip not yet
    shown always looks better than a proven one and the coach keeps swapping."""

    def __init__(self, start: float = 0.5):
        self.start, self.realised, self.estimated = start, 0.0, 0.0

    @property
    def ratio(self) -> float:
        if self.estimated <= 0:
            return self.start
        return min(1.0, max(0.1, self.realised / self.estimated))

    def record(self, realised: float, estimated: float) -> None:
        if estimated > 0:
            self.realised += realised
            self.estimated += estimated


class PersonalCoach:
    """One trainee's tips over time: a Gittins-index bandit over cells."""

    def __init__(self, mined: MinedRules, scorer, population: dict[str, TipStat],
                 k: int = 3, window: int = 2, bandit: TipBandit | None = None, prior_rounds: float = 2.0,
                 realisation: Realisation | None = None):
        self.mined, self.scorer, self.population = mined, scorer, population
        self.prior_rounds = prior_rounds
        self.realisation = realisation or Realisation()
        self.k, self.window = k, window
        self.bandit = bandit or TipBandit(sigma=1.0, beta=0.9)
        self.history: list[tuple[PlayedRound, list[Tip]]] = []
        self.shown: list[Tip] = []
        self.cells: dict[str, TipStat] = {}

    def _estimates(self) -> dict[str, TipStat]:
        own = untipped_cells(self.mined, self.scorer, self.history, self.window)
        return {key: blend(own.get(key), self.population.get(key), self.prior_rounds)
                for key in {**self.population, **own}}

    def choose(self) -> list[Tip]:
        self.cells = {k: v for k, v in self._estimates().items() if v is not None}
        for key, st in self.cells.items():
            if st.saved_per_round > 0 or key in self.bandit.arms:
                self.bandit.add(key, self.realisation.ratio * st.saved_per_round)
        chosen, rules = [], set()
        for key in self.bandit.choose(len(self.bandit.arms)):
            if key not in self.cells or self.bandit.index(key) <= 0:
                continue
            rule = self.cells[key].tip.rule
            if rule in rules or len(rules) < self.k:  # more roles for a shown rule cost no extra tip
                chosen.append(self.cells[key])
                rules.add(rule)
        self.shown = combine(self.mined, chosen)
        return self.shown

    def learn(self, rnd: PlayedRound) -> None:
        """Reward each shown cell by the regret its tip saved this round."""
        now = {c.tip.key: c for c in cell_stats(self.mined, self.scorer, [rnd], rescore=False)}
        for key, base in self.cells.items():
            tip_cell = now.get(key)
            shown = any(covers(t, base.tip.rule, base.tip.roles[0]) for t in self.shown)
            if shown and key in self.bandit.arms and tip_cell and base.situations:
                saved = (base.mean_regret - tip_cell.mean_regret) * tip_cell.situations
                self.bandit.update(key, saved)
                self.realisation.record(saved, base.saved_per_round)
        self.history.append((rnd, list(self.shown)))


def population_tips(mined: MinedRules, cells: dict[str, TipStat], k: int = 3) -> list[Tip]:
    """The tips that would have saved most over a population's uncovered rounds."""
    return [st.tip for st in top_tips(list(cells.values()), k)]
