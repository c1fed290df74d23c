"""What the commands and the app ask of the tips layer: an expert for any
scenario (shipped, or trained once within a budget and kept in the cache), its
mined rule list, a trainee's recent rounds from the records, and their top tips.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

from engine.scenario import Scenario
from tips.experiment import ExperimentSettings, population_stats
from tips.gains import PlayedRound, TipStat, cell_stats, top_tips
from tips.mining import MinedRules, cache_dir, cached_mine


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
                mine.append(PlayedRound(k, steps, info.value))
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

