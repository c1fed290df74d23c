"""What game a scenario file describes, whatever it is called.

An expert learned one game, not one file: a copy of a bundled scenario with
another name, description, seconds per tick, other worker names or a longer
horizon is the same game, and the expert trained on the bundled file applies
to it. `game_hash` is the sha256 of what decides the game under GAME.md's
rules, and nothing else:

  in:   every worker's role, durations and `cannot` (file order: decisions and
        trace rows name workers by index), every recipe's tasks, their types,
        precedence and reward, the orders (dish, tick, file order), the
        arrivals (dish, rate, from, until), the noise, the objective,
        wait_cost, handover, max_open_orders; the horizon too for the reward
        objective, whose score counts dishes served and waiting up to it.
  out:  the scenario's name, the file's comments, seconds_per_tick and
        show_durations (what the trainee is shown, not what happens), worker
        names (labels: a worker is its role and its durations), and the
        horizon for makespan, which only caps a round: an expert applies to a
        makespan scenario whose horizon is at least the one it was trained
        with (`TrainedFor.problem`), and it then sees the features of its
        trained horizon (engine/expert/features.py), so it plays as it was trained.

Arrivals whose `until` was left out run to the horizon, so a longer horizon
there does change the game, and the hash says so (it is taken of the parsed
values, not the text).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from engine.scenario import BUNDLED_DIR, Objective, Scenario, ScenarioError, load_scenario

GAME_FORMAT = 1  # bump when the description below changes meaning


def game_description(sc: Scenario) -> dict:
    """The parts of a scenario that decide its game, as plain JSON data."""
    return {
        "format": GAME_FORMAT,
        "objective": sc.objective,
        "wait_cost": float(sc.wait_cost),
        "handover": sc.handover,
        "max_open_orders": sc.max_open_orders,
        "horizon": sc.ticks if sc.objective is Objective.REWARD else None,
        "slow_prob": float(sc.slow_prob),
        "workers": [{"role": w.role, "durations": sorted(w.durations.items()),
                     "cannot": sorted(getattr(w, "cannot", ()) or ())} for w in sc.workers],
        "recipes": {name: {"tasks": list(r.tasks), "types": [r.types[t] for t in r.tasks],
                           "after": [sorted(r.after.get(t, ())) for t in r.tasks], "reward": r.reward}
                    for name, r in sorted(sc.recipes.items())},
        "orders": [[o.dish, o.at] for o in sc.orders],
        "arrivals": [[a.dish, float(a.rate), a.start, a.until] for a in sc.arrivals],
    }


def game_hash(sc: Scenario) -> str:
    text = json.dumps(game_description(sc), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TrainedFor:
    """The game an expert was trained on and the horizon its features assume."""
    game_hash: str
    horizon: int
    key: str = "?"  # the scenario's short name, for messages

    @classmethod
    def of(cls, sc: Scenario) -> "TrainedFor":
        return cls(game_hash(sc), sc.ticks, sc.key)

    def problem(self, sc: Scenario) -> str | None:
        """Why an expert trained for this cannot judge `sc`, or None if it can."""
        if game_hash(sc) != self.game_hash:
            return (f"trained for another game ({self.key}): the workers, recipes, orders or rules "
                    f"of {sc.key} differ")
        if sc.ticks < self.horizon:
            return (f"trained with a {self.horizon}-tick horizon, longer than the {sc.ticks} ticks "
                    f"of {sc.key} (a shorter horizon changes which plays are best)")
        return None


def from_record(record: dict, scenario_hash: str | None = None) -> TrainedFor | None:
    """What an expert record says it was trained for. Records written before
    game hashes existed name only the file's content hash: the bundled
    scenario with that content (if any, as it was) tells the game."""
    gh, horizon = record.get("game_hash"), record.get("horizon")
    key = str(record.get("scenario_key") or record.get("scenario") or "?")
    if isinstance(gh, str) and isinstance(horizon, int) and not isinstance(horizon, bool):
        return TrainedFor(gh, horizon, key)
    return bundled_by_content(scenario_hash or record.get("scenario_hash"))


@lru_cache(maxsize=None)
def _bundled() -> dict[str, TrainedFor]:
    out = {}
    for path in sorted(BUNDLED_DIR.glob("*.toml")):
        try:
            sc = load_scenario(path)
        except ScenarioError:
            continue
        out[sc.content_hash] = TrainedFor.of(sc)
    return out


def bundled_by_content(content_hash) -> TrainedFor | None:
    return _bundled().get(content_hash) if isinstance(content_hash, str) else None
