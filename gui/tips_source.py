"""The tips a trainee sees, as the app shows them: a thin caller of
`tips.history.next_tips` (tips/conditions.py knows the conditions), run on a
background thread between rounds, so the app shows exactly what
`kitchen-coach tips --trainee NAME --condition C` prints. Here only: the
expert must be shipped (the app never trains one), and each empty list gets
the sentence that says why."""
from __future__ import annotations

from dataclasses import dataclass, field

TIPS_SHOWN = 3


@dataclass(frozen=True)
class TipView:
    text: str
    about: list[str] = field(default_factory=list)   # the trainee's decisions it is about, in words
    rule: str = ""
    gain: float | None = None


def compute_tips(store, person: str | None, scenario, condition: str) -> tuple[list[TipView], str]:
    """(tips, the empty-state sentence when there are none)."""
    if condition == "none":
        return [], "Tips are switched off in this experimental condition."
    try:
        from tips.history import next_tips
    except ImportError:
        return [], "No tips yet: the tips module is not part of this installation."
    mined = scorer = None
    if condition != "fixed":
        from engine.expert.trained import ExpertError, shipped_expert
        from tips.coach import rules_for, scorer_for

        try:
            expert = shipped_expert(scenario)
        except ExpertError:
            return [], "No tips for this scenario yet: it has no trained expert to learn them from."
        mined, scorer = rules_for(scenario, expert), scorer_for(expert)
    tips, _ = next_tips(store, scenario, person, condition, mined, scorer)
    views = [TipView(t.text, list(t.why), t.rule, t.gain) for t in tips]
    return views, "" if views else _no_tips(store, person)


def _no_tips(store, person: str | None) -> str:
    """Why a trainee has no tips: nothing played yet, or nothing a tip would improve."""
    who = store.find_person(person) if store is not None and person else None
    if who is not None and any(r.decisions for r in store.history(who)):
        return "No tips for you right now: in your rounds so far no tip would have saved you anything. Keep it up."
    return "No tips for you yet: play a round and they will appear here."


def compute_adherence(store, round_id: int | None) -> list:
    """How the trainee followed each tip shown in a stored round
    (`tips.adherence.TipAdherence`, decided there); [] without records. The
    mined list is needed only the first time, before the rows are kept."""
    if store is None or round_id is None:
        return []
    try:
        from tips.adherence import round_adherence
    except ImportError:
        return []
    mined = None
    if store.adherence(round_id) is None:
        from engine.expert.trained import ExpertError, shipped_expert
        from tips.coach import rules_for

        scenario = store.kitchen(round_id).scenario
        try:
            mined = rules_for(scenario, shipped_expert(scenario))
        except ExpertError:
            mined = None  # no expert, no rules: the tips' conditions cannot be checked
    return round_adherence(store, round_id, mined)


def adherence_words(a) -> str:
    """One line for a tip's adherence, as the summary and the desk show it."""
    return f"{a.text} — {a.words()}" if a.rule.startswith("when ") else f"{a.text} — (a supervisor's text: not checked)"
