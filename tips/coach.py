"""What the commands and the app ask of the tips layer before choosing tips
(tips/conditions.py): an expert for any scenario (shipped, or trained once
within a budget and kept in the cache), its mined rule list and its scorer.
"""
from __future__ import annotations

import sys

from engine.scenario import Scenario
from tips.mining import MinedRules, cache_dir, cached_mine


def expert_for(scenario: Scenario, minutes: float = 3.0, progress: bool = True):
    """The shipped expert; else one trained earlier for this exact scenario
    text; else train one now within `minutes` (progress on stderr) and keep it."""
    from engine.expert.trained import ExpertError, load_expert, shipped_expert

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

    from engine.expert.trained import save_expert
    from engine.expert.training import Settings, train, training_record

    torch.set_num_threads(1)
    if progress:
        print(f"no shipped expert for {scenario.key}: training one ({minutes:g} min budget)",
              file=sys.stderr, flush=True)
    result = train(scenario, Settings(minutes=minutes), progress=progress)
    save_expert(path, result.net, scenario, training_record(result))
    return load_expert(path, scenario)


def scorer_for(expert):
    from engine.expert.scoring import MoveScorer

    return MoveScorer(expert)


def rules_for(scenario: Scenario, expert) -> MinedRules:
    return cached_mine(scenario, expert)
