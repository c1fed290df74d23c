"""`kitchen-coach train` and `kitchen-coach evaluate`.

torch is imported inside the commands, so `kitchen-coach --help` stays quick.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path

import numpy as np

from engine.cli_support import (CommandError, emit_json, episode_count, fraction, non_negative_float,
                                positive_float, positive_int, seed, whole_number)
from engine.scenario import Scenario, load_scenario

# Rollouts per gradient step: the shipped experts use 32 or 64; each holds a kitchen in memory.
rollout_count = whole_number(1, 4096, "1 to 4096 rollouts")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the policy-gradient expert for a scenario")
    p.add_argument("scenario", help="a scenario file or the name of a bundled one")
    p.add_argument("--out", required=True, help="where to write the weights (.pt; the .json record goes beside it)")
    p.add_argument("--minutes", type=positive_float, default=5.0, help="time budget (default 5)")
    p.add_argument("--seed", type=seed, default=0)
    p.add_argument("--iterations", type=whole_number(0, 10**9), default=0,
                   help="stop after this many gradient steps instead of at the time budget (reproducible runs)")
    p.add_argument("--rollouts", type=rollout_count, default=32, help="rollouts per gradient step, N (default 32)")
    p.add_argument("--entropy", type=non_negative_float, default=0.02, help="entropy bonus at the start (default 0.02)")
    p.add_argument("--entropy-half-life", type=positive_int, default=150,
                   help="iterations over which the entropy bonus halves (default 150)")
    p.add_argument("--explore", type=fraction, default=0.5,
                   help="fraction of each step's rollouts started after a short random prefix (default 0.5)")
    p.add_argument("--explore-ticks", type=positive_int, default=8,
                   help="longest random prefix, in decision ticks (default 8)")
    p.add_argument("--human-starts", type=fraction, default=0.0,
                   help="share of those exploring starts taken instead from states human-like play reaches: "
                        "simulated habit trainees and greedy play with slips (engine/expert/start_states.py; default 0)")
    p.add_argument("--explore-patience", type=positive_int, default=60,
                   help="with exploring starts, evaluations (every 5 steps) without improvement before "
                        "training stops (default 60)")
    p.add_argument("--init", metavar="FILE.pt",
                   help="start from these weights (an expert for this game, e.g. the shipped one) instead of "
                        "a fresh policy; the best weights are still judged on the round first")
    p.add_argument("--group", type=whole_number(0, 4096, "0 to 4096 rollouts"), default=0,
                   help="play the rollouts in groups of this many from one start, each judged against the "
                        "rest of its group (0: the learned baseline alone; default 0)")
    p.add_argument("--lr", type=positive_float, default=0.01, help="Adam's step size (default 0.01)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="mean value of a policy over several rounds")
    p.add_argument("scenario")
    p.add_argument("--policy", choices=["expert", "random", "greedy", "dispatch"], default="expert")
    p.add_argument("--expert", help="expert weights (.pt); default: the shipped expert of the scenario")
    p.add_argument("--rollout", action="store_true", help="improve the expert by one-agent-at-a-time rollout")
    p.add_argument("--episodes", type=episode_count, default=1)
    p.add_argument("--seed", type=seed, default=0,
                   help="episode e plays the round of seed SEED + e; with --verdicts, draws the decisions (default 0)")
    p.add_argument("--verdicts", action="store_true",
                   help="how often the move scorer's verdicts agree with the exact regret (CP-SAT), on decisions "
                        "from simulated trainees and random mid-round states (deterministic scenarios)")
    p.add_argument("--decisions", type=whole_number(1, 10**6, "1 to 1000000 decisions"), default=500,
                   help="decisions to judge with --verdicts (default 500)")
    p.add_argument("--time-limit", type=positive_float, default=20.0,
                   help="solver seconds per state with --verdicts (default 20); unproven states are replaced")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)


def known_optimum(scenario: Scenario) -> float | None:
    """The proven optimum where the solver exists and the scenario is deterministic."""
    if scenario.stochastic or importlib.util.find_spec("engine.optimum") is None:
        return None
    from engine.optimum import optimal_value
    return optimal_value(scenario)


def _json_number(v: float | None):
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


def cmd_train(args) -> int:
    import torch

    from engine.expert.trained import save_expert
    from engine.expert.training import Settings, train, training_record

    sc = load_scenario(args.scenario)
    check_out(args.out)  # before the training budget is spent, not after
    if args.group > 1 and args.rollouts % args.group:
        raise CommandError(f"--rollouts {args.rollouts} must be a multiple of --group {args.group}")
    torch.set_num_threads(1)  # the networks are tiny; more threads only contend with other work
    optimal = known_optimum(sc)
    if args.init:
        load_policy_expert(sc, args.init, False)  # one line for a file of another game, before the budget
    settings = Settings(minutes=args.minutes, seed=args.seed, max_iterations=args.iterations,
                        rollouts=args.rollouts, entropy=args.entropy,
                        entropy_half_life=args.entropy_half_life,
                        explore=args.explore, explore_ticks=args.explore_ticks,
                        human=args.human_starts, explore_patience=args.explore_patience,
                        init=args.init or "", group=args.group, lr=args.lr)
    result = train(sc, settings, optimal=optimal, progress=True)
    try:
        out = save_expert(args.out, result.net, sc, training_record(result))
    except OSError as e:
        raise CommandError(f"cannot write {args.out}: {e.strerror or e}") from None
    if args.json:
        emit_json({"value": result.value, "optimal": _json_number(optimal), "gap": result.gap,
                   "seconds": round(result.seconds, 2), "out": str(out)})
    else:
        unit = sc.unit
        gap = f", gap {result.gap * 100:.2f}% to the optimum {optimal:g}" if result.gap is not None else ""
        print(f"{sc.name}: greedy expert {result.value:g} {unit}{gap}; {result.iterations} iterations "
              f"in {result.seconds:.0f} s; wrote {out} and {out.with_suffix('.json').name}")
    return 0


def check_out(out: str) -> None:
    """Refuse an --out that cannot be written: a folder, or a file in a folder
    that does not exist (a mistyped path must not create folders at the root)."""
    path = Path(out)
    weights = path if path.suffix == ".pt" else path.with_suffix(".pt")  # as save_expert writes it
    for p in (path, weights, weights.with_suffix(".json")):
        if p.is_dir():
            raise CommandError(f"--out {out}: {p} is a folder; give a file name such as {p / 'expert.pt'}")
    folder = weights.parent
    if not folder.is_dir():
        raise CommandError(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CommandError(f"--out {out}: cannot write into the folder {folder}")


def load_policy_expert(sc: Scenario, path: str | None, rollout: bool):
    from engine.expert.trained import ExpertError, load_expert, shipped_expert
    try:
        return load_expert(path, sc, rollout=rollout) if path else shipped_expert(sc, rollout=rollout)
    except ExpertError as e:
        raise CommandError(str(e)) from None


def cmd_evaluate(args) -> int:
    from engine.policies import BASELINES, play_round
    from engine.simulator import Kitchen

    sc = load_scenario(args.scenario)
    if args.verdicts:
        return evaluate_verdicts(sc, args)
    if args.policy != "expert" and (args.expert or args.rollout):
        raise CommandError("--expert and --rollout go with --policy expert")
    if args.policy == "expert":
        import torch
        torch.set_num_threads(1)
        policy = load_policy_expert(sc, args.expert, args.rollout)
    else:
        policy = BASELINES[args.policy]
    from engine.progress import progress_bar

    values = []
    # the expert (above all with --rollout) takes a while per round: a bar once it has taken a few seconds
    for e in progress_bar(range(args.seed, args.seed + args.episodes), True, f"evaluate {sc.key}", "round",
                          delay=2):
        k = Kitchen(sc, e)
        values.append(k.value(play_round(k, policy, np.random.default_rng(e))))
    mean, std = float(np.mean(values)), float(np.std(values))
    optimal = known_optimum(sc)
    if args.json:
        emit_json({"value": mean, "std": std, "episodes": args.episodes, "optimal": _json_number(optimal)})
        return 0
    unit = sc.unit
    name = args.policy + (" + rollout" if args.rollout else "")
    opt = f"; optimum {optimal:g}" if optimal is not None else ""
    print(f"{sc.name}: {name} policy, {args.episodes} episode(s): {mean:.2f} {unit} (std {std:.2f}){opt}")
    return 0


def evaluate_verdicts(sc: Scenario, args) -> int:
    """`evaluate --verdicts`: the default move scorer judged by the exact regret (engine/expert/verdicts.py)."""
    if sc.stochastic:
        raise CommandError(f"{sc.key}: --verdicts needs a deterministic scenario; this one is stochastic, "
                           "so there is no exact optimum per state to judge verdicts by")
    if args.policy != "expert":
        raise CommandError("--verdicts judges the expert's move scorer; it goes with --policy expert")
    if importlib.util.find_spec("engine.optimum") is None:
        raise CommandError("--verdicts needs the exact solver (ortools), which this build lacks")
    import torch

    from engine.expert.scoring import MoveScorer
    from engine.expert.verdicts import measure
    torch.set_num_threads(1)
    expert = load_policy_expert(sc, args.expert, args.rollout)
    m = measure(sc, MoveScorer(expert), decisions=args.decisions, seed=args.seed, time_limit=args.time_limit,
                witness=expert.finisher.value)
    s = m.summary
    if args.json:
        emit_json(s)
        return 0
    prec = "none called" if s["blunder_precision"] is None else f"{s['blunder_precision'] * 100:.1f}%"
    unproven = f" ({m.unproven} more left out: optimum not proven in {args.time_limit:g} s)" if m.unproven else ""
    print(f"{sc.name}: {s['decisions']} decisions{unproven}; verdicts agree with the exact regret on "
          f"{s['agreement'] * 100:.1f}%; blunder precision {prec}; best/good that truly cost "
          f"{s['false_best'] * 100:.2f}%; mean regret {s['mean_regret']['scorer']:.3f} (scorer) vs "
          f"{s['mean_regret']['exact']:.3f} (exact)")
    return 0
