"""`kitchen-coach train` and `kitchen-coach evaluate`.

torch is imported inside the commands, so `kitchen-coach --help` stays quick.
"""
from __future__ import annotations

import argparse
import importlib.util

import numpy as np

from engine.cli_support import CommandError, emit_json, positive_float, positive_int
from engine.scenario import Scenario, load_scenario


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the policy-gradient expert for a scenario")
    p.add_argument("scenario", help="a scenario file or the name of a bundled one")
    p.add_argument("--out", required=True, help="where to write the weights (.pt; the .json record goes beside it)")
    p.add_argument("--minutes", type=positive_float, default=5.0, help="time budget (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--iterations", type=int, default=0,
                   help="stop after this many gradient steps instead of at the time budget (reproducible runs)")
    p.add_argument("--rollouts", type=positive_int, default=32, help="rollouts per gradient step, N (default 32)")
    p.add_argument("--entropy", type=float, default=0.02, help="entropy bonus at the start (default 0.02)")
    p.add_argument("--entropy-half-life", type=positive_int, default=150,
                   help="iterations over which the entropy bonus halves (default 150)")
    p.add_argument("--explore", type=float, default=0.5,
                   help="fraction of each step's rollouts started after a short random prefix (default 0.5)")
    p.add_argument("--explore-ticks", type=positive_int, default=8,
                   help="longest random prefix, in decision ticks (default 8)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="mean value of a policy over several rounds")
    p.add_argument("scenario")
    p.add_argument("--policy", choices=["expert", "random", "greedy", "dispatch"], default="expert")
    p.add_argument("--expert", help="expert weights (.pt); default: the shipped expert of the scenario")
    p.add_argument("--rollout", action="store_true", help="improve the expert by one-agent-at-a-time rollout")
    p.add_argument("--episodes", type=positive_int, default=1)
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

    from engine.expert import save_expert
    from engine.training import Settings, train, training_record

    sc = load_scenario(args.scenario)
    if args.iterations < 0:
        raise CommandError(f"--iterations must be 0 or more, not {args.iterations}")
    from pathlib import Path
    try:  # refuse an unwritable --out before the training budget is spent, not after
        Path(args.out).resolve().parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CommandError(f"cannot write {args.out}: {e.strerror or e}") from None
    torch.set_num_threads(1)  # the networks are tiny; more threads only contend with other work
    optimal = known_optimum(sc)
    if args.entropy < 0:
        raise CommandError(f"--entropy must be 0 or more, not {args.entropy}")
    if not 0 <= args.explore <= 1:
        raise CommandError(f"--explore must be between 0 and 1, not {args.explore}")
    settings = Settings(minutes=args.minutes, seed=args.seed, max_iterations=args.iterations,
                        rollouts=args.rollouts, entropy=args.entropy,
                        entropy_half_life=args.entropy_half_life,
                        explore=args.explore, explore_ticks=args.explore_ticks)
    result = train(sc, settings, optimal=optimal, progress=True)
    try:
        out = save_expert(args.out, result.net, sc, training_record(result))
    except OSError as e:
        raise CommandError(f"cannot write {args.out}: {e.strerror or e}") from None
    if args.json:
        emit_json({"value": result.value, "optimal": _json_number(optimal), "gap": result.gap,
                   "seconds": round(result.seconds, 2), "out": str(out)})
    else:
        unit = "turns" if sc.objective == "makespan" else "points"
        gap = f", gap {result.gap * 100:.2f}% to the optimum {optimal:g}" if result.gap is not None else ""
        print(f"{sc.name}: greedy expert {result.value:g} {unit}{gap}; {result.iterations} iterations "
              f"in {result.seconds:.0f} s; wrote {out} and {out.with_suffix('.json').name}")
    return 0


def load_policy_expert(sc: Scenario, path: str | None, rollout: bool):
    from engine.expert import ExpertError, load_expert, shipped_expert
    try:
        return load_expert(path, sc, rollout=rollout) if path else shipped_expert(sc, rollout=rollout)
    except ExpertError as e:
        raise CommandError(str(e)) from None


def cmd_evaluate(args) -> int:
    from engine.policies import BASELINES, play_round
    from engine.simulator import Kitchen

    sc = load_scenario(args.scenario)
    if args.policy != "expert" and (args.expert or args.rollout):
        raise CommandError("--expert and --rollout go with --policy expert")
    if args.policy == "expert":
        import torch
        torch.set_num_threads(1)
        policy = load_policy_expert(sc, args.expert, args.rollout)
    else:
        policy = BASELINES[args.policy]
    values = []
    for e in range(args.episodes):
        k = Kitchen(sc, e)
        values.append(k.value(play_round(k, policy, np.random.default_rng(e))))
    mean, std = float(np.mean(values)), float(np.std(values))
    optimal = known_optimum(sc)
    if args.json:
        emit_json({"value": mean, "std": std, "episodes": args.episodes, "optimal": _json_number(optimal)})
        return 0
    unit = "turns" if sc.objective == "makespan" else "points"
    name = args.policy + (" + rollout" if args.rollout else "")
    opt = f"; optimum {optimal:g}" if optimal is not None else ""
    print(f"{sc.name}: {name} policy, {args.episodes} episode(s): {mean:.2f} {unit} (std {std:.2f}){opt}")
    return 0
