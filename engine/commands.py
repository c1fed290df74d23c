"""Engine subcommands: scenario check/show, simulate, solve; and those of the
expert (train, evaluate) and records (play, export) modules."""
from __future__ import annotations

import argparse
import importlib
import importlib.util

import numpy as np

from engine.cli_support import (EXIT_STOCHASTIC, CommandError, emit_json, episode_count, positive_float, seed,
                                whole_number)
from engine.scenario import ScenarioError, load_scenario

# Each seed of a stochastic scenario is a full solve.
seed_count = whole_number(1, 1000, "1 to 1000 seeds")

# Modules of the engine package that add their own subcommands.
COMMAND_MODULES = ("engine.expert.commands", "engine.records.commands", "engine.traces.commands",
                   "engine.records.study_commands")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenario", help="check or show a scenario file")
    ssub = p.add_subparsers(dest="scenario_command", metavar="ACTION", required=True)
    c = ssub.add_parser("check", help="say 'ok' or name the fault in a scenario file")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_scenario_check)
    s = ssub.add_parser("show", help="workers, recipes and orders as readable tables")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_scenario_show)

    p = sub.add_parser("simulate", help="play rounds with a baseline policy")
    p.add_argument("scenario", help="a scenario file or the name of a bundled one")
    p.add_argument("--policy", choices=["random", "greedy", "dispatch"], default="greedy")
    p.add_argument("--seed", type=seed, default=0)
    p.add_argument("--episodes", type=episode_count, default=1)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("solve", help="the proven optimum of a deterministic scenario, with one optimal schedule")
    p.add_argument("scenario")
    p.add_argument("--seeds", type=seed_count, default=20,
                   help="stochastic scenarios: seeds to average the clairvoyant bound over")
    p.add_argument("--seed", type=seed, default=0,
                   help="stochastic scenarios: the first of those seeds (rounds SEED .. SEED+SEEDS-1)")
    p.add_argument("--time-limit", type=positive_float, default=120.0,
                   help="seconds the solver may take (stochastic scenarios: in all, shared by the seeds)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_solve)

    for name in COMMAND_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(sub)


def cmd_scenario_check(args) -> int:
    try:
        sc = load_scenario(args.file)
    except ScenarioError as e:
        if args.json:  # the one line still goes to standard error, as for every command
            emit_json({"ok": False, "file": e.file, "place": e.place, "problem": e.problem})
        raise
    if args.json:
        emit_json({"ok": True, "file": sc.source, "name": sc.name, "key": sc.key,
                   "content_hash": sc.content_hash})
    else:
        print("ok")
    return 0


def cmd_scenario_show(args) -> int:
    sc = load_scenario(args.file)
    if args.json:
        emit_json({
            "name": sc.name, "ticks": sc.ticks, "objective": sc.objective,
            "workers": [{"name": w.name, "role": w.role, **w.durations, **({"cannot": sorted(w.cannot)} if w.cannot else {})}
                        for w in sc.workers],
            "recipes": {d: {"tasks": list(r.tasks), "types": r.types,
                            "after": {k: list(v) for k, v in r.after.items() if v}, "reward": r.reward}
                        for d, r in sc.recipes.items()},
            "orders": [{"dish": o.dish, "at": o.at} for o in sc.orders],
            "stochastic": sc.stochastic,
        })
        return 0
    print(describe(sc))
    return 0


def describe(sc) -> str:
    types = list(sc.task_types)
    lines = [f"{sc.name}  ({sc.objective}, {sc.ticks} ticks, "
             f"{'untimed' if not sc.seconds_per_tick else f'{sc.seconds_per_tick:g} s per tick'}"
             f"{', handover ' + str(sc.handover) if sc.handover else ''}"
             f"{', at most ' + str(sc.max_open_orders) + ' orders at once' if sc.max_open_orders else ''})",
             "", "Workers (ticks per task type):"]
    lines += _table(["name", "role", *types], [[w.name, w.role, *(w.durations.get(t, "never") for t in types)]
                                              for w in sc.workers])
    lines += ["", "Recipes:"]
    rows = []
    for d, r in sc.recipes.items():
        steps = ", ".join(f"{t}" + (f" (a {r.types[t]})" if r.types[t] != t else "")
                          + (f" after {'+'.join(r.after[t])}" if r.after[t] else "") for t in r.tasks)
        rows.append([d, steps, r.reward])
    lines += _table(["dish", "tasks", "reward"], rows)
    lines += ["", "Orders:"]
    counts: dict[tuple, int] = {}
    for o in sc.orders:
        counts[(o.dish, o.at)] = counts.get((o.dish, o.at), 0) + 1
    lines += _table(["dish", "at tick", "count"], [[d, a, n] for (d, a), n in counts.items()])
    if sc.arrivals:
        lines += ["", "Random arrivals (Poisson):"]
        lines += _table(["dish", "rate per tick", "from", "until"],
                        [[a.dish, a.rate, a.start, a.until] for a in sc.arrivals])
    if sc.slow_prob:
        lines += ["", f"Noise: each task takes one extra tick with probability {sc.slow_prob:g}"]
    return "\n".join(lines)


def _table(header, rows) -> list[str]:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    fmt = lambda r: "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    return [fmt(cells[0]), "  " + "  ".join("-" * w for w in widths)] + [fmt(r) for r in cells[1:]]


def cmd_simulate(args) -> int:
    from engine.policies import BASELINES, play_round
    from engine.simulator import Kitchen

    from engine.progress import progress_bar

    sc = load_scenario(args.scenario)
    values = []
    # a bar only once the episodes have taken a few seconds
    for e in progress_bar(range(args.episodes), True, f"simulate {sc.key}", "round", delay=2):
        k = Kitchen(sc, args.seed + e)
        values.append(k.value(play_round(k, BASELINES[args.policy], np.random.default_rng(args.seed + e))))
    mean, std = float(np.mean(values)), float(np.std(values))
    if args.json:
        emit_json({"value": mean, "std": std, "episodes": args.episodes})
    else:
        unit = sc.unit
        print(f"{sc.name}: {args.policy} policy, {args.episodes} episode(s): {mean:.2f} {unit} (std {std:.2f})")
    return 0


def cmd_solve(args) -> int:
    from engine.optimum import clairvoyant_bound, solve, too_large
    from engine.simulator import Kitchen

    sc = load_scenario(args.scenario)
    why = too_large(Kitchen(sc))
    if why:
        raise CommandError(f"{sc.name}: {why}", 1)
    unit = sc.unit
    if sc.stochastic:
        # the limit is the whole command's: a seed that cannot be proven must not hold up the rest
        per_seed = max(2.0, args.time_limit / args.seeds)
        bound = clairvoyant_bound(sc, seeds=range(args.seed, args.seed + args.seeds), time_limit=per_seed,
                                  progress=True)
        unproven = args.seeds - bound["proven"]
        msg = (f"{sc.name} is stochastic: no single optimum. Clairvoyant bound (optimum with the noise "
               f"revealed) over {args.seeds} seeds: {bound['mean']:.2f} {unit} (std {bound['std']:.2f})"
               + (f"; {unproven} seed(s) not proven in {per_seed:g} s count with the solver's bound"
                  if unproven else ""))
        if args.json:
            emit_json({"objective": sc.objective, "optimal": None, "stochastic": True,
                       "clairvoyant": bound, "message": msg})
        raise CommandError(msg, EXIT_STOCHASTIC)
    k = Kitchen(sc)
    sol = solve(k, time_limit=args.time_limit)
    if not sol.proven:
        found = ("no schedule found" if sol.value is None else
                 f"best found {sol.value} {unit}, and none can be better than {sol.bound:g} {unit}")
        msg = (f"{sc.name}: the solver could not prove optimality within {args.time_limit:g} s ({found}); "
               "raise --time-limit")
        if args.json:
            emit_json({"objective": sc.objective, "optimal": None, "best": sol.value, "bound": sol.bound,
                       "message": msg})
        raise CommandError(msg, 1)
    schedule = [{"order": a.order, "task": k.tasks[a.task].name, "worker": k.workers[a.worker].name,
                 "start": a.start} for a in sol.schedule]
    if args.json:
        emit_json({"objective": sc.objective, "optimal": sol.value, "schedule": schedule})
        return 0
    print(f"{sc.name}: proven optimum {sol.value} {unit} ({sol.seconds:.2f} s)")
    print("\n".join(_table(["start", "worker", "order", "task"],
                           [[s["start"], s["worker"], s["order"], s["task"]] for s in schedule])))
    return 0
