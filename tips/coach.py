"""What the commands and the app ask of the tips layer: an expert for any
scenario (shipped, or trained once within a budget and kept in the cache), its
mined rule list, a trainee's recent rounds from the records, and their top tips.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from engine.scenario import Scenario
from tips.experiment import ExperimentSettings, pool, population_stats
from tips.gains import PlayedRound, Tip, TipStat, cell_stats, top_tips
from tips.mining import MinedRules, cache_dir, cached_mine
from tips.personal import PersonalCoach, untipped_cells


def expert_for(scenario: Scenario, minutes: float = 3.0, progress: bool = True):
    """The shipped expert; else one trained earlier for this exact scenario
    text; else train one now within `minutes` (progress on stderr) and keep it."""
    from engine.expert import ExpertError, load_expert, shipped_expert

    try:
        return shipped_expert(scenario)
    except ExpertError:
        pass
    path = cache_dir() / "experts" / f"{scenario.key}-{scenario.content_hash[:16]}.pt"
    if path.is_file():
        try:
            return load_expert(path, scenario)
        except ExpertError:
            pass  # stale or damaged: train again
    import torch

    from engine.expert import save_expert
    from engine.training import Settings, train, training_record

    torch.set_num_threads(1)
    if progress:
        print(f"no shipped expert for {scenario.key}: training one ({minutes:g} min budget)",
              file=sys.stderr, flush=True)
    result = train(scenario, Settings(minutes=minutes), progress=progress)
    save_expert(path, result.net, scenario, training_record(result))
    return load_expert(path, scenario)


def scorer_for(expert):
    from engine.scoring import MoveScorer

    return MoveScorer(expert)


def rules_for(scenario: Scenario, expert) -> MinedRules:
    return cached_mine(scenario, expert)


def stored_rounds(store, scenario: Scenario, person=None, recent: int | None = None) -> list[PlayedRound]:
    """Finished rounds of this scenario (same file text) from the records: one
    trainee's last `recent`, or every trainee's when `person` is None."""
    people = [person] if person is not None else store.people("trainee")
    out: list[PlayedRound] = []
    for p in people:
        infos = [i for i in store.history(p) if i.finished and i.decisions]
        mine: list[PlayedRound] = []
        for info in infos:
            rec = store.load_round(info.id)
            if rec.scenario_text != scenario.text:
                continue
            k = store.kitchen(info.id)
            states = store.replay(info.id)
            steps = [(states[d.tick], d.decision) for d in rec.decisions
                     if d.tick < len(states) and k.has_decision(states[d.tick])]
            if steps:
                shown = tuple(dict.fromkeys(t.rule for t in rec.tips if t.rule))
                mine.append(PlayedRound(k, steps, info.value, shown=shown))
        out += mine[-recent:] if recent else mine
    return out


@dataclass
class TopTips:
    stats: list[TipStat]
    source: str          # "trainee", "stored trainees" or "simulated trainees"
    rounds: int


def top_tips_for(scenario: Scenario, mined: MinedRules, scorer, store=None, trainee: str | None = None,
                 recent: int = 3, n: int = 3) -> TopTips:
    """A trainee's top tips from their last `recent` rounds; with no history,
    the tips with the largest gain over all stored trainees, else over simulated ones."""
    if store is not None and trainee:
        person = store.find_person(trainee)
        rounds = stored_rounds(store, scenario, person, recent) if person else []
        if rounds:
            return TopTips(top_tips(cell_stats(mined, scorer, rounds), n), "trainee", len(rounds))
    if store is not None:
        rounds = stored_rounds(store, scenario, None, recent)
        if rounds:
            return TopTips(top_tips(cell_stats(mined, scorer, rounds), n), "stored trainees", len(rounds))
    stats = population_stats(scenario, mined, scorer, ExperimentSettings())
    return TopTips(top_tips(stats, n), "simulated trainees", stats[0].rounds if stats else 0)



def shown_tips(mined: MinedRules, keys) -> list[Tip]:
    """Tips back from the keys the records keep ("rule:<i>:<roles>", or a bare
    rule index); keys of another list or of supervisor texts are skipped."""
    out = []
    for key in dict.fromkeys(keys):
        m = re.fullmatch(r"(?:rule:)?(\d+)(?::(.+))?", key or "")
        if m and int(m[1]) < len(mined.rules):
            roles = None if m[2] in (None, "*") else tuple(m[2].split("+"))
            out.append(Tip(mined.text(int(m[1]), roles), int(m[1]), roles, mined))
    return list({t.key: t for t in out}.values())


def choose_tips(scenario: Scenario, mined: MinedRules, scorer, store=None, trainee: str | None = None,
                k: int = 3, recent: int = 3, replay: int = 10) -> list[Tip]:
    """The tips to show a trainee next (the personalised condition over time):
    the Gittins-index coach of `tips.personal`, replayed over the trainee's
    last `replay` stored rounds with the tips they were actually shown, its
    population being every stored trainee's last `recent` uncovered rounds
    and a simulated calibration group."""
    calibration = {st.tip.key: st for st in population_stats(scenario, mined, scorer, ExperimentSettings())}
    everyone = [(r, shown_tips(mined, r.shown)) for r in stored_rounds(store, scenario, None, recent)] if store else []
    coach = PersonalCoach(mined, scorer, pool(calibration, untipped_cells(mined, scorer, everyone)), k)
    person = store.find_person(trainee) if store is not None and trainee else None
    for rnd in stored_rounds(store, scenario, person, replay) if person else []:
        coach.choose()
        coach.shown = shown_tips(mined, rnd.shown)
        coach.learn(rnd)
    return coach.choose()
