"""The bundled scenarios as the app offers them: the research sequence first.
Shared by the trainee screens and the supervisor's desk (its fixed-tips
editor), so neither imports the other."""
from __future__ import annotations

from engine.scenario import ScenarioError, bundled_names, load_scenario

# The research experiment's order of rounds; the other bundled scenarios follow.
RESEARCH_SEQUENCE = ("taco-demo", "burger", "pasta")


def scenario_menu() -> list[tuple[str, str, bool]]:
    """(key, display name, in the research sequence) for every bundled scenario, sequence first."""
    names = bundled_names()
    keys = [k for k in RESEARCH_SEQUENCE if k in names] + [k for k in names if k not in RESEARCH_SEQUENCE]
    out = []
    for k in keys:
        try:
            out.append((k, load_scenario(k).name, k in RESEARCH_SEQUENCE))
        except ScenarioError:
            continue  # a broken bundled file must not keep the app from opening
    return out


def next_in_sequence(finished_keys: set[str]) -> str:
    for k in RESEARCH_SEQUENCE:
        if k not in finished_keys:
            return k
    return RESEARCH_SEQUENCE[-1]
