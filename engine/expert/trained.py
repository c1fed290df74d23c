"""A trained expert: weights for one scenario, checked on load, callable as a policy.

An expert file is a pair written by `kitchen-coach train`: `<name>.pt` (the
network's tensors and what they were trained for) and `<name>.json` beside it
(the training record, with the sha256 of the .pt file). Loading refuses, with
one clear sentence, a file that is missing, corrupt or edited since training,
trained for another game (engine/game_identity.py: names, seconds per tick and
a longer makespan horizon do not make another game) or features version,
and weights that could not have come out of training: non-finite numbers, or
a size beyond `network.MAX_HIDDEN` or other than the tensors' own (the
hash only shows the pair is unchanged, not that whoever wrote it was careful).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from engine.expert.features import FEATURES_VERSION
from engine.game_identity import TrainedFor, from_record, game_hash
from engine.expert.network import PolicyNet, state_dict_problem
from engine.expert.rollout import Finisher, greedy_decision, rollout_decision
from engine.scenario import Scenario
from engine.simulator import Kitchen, State

EXPERTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "experts"
FILE_FORMAT = 1
# The widest network allowed (network.MAX_HIDDEN) is about 17 MB of weights;
# a larger file is not an expert, and is refused before it is read.
MAX_FILE_BYTES = 64 * 2**20


class ExpertError(ValueError):
    """An expert file that cannot be used; the message says which and why."""


class Expert:
    """`expert(kitchen, state, rng) -> decision`, like a baseline policy.

    Greedy by default (the highest-scoring choice for each idle worker in
    turn); with `rollout=True`, one-agent-at-a-time rollout on top of it.
    `horizon`: the horizon it was trained with; its features are measured
    against it on a scenario with a longer one, so it plays as trained
    (None: each kitchen's own)."""

    def __init__(self, net: PolicyNet, scenario_hash: str = "", record: dict | None = None,
                 rollout: bool = False, samples: int = 8, path: Path | None = None,
                 horizon: int | None = None, rollout_choices: int | None = None):
        self.net = net
        self.scorer = net.numpy_scorer()
        self.horizon = horizon
        self.finisher = Finisher(self.scorer, horizon)
        self.scenario_hash = scenario_hash
        self.record = record or {}
        self.rollout = rollout
        self.rollout_choices = rollout_choices  # rollout_decision's `choices`
        self.samples = samples
        self.path = path

    def __call__(self, kitchen: Kitchen, state: State, rng: np.random.Generator | None = None) -> dict[int, int]:
        if self.rollout and kitchen.has_decision(state):
            return rollout_decision(kitchen, state, self.finisher, self.samples, self.rollout_choices)
        return greedy_decision(kitchen, state, self.scorer, horizon=self.horizon)

    def with_rollout(self, rollout: bool = True, choices: int | None = None) -> "Expert":
        e = Expert(self.net, self.scenario_hash, self.record, rollout, self.samples, self.path, self.horizon,
                   choices)
        e.finisher = self.finisher  # same weights, same greedy values: share the memo
        return e

    def value_after(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> float:
        """Take `decision`, then let the greedy expert finish the round (own units)."""
        return self.finisher.after(kitchen, state, decision)


def save_expert(path: str | Path, net: PolicyNet, scenario: Scenario, record: dict) -> Path:
    path = Path(path)
    if path.suffix != ".pt":
        path = path.with_suffix(".pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    trained = TrainedFor.of(scenario)
    torch.save({
        "format": FILE_FORMAT, "features_version": FEATURES_VERSION,
        "scenario_key": scenario.key, "scenario_hash": scenario.content_hash,
        "game_hash": trained.game_hash, "horizon": trained.horizon,
        "hidden": net.hidden, "state_dict": net.state_dict(),
    }, path)
    record = {**record, "scenario": scenario.key, "scenario_name": scenario.name,
              "scenario_hash": scenario.content_hash, "game_hash": trained.game_hash,
              "horizon": trained.horizon, "features_version": FEATURES_VERSION,
              "weights": path.name, "weights_sha256": _sha256(path)}
    path.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    return path


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def load_expert(path: str | Path, scenario: Scenario, rollout: bool = False) -> Expert:
    path = Path(path)
    if path.suffix != ".pt" and path.with_suffix(".pt").exists():
        path = path.with_suffix(".pt")
    if not path.is_file():
        raise ExpertError(f"{path}: no such expert file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ExpertError(f"{path}: too large to be an expert file (at most {MAX_FILE_BYTES // 2**20} MB)")
    meta = path.with_suffix(".json")
    if not meta.is_file():
        raise ExpertError(f"{path}: its training record {meta.name} is missing beside it")
    try:
        record = json.loads(meta.read_text())
        expected_sha = record["weights_sha256"]
    except (ValueError, KeyError, TypeError):
        raise ExpertError(f"{meta}: not a readable training record (corrupt?)") from None
    if _sha256(path) != expected_sha:
        raise ExpertError(f"{path}: the weights differ from those its training record describes "
                          "(edited or corrupt); train again")
    try:
        blob = torch.load(path, weights_only=True, map_location="cpu")
        version, trained_for = blob["features_version"], blob["scenario_hash"]
    except Exception:  # torch raises many kinds for a damaged file; all mean the same to the user
        raise ExpertError(f"{path}: not a readable expert file (corrupt?)") from None
    if version != FEATURES_VERSION:
        raise ExpertError(f"{path}: trained with features version {version}, this program uses "
                          f"{FEATURES_VERSION}; train again")
    # the weights' own record first; then the training record beside them
    # (the shipped experts' were given their game there); then, for a file
    # trained before games had hashes, the scenario text it was trained on
    trained = (from_record({**record, **blob, "scenario_key": blob.get("scenario_key")}, trained_for)
               or (TrainedFor.of(scenario) if trained_for == scenario.content_hash else None))
    problem = (trained.problem(scenario) if trained else
               f"trained for another scenario ({blob.get('scenario_key', '?')}, content hash "
               f"{str(trained_for)[:12]}), not {scenario.key}")
    if problem:
        raise ExpertError(f"{path}: {problem}; {train_hint(scenario)}")
    problem = state_dict_problem(blob.get("state_dict"), blob.get("hidden"))
    if problem:
        raise ExpertError(f"{path}: {problem}; train again")
    net = PolicyNet(hidden=blob["hidden"])
    net.load_state_dict(blob["state_dict"])
    net.eval()
    return Expert(net, trained_for, record, rollout=rollout, path=path, horizon=trained.horizon)


def train_hint(scenario: Scenario) -> str:
    return (f"train one with: kitchen-coach train {scenario.source or scenario.key} --out {scenario.key}.pt, "
            f"then pass --expert {scenario.key}.pt")


def shipped_expert(scenario: Scenario, rollout: bool = False) -> Expert:
    """The bundled expert trained on this scenario's game (engine/game_identity.py)
    with a horizon no longer than its own; the one trained on this very file first."""
    fitting, near = [], []
    for meta in sorted(EXPERTS_DIR.glob("*.json")):
        try:
            record = json.loads(meta.read_text())
        except ValueError:
            continue
        trained = from_record(record) if isinstance(record, dict) else None
        if trained is None:
            continue
        problem = trained.problem(scenario)
        if problem is None:
            exact = record.get("scenario_hash") == scenario.content_hash
            # then the one trained at the longest horizon the round allows: nearest its
            # features, and a newer expert (research-disruption, trained at 70) is
            # preferred to the one kept for shorter copies of the game (its -h60 file)
            fitting.append((not exact, -trained.horizon, meta))
        elif trained.game_hash == game_hash(scenario):
            near.append(problem)
    if fitting:
        return load_expert(min(fitting)[-1].with_suffix(".pt"), scenario, rollout=rollout)
    why = f"the shipped expert for this game was {near[0]}" if near else \
        "no expert was trained for this game (its workers, recipes, orders or rules differ from every bundled scenario's)"
    raise ExpertError(f"no shipped expert for scenario '{scenario.key}': {why}; {train_hint(scenario)}")
