"""Which tips the trainee sees, by experimental condition (no Qt; runs on a
background thread between rounds, as mining and re-scoring take a while).

- none: no tips.
- fixed: the supervisor's own texts for this scenario (gui.fixed_tips,
  written at the desk), else the research's handcrafted tips; the same for
  everyone, every round, and no expert needed.
- mined: the tips that would have saved most over every stored trainee
  (simulated trainees when nobody has played yet).
- personalised: the Gittins-index coach (`tips.coach.choose_tips`) replayed
  over this trainee's stored rounds with the tips they were shown, so the
  tips shown over time follow the bandit (a followed tip is kept while it
  still pays, instead of dropping out once its mistake is gone).

Each tip is tied to the trainee's own decisions it speaks to: in their last
round of this scenario, the moves where the tip applied and the expert chose
differently."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.simulator import IDLE
from gui.feedback import action_words

TIPS_SHOWN = 3


@dataclass(frozen=True)
class TipView:
    text: str
    about: list[str] = field(default_factory=list)   # the trainee's decisions it is about, in words
    rule: str = ""


def compute_tips(store, person: str | None, scenario, condition: str) -> tuple[list[TipView], str]:
    """(tips, the empty-state sentence when there are none)."""
    if condition == "none":
        return [], "Tips are switched off in this experimental condition."
    if condition == "fixed":
        from gui.fixed_tips import fixed_texts

        # "fixed:<i>" keys: the records tell a supervisor's text from a mined rule ("rule:...")
        texts = fixed_texts(store.url if store is not None else "", scenario.content_hash)
        return [TipView(t, [], f"fixed:{i}") for i, t in enumerate(texts)], ""
    try:
        from tips import coach
    except ImportError:
        return [], "No tips yet: the tips module is not part of this installation."
    from engine.expert import ExpertError, shipped_expert

    try:
        expert = shipped_expert(scenario)
    except ExpertError:
        return [], "No tips for this scenario yet: it has no trained expert to learn them from."
    mined = coach.rules_for(scenario, expert)
    if condition == "personalised":
        tips = coach.choose_tips(scenario, mined, coach.scorer_for(expert), store, person, k=TIPS_SHOWN)
    else:
        scorer = coach.scorer_for(expert)
        tips = [st.tip for st in coach.top_tips_for(scenario, mined, scorer, store, None, n=TIPS_SHOWN).stats]
    recent = coach.stored_rounds(store, scenario, store.find_person(person), 1) if store and person and \
        store.find_person(person) else []
    views = [TipView(t.text, _about(t, recent, expert), t.key) for t in tips]
    return views, "" if views else "No tips for you yet: play a round and they will appear here."


def _about(tip, rounds, expert, most: int = 3) -> list[str]:
    out = []
    for played in rounds:
        k = played.kitchen
        for state, decision in played.steps:
            theirs = None
            for w in k.idle_workers(state):
                if not tip.applies(k, state, w):
                    continue
                theirs = theirs if theirs is not None else expert(k, state, None)
                mine = decision.get(w, IDLE)
                if mine != theirs.get(w, IDLE):
                    out.append(f"tick {state.tick + 1}, {k.workers[w].label} {action_words(k, w, mine)}")
                    if len(out) >= most:
                        return out
    return out
