"""Adherence: for each tip shown in a round, per decision, whether the
trainee followed it where its condition arose. The one place that decides
both, from the tip's content alone (its key names its condition and action):

- the condition arose for a worker when the worker was free to decide, the
  tip speaks to that worker's role and its own condition holds
  (`Tip.holds`: what a person can check from the sentence, as simulated
  trainees do, not whether it is the first rule of the mined list to fire),
  and what it says to do was possible then;
- the decision followed it when that worker's choice is of the tip's action
  (that task type, or staying idle).

A tip shown from tick t counts from tick t on. Supervisor texts and rules no
longer mined have no condition to check and get no rows. The rows are kept
in the records (`Store.record_adherence`, revision 0004) once a round is
closed, so the desk reads them without the engine thread or re-deciding.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.simulator import IDLE, Kitchen
from tips.gains import tip_from_key
from tips.mining import MinedRules


@dataclass(frozen=True)
class TipAdherence:
    """One shown tip over a round: `arose` worker decisions met its
    condition, `followed` of them did what it says."""
    rule: str
    text: str
    arose: int
    followed: int

    @property
    def rate(self) -> float | None:
        return self.followed / self.arose if self.arose else None

    def words(self) -> str:
        if not self.arose:
            return "its situation did not come up"
        return f"followed {self.followed} of {self.arose} time{'' if self.arose == 1 else 's'} it applied"


def decision_rows(mined: MinedRules, kitchen: Kitchen, steps, shown) -> list[tuple[int, str, str, bool]]:
    """(tick, tip key, worker name, followed) for every decision and shown tip
    whose condition arose. `steps`: (state, decision) per decided tick;
    `shown`: (tick shown from, key) per tip."""
    tips = [(tick, key, tip_from_key(mined, key)) for tick, key in shown]
    tips = [(tick, key, t) for tick, key, t in tips if t is not None]
    out = []
    for state, decision in steps:
        for w in kitchen.idle_workers(state):
            for since, key, tip in tips:
                if state.tick < since or not tip.holds(kitchen, state, w) or tip.choice(kitchen, state, w) is None:
                    continue
                did = mined.vocab.action_class(kitchen, decision.get(w, IDLE))
                out.append((state.tick, key, kitchen.workers[w].name, did == mined.action(tip.rule)))
    return out


def summarise(rows, shown_texts: dict[str, str]) -> list[TipAdherence]:
    """Per shown tip (in the order shown), how often it arose and was followed."""
    out = []
    for key, text in shown_texts.items():
        mine = [r for r in rows if r[1] == key]
        out.append(TipAdherence(key, text, len(mine), sum(1 for r in mine if r[3])))
    return out


def round_adherence(store, round_id: int, mined: MinedRules | None, keep: bool = True) -> list[TipAdherence]:
    """Adherence per tip shown in a stored round: the kept rows when there are
    some, else derived from its decisions and tips (and kept, once the round is
    closed, so the next reader finds them). Without a mined list (no expert)
    nothing can be decided: every tip reads as not come up."""
    rec = store.load_round(round_id)
    texts = {t.rule: t.text for t in rec.tips if t.rule}
    first = {}
    for t in rec.tips:
        first.setdefault(t.rule, t.tick)
    rows = store.adherence(round_id)
    if rows is None and mined is not None and texts:
        k = store.kitchen(round_id)
        states = store.replay(round_id)
        steps = [(states[d.tick], d.decision) for d in rec.decisions
                 if d.tick < len(states) and k.has_decision(states[d.tick])]
        rows = decision_rows(mined, k, steps, [(tick, key) for key, tick in first.items()])
        if keep and (rec.info.finished or rec.info.abandoned):  # keep=False: a reader that writes nothing
            store.record_adherence(round_id, rows)
    return summarise(rows or [], texts)
