"""Tips and what each would have saved a trainee, as in the research: for every
rule, how often the trainee's recent decisions fell in its situation and went
against it (frequency), and the regret they would have avoided by following it
(gain), found by re-scoring the decision with that worker's choice replaced by
the rule's action.

Statistics are kept per cell, (rule, role of the deciding worker), and a
trainee's tip for a rule speaks to the roles whose cells would have saved them
something: "..., leave Alice (server) idle" for the trainee who keeps sending
the server to cook, not a rule about everyone.

Only what is needed is scored: one `scorer.score` per decided tick (it gives
every worker's regret at once), and one re-score per worker who went against
the rule that covers their situation and lost something by it; a worker whose
own regret is not positive cannot gain from a change and is not re-scored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.simulator import IDLE, Kitchen, State
from tips.mining import MinedRules


def rule_key(conditions, action: str, roles=None) -> str:
    """A tip's identity: what it says (its conditions, its action, whom it
    names), in canonical text, never where the rule sits in a list, so the
    records keep meaning the same advice after the list is mined again."""
    when = " & ".join(sorted(conditions)) if conditions else "otherwise"
    who = f" for {'+'.join(sorted(roles))}" if roles else ""
    return f"when {when} then {action}{who}"


_KEY = re.compile(r"when (?P<when>.+?) then (?P<action>.+?)(?: for (?P<roles>.+))?")


def parse_key(key: str) -> tuple[frozenset[str], str, tuple[str, ...] | None] | None:
    """(conditions, action, roles) of a `rule_key`; None for any other key
    (a supervisor's text, or a list index as stored before keys were content)."""
    m = _KEY.fullmatch(key or "")
    if m is None:
        return None
    when = frozenset() if m["when"] == "otherwise" else frozenset(m["when"].split(" & "))
    return when, m["action"], tuple(m["roles"].split("+")) if m["roles"] else None


@dataclass(frozen=True)
class Tip:
    """One piece of advice. A mined tip is rule `rule` of the list, for the
    workers of `roles` (None: everyone the rule covers); a supervisor's tip is
    fixed text that nothing can check."""
    text: str
    rule: int | None = None
    roles: tuple[str, ...] | None = None
    mined: MinedRules | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        if self.rule is None:
            return f"text:{self.text}"
        m = self.mined
        # a rule that names its role says whom it speaks to already
        roles = None if self.roles == (m.role_of(self.rule),) else self.roles
        return rule_key(m.keys(self.rule), m.vocab.actions[m.action(self.rule)], roles)

    def applies(self, kitchen: Kitchen, state: State, worker: int) -> bool:
        """The list gives this worker's choice to this rule (the first rule whose condition holds)."""
        if self.rule is None or (self.roles is not None and kitchen.workers[worker].role not in self.roles):
            return False
        return self.mined.rule_for(kitchen, state, worker) == self.rule

    def holds(self, kitchen: Kitchen, state: State, worker: int) -> bool:
        """The tip's own condition holds for this worker: what a person reading
        the sentence alone can check (they do not see the list's order)."""
        if self.rule is None or (self.roles is not None and kitchen.workers[worker].role not in self.roles):
            return False
        if self.rule >= len(self.mined.rules.antecedents):
            return False  # the default rule has no condition of its own, so it is never a tip to follow
        x = self.mined.vocab.features(kitchen, state, worker)
        return bool(x[list(self.mined.rules.antecedents[self.rule])].all())

    def choice(self, kitchen: Kitchen, state: State, worker: int, taken=()) -> int | None:
        if self.rule is None:
            return None
        return self.mined.vocab.task_for(kitchen, state, self.mined.action(self.rule), taken, worker)

    def to_json(self) -> dict:
        return {"rule": self.rule, "roles": list(self.roles) if self.roles else None, "text": self.text}


def mined_tips(mined: MinedRules) -> list[Tip]:
    """The list's rules as tips, each speaking to everyone it covers; not the
    default rule, whose "in any other situation" means nothing read alone."""
    return [Tip(mined.text(i), i, None, mined) for i in range(len(mined.rules.antecedents))]


def roles_tip(mined: MinedRules, rule: int, roles) -> Tip:
    named = mined.role_of(rule)
    roles = (named,) if named else tuple(roles)
    return Tip(mined.text(rule, _narrowing(mined, roles)), rule, roles, mined)


def _narrowing(mined: MinedRules, roles) -> tuple[str, ...] | None:
    """The roles a tip's words name; None when they are everyone ("the free worker")."""
    return None if not roles or set(roles) >= {w.role for w in mined.scenario.workers} else tuple(roles)


def tip_from_key(mined: MinedRules, key: str) -> Tip | None:
    """The current list's tip that says what `key` says; None when the list no
    longer has a rule with that content (or the key is not a rule's)."""
    parsed = parse_key(key)
    if parsed is None:
        return None
    rule = mined.find(parsed[0], parsed[1])
    if rule is None:
        return None
    return Tip(mined.text(rule, _narrowing(mined, parsed[2])), rule, parsed[2], mined)


def key_text(mined: MinedRules, key: str) -> str | None:
    """The sentence a rule key stands for, in this scenario's words, even when
    the current list no longer has that rule."""
    parsed = parse_key(key)
    if parsed is None:
        return None
    when, action, roles = parsed
    known = [k for k in when if k in mined.vocab.index]
    if action not in mined.vocab.actions or len(known) != len(when) or not when:
        return None
    return mined.vocab.rule_text(sorted(when), mined.vocab.actions.index(action), _narrowing(mined, roles))


def supervisor_tips(texts) -> list[Tip]:
    return [Tip(str(t)) for t in texts]


@dataclass
class PlayedRound:
    """A trainee's round: the kitchen and its decided ticks; scores come lazily."""
    kitchen: Kitchen
    steps: list[tuple[State, dict[int, int]]]
    final_value: float | None = None
    scores: list | None = None
    rescored: dict = field(default_factory=dict, repr=False)  # (step, worker, action) -> regret avoided
    shown: tuple[str, ...] = ()  # keys of the tips shown during the round (as the records keep them)
    finished: bool = True        # an unfinished round's decisions count all the same

    def score(self, scorer) -> list:
        if self.scores is None:
            self.scores = [scorer.score(self.kitchen, s, d) for s, d in self.steps]
        return self.scores

    def worker_decisions(self, scorer):
        """(step, worker, that worker's regret) for every idle worker at every decided tick."""
        for i, ((s, d), sc) in enumerate(zip(self.steps, self.score(scorer))):
            for w in self.kitchen.idle_workers(s):
                yield i, w, float(sc.per_worker.get(w, 0.0))


@dataclass
class TipStat:
    tip: Tip
    situations: int = 0      # worker decisions the tip's rule decides, for its roles
    deviations: int = 0      # ... where the trainee did something else
    decisions: int = 0       # all worker decisions looked at
    rounds: int = 0
    gains: list[float] = field(default_factory=list)  # regret avoided, one per re-scored deviation
    regret: float = 0.0      # the trainee's own regret summed over the situations

    @property
    def frequency(self) -> float:
        return self.deviations / self.decisions if self.decisions else 0.0

    @property
    def gain(self) -> float:
        """Mean regret avoided each time the trainee went against the rule (own units)."""
        return sum(self.gains) / self.deviations if self.deviations else 0.0

    @property
    def saved_per_round(self) -> float:
        return sum(self.gains) / self.rounds if self.rounds else 0.0

    @property
    def mean_regret(self) -> float:
        return self.regret / self.situations if self.situations else 0.0

    def add(self, other: "TipStat") -> None:
        self.situations += other.situations
        self.deviations += other.deviations
        self.gains += other.gains
        self.regret += other.regret

    def to_json(self) -> dict:
        return {**self.tip.to_json(), "gain": round(self.gain, 4), "frequency": round(self.frequency, 4),
                "saved_per_round": round(self.saved_per_round, 4), "situations": self.situations,
                "deviations": self.deviations}


def replaced(mined: MinedRules, kitchen: Kitchen, state: State, decision: dict[int, int], worker: int,
             action: int) -> dict[int, int] | None:
    """The decision with `worker`'s choice replaced by the action class. A task
    of that type nobody took is preferred; else one is taken over from another
    worker, who is then left idle. None if no such task is open."""
    others = {w: j for w, j in decision.items() if w != worker and j != IDLE}
    j = mined.vocab.task_for(kitchen, state, action, taken=others.values(), worker=worker)
    if j is None:
        j = mined.vocab.task_for(kitchen, state, action, worker=worker)
        if j is None:
            return None
        others = {w: k for w, k in others.items() if k != j}
    return {**others, worker: j} if j != IDLE else others


def cell_stats(mined: MinedRules, scorer, rounds: list[PlayedRound], rescore: bool = True) -> list[TipStat]:
    """One `TipStat` per (rule, role) met in these rounds, in list order. With
    `rescore=False` only situations and the trainee's own regret in them are
    counted (no gains, no extra scoring)."""
    stats: dict[tuple[int, str], TipStat] = {}
    total = 0
    for rnd in rounds:
        k = rnd.kitchen
        scores = rnd.score(scorer)
        for i, w, regret_w in rnd.worker_decisions(scorer):
            s, d = rnd.steps[i]
            total += 1
            r = mined.rule_for(k, s, w)
            role = k.workers[w].role
            st = stats.get((r, role))
            if st is None:
                st = stats[(r, role)] = TipStat(roles_tip(mined, r, (role,)), rounds=len(rounds))
            st.situations += 1
            st.regret += regret_w
            if mined.vocab.action_class(k, d.get(w, IDLE)) == mined.action(r):
                continue
            st.deviations += 1
            if not rescore:
                continue
            if regret_w <= 0:
                st.gains.append(0.0)
                continue
            key = (i, w, mined.action(r))
            if key not in rnd.rescored:
                alt = replaced(mined, k, s, d, w, mined.action(r))
                rnd.rescored[key] = 0.0 if alt is None else float(scores[i].regret - scorer.score(k, s, alt).regret)
            st.gains.append(rnd.rescored[key])
    roles = list(dict.fromkeys(w.role for w in mined.scenario.workers))
    out = [stats[key] for key in sorted(stats, key=lambda rr: (rr[0], roles.index(rr[1])))]
    for st in out:
        st.decisions = total
    return out


def merge(cell_lists: list[list[TipStat]]) -> list[TipStat]:
    """Pool several trainees' cells (for trainees with no history)."""
    pooled: dict[str, TipStat] = {}
    decisions = rounds = 0
    for cells in cell_lists:
        decisions += cells[0].decisions if cells else 0
        rounds += cells[0].rounds if cells else 0
        for c in cells:
            pooled.setdefault(c.tip.key, TipStat(c.tip)).add(c)
    for m in pooled.values():
        m.decisions, m.rounds = decisions, rounds
    return list(pooled.values())


def top_tips(cells: list[TipStat], n: int = 3) -> list[TipStat]:
    """The trainee's best tips: per rule, the roles whose cells would have saved
    something, as one tip; the `n` that would have saved most per round."""
    mined = next((c.tip.mined for c in cells), None)
    by_rule: dict[int, list[TipStat]] = {}
    for c in cells:
        if c.saved_per_round > 0 and c.tip.rule < len(mined.rules.antecedents):  # never the default rule
            by_rule.setdefault(c.tip.rule, []).append(c)
    tips = []
    for rule, parts in by_rule.items():
        st = TipStat(roles_tip(mined, rule, [r for p in parts for r in p.tip.roles]),
                     decisions=parts[0].decisions, rounds=parts[0].rounds)
        for p in parts:
            st.add(p)
        tips.append(st)
    return sorted(tips, key=lambda s: (-s.saved_per_round, -s.frequency, s.tip.rule))[:n]


def standalone_precision(mined: MinedRules, tip: Tip, rounds: list[PlayedRound]) -> float:
    """How often, where the tip's own condition holds, the whole list would
    do what the tip says. A reader follows a sentence wherever its condition
    holds, not only where the list gives it the decision, so a tip whose
    condition also covers situations an earlier rule decides otherwise ("when
    Carol is free, assign her to chop", while cooking comes first) misleads."""
    hold = agree = 0
    for rnd in rounds:
        k = rnd.kitchen
        for s, _ in rnd.steps:
            for w in k.idle_workers(s):
                if tip.holds(k, s, w):
                    hold += 1
                    agree += mined.action(mined.rule_for(k, s, w)) == mined.action(tip.rule)
    return agree / hold if hold else 1.0


def situations(mined: MinedRules, scorer, tip: Tip, rounds: list[PlayedRound]) -> TipStat:
    """How often the tip's situation came up in these rounds and the trainee's regret there."""
    st = TipStat(tip, rounds=len(rounds))
    for rnd in rounds:
        for i, w, regret_w in rnd.worker_decisions(scorer):
            if tip.applies(rnd.kitchen, rnd.steps[i][0], w):
                st.situations += 1
                st.regret += regret_w
    return st


def tip_table(stats: list[TipStat], mined: MinedRules, unit: str = "turns") -> str:
    """'when, action, gain, frequency', like the research's table of tips."""
    rows = [("when", "action", f"gain ({unit})", "frequency")]
    for st in stats:
        i, roles = st.tip.rule, st.tip.roles
        keys = mined.keys(i)
        when = " and ".join(mined.vocab.conditions(keys)) or "otherwise"
        act = mined.vocab.action_text(mined.action(i), mined.vocab.subject(keys, _narrowing(mined, roles)))
        rows.append((when, act, f"{st.gain:.2f}", f"{st.frequency:.1%}"))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    return "\n".join("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
