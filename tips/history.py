"""A trainee's history from the records, as the conditions read it (tips/
conditions.py): every round of theirs on this scenario that has decisions,
finished or not (a round cut short, or imported past its horizon, is still
what they did), oldest first, with the keys of the tips shown in it.

`next_tips` is what both the app and `kitchen-coach tips --condition` call, so
they cannot show a trainee different tips."""
from __future__ import annotations

from engine.scenario import Scenario
from tips.conditions import Coach, Coaching, ShownTip
from tips.fixed import fixed_texts
from tips.gains import PlayedRound


def stored_rounds(store, scenario: Scenario, person) -> list[PlayedRound]:
    """One person's rounds of this scenario (same file text), oldest first."""
    out: list[PlayedRound] = []
    for info in store.history(person):
        if not info.decisions:
            continue
        rec = store.load_round(info.id)
        if rec.scenario_text != scenario.text:
            continue
        k = store.kitchen(info.id)
        states = store.replay(info.id)
        steps = [(states[d.tick], d.decision) for d in rec.decisions
                 if d.tick < len(states) and k.has_decision(states[d.tick])]
        if steps:
            shown = tuple(dict.fromkeys(t.rule for t in rec.tips if t.rule))
            out.append(PlayedRound(k, steps, info.value, shown=shown, finished=info.finished))
    return out


def everyone_rounds(store, scenario: Scenario, recent: int) -> list[PlayedRound]:
    """Every trainee's last `recent` rounds of this scenario: the population."""
    out: list[PlayedRound] = []
    for p in store.people("trainee"):
        out += stored_rounds(store, scenario, p)[-recent:]
    return out


def next_tips(store, scenario: Scenario, trainee: str | None, condition: str, mined, scorer,
              settings: Coaching = Coaching()) -> tuple[list[ShownTip], int]:
    """(the tips `trainee` sees next round under `condition`, how many of
    their rounds they come from). `store` may be None (no records)."""
    if condition == "none":
        return [], 0
    if condition == "fixed":
        return Coach.fixed(fixed_texts(store, scenario)), 0
    person = store.find_person(trainee) if store is not None and trainee else None
    own = stored_rounds(store, scenario, person) if person is not None else []
    everyone = everyone_rounds(store, scenario, settings.history) if store is not None else []
    coach = Coach(scenario, mined, scorer, settings)
    return coach.choose(condition, own, everyone), len(own[-settings.rounds_looked_at:])
