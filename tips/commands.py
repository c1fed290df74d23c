"""`kitchen-coach tips` and `kitchen-coach experiment`."""
from __future__ import annotations

import argparse
import sys

from engine.cli_support import (CommandError, db_argument, emit_json, open_records, positive_float, positive_int,
                                seed, supervisor_password)
from engine.scenario import load_scenario
from tips.conditions import CONDITIONS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tips", help="the rule list mined from the expert, and a trainee's top tips")
    p.add_argument("scenario", help="a scenario file or the name of a bundled one")
    p.add_argument("--trainee", help="name of a trainee whose stored rounds the top tips come from")
    # dest differs from the top-level --db so `kitchen-coach --db X tips ...` is not overwritten
    p.add_argument("--db", dest="records_db", metavar="URL",
                   help="records database URL (default: KITCHEN_COACH_DB or the file in your data folder)")
    p.add_argument("--password", help="the supervisor password, for a trainee's tips (or set "
                                      "KITCHEN_COACH_SUPERVISOR_PASSWORD); not needed while the database has no supervisor")
    p.add_argument("--condition", choices=CONDITIONS,
                   help="the tips the app would show the trainee next round in this experimental condition "
                        "(default: personalised with --trainee, else mined); with --json exactly "
                        '{"condition", "tips": [{"rule", "text", "why", "gain"}]}')
    p.add_argument("--minutes", type=positive_float, default=3.0,
                   help="training budget when no expert is shipped for the scenario (default 3)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tips)

    p = sub.add_parser("experiment", help="simulated trainees under no, fixed, mined and personalised tips")
    p.add_argument("scenario")
    p.add_argument("--trainees", type=positive_int, required=True)
    p.add_argument("--rounds", type=positive_int, required=True)
    p.add_argument("--seed", type=seed, default=0)
    p.add_argument("--tips-per-round", type=int, choices=[1, 2, 3], default=3)
    p.add_argument("--history", type=positive_int, default=2,
                   help="each trainee's last rounds the population's tips come from (default 2)")
    p.add_argument("--fixed-tip", action="append", default=[], metavar="TEXT",
                   help="a supervisor's tip for the 'fixed' condition (repeatable; default: the research's "
                        "handcrafted tips). Simulated trainees cannot act on free text: 'fixed' is a placebo control")
    p.add_argument("--population", choices=["mixed", "individual", "db"], default="mixed",
                   help="mixed: simulated trainees with habits of their own (default); individual: near-expert "
                        "trainees whose every mistake is a habit of their own or a slip; db: one clone per trainee "
                        "with decisions on the scenario in --db (at most --trainees), fitted as `traces trainee` does")
    p.add_argument("--db", dest="records_db", metavar="URL",
                   help="records database the db population comes from (default: KITCHEN_COACH_DB or the file "
                        "in your data folder)")
    p.add_argument("--password", help="the supervisor password, to read every trainee's decisions for --population db "
                                      "(or set KITCHEN_COACH_SUPERVISOR_PASSWORD)")
    p.add_argument("--minutes", type=positive_float, default=3.0,
                   help="training budget when no expert is shipped for the scenario (default 3)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_experiment)

    from tips.demo_commands import register as register_demo_data
    register_demo_data(sub)


def _expert_and_rules(scenario, minutes):
    from engine.expert.trained import ExpertError
    from tips.coach import expert_for, rules_for, scorer_for

    try:
        expert = expert_for(scenario, minutes)
    except ExpertError as e:
        raise CommandError(str(e)) from None
    print(f"tips: mining the rule list for {scenario.key} (cached after the first time)", file=sys.stderr, flush=True)
    return expert, rules_for(scenario, expert), scorer_for(expert)


def _records(args):
    """The records the top tips come from: None unless --db or --trainee asks
    for them. Only read, so the database must exist; a trainee's rounds are
    supervisor-only once the database has a supervisor."""
    if db_argument(args) is None and args.trainee is None:
        return None
    return _read_records(args, f"{args.trainee}'s tips" if args.trainee is not None else None)


def _population_records(args):
    """The records a db population is cloned from (every trainee's decisions:
    supervisor-only once the database has a supervisor); None for a simulated one."""
    if args.population != "db":
        if args.records_db is not None:
            raise CommandError(f"--db is for --population db; the {args.population} population needs no records")
        return None
    return _read_records(args, "every trainee's decisions")


def _read_records(args, gated: str | None):
    """The existing database, read only; behind the supervisor's password for `gated`."""
    from engine.records.access import supervisor_gate
    from engine.records.store import StoreError

    store = open_records(args, create=False)
    try:
        if gated is not None:
            supervisor_gate(store, supervisor_password(args), gated)
    except StoreError as e:
        store.close()
        raise CommandError(str(e)) from None
    return store


def cmd_tips(args) -> int:
    from tips.history import next_tips

    sc = load_scenario(args.scenario)
    if args.trainee is not None and not args.trainee.strip():
        raise CommandError("--trainee needs a name")
    condition = args.condition or ("personalised" if args.trainee else "mined")
    store = _records(args)  # before mining, so a wrong --db or password is said at once
    try:
        if condition in ("none", "fixed"):
            mined = scorer = None  # no expert needed: nothing is measured
        else:
            _, mined, scorer = _expert_and_rules(sc, args.minutes)
        tips, used = next_tips(store, sc, args.trainee, condition, mined, scorer)
    finally:
        if store is not None:
            store.close()
    if args.json:
        out = {"condition": condition, "tips": [t.to_json() for t in tips]}
        if args.condition is None and mined is not None:  # asked for no condition: the rule list too
            # "top" is part of the published contract of `tips --json` (the top tips, as before)
            out = {"scenario": sc.key, "rules": mined.to_json(), "fidelity": round(mined.fidelity, 4),
                   "top": out["tips"], **out}
        emit_json(out)
        return 0
    if mined is not None:
        print(mined.table())
        print()
    who = args.trainee or "a trainee"
    source = {"none": "no tips in this condition", "fixed": "the supervisor's texts, the same for everyone",
              "mined": "the population's tips",
              "personalised": f"from {used} round(s) of {args.trainee}" if used else
              f"{who} has no decisions on this scenario yet: the population's tips"}[condition]
    print(f"Tips {who} sees next round ({condition}: {source}):")
    unit = sc.unit
    for i, t in enumerate(tips, 1):
        gain = "" if t.gain is None else f"  (saves {t.gain:.2f} {unit} a round)"
        print(f"  {i}. {t.text}{gain}")
        for w in t.why:
            print(f"       about: {w}")
    if not tips and condition != "none":
        print("  none: following the rules would not have saved anything")
    return 0


def cmd_experiment(args) -> int:
    from tips.experiment import ExperimentSettings, experiment_table, run_experiment

    sc = load_scenario(args.scenario)
    store = _population_records(args)  # before mining, so a wrong --db or password is said at once
    try:
        people = []
        if store is not None:
            from tips.cloned import cloned_population, people_to_clone

            try:
                people = people_to_clone(store, sc, args.trainees)
            except ValueError as e:
                raise CommandError(str(e)) from None
        expert, mined, scorer = _expert_and_rules(sc, args.minutes)
        clones = ()
        if people:
            clones = tuple(cloned_population(store, sc, mined, args.seed, people, progress=True))
    finally:
        if store is not None:
            store.close()
    from tips.conditions import Coaching

    settings = ExperimentSettings(trainees=args.trainees, rounds=args.rounds, seed=args.seed,
                                  coaching=Coaching(k=args.tips_per_round, history=args.history),
                                  fixed_texts=tuple(t for t in args.fixed_tip if t.strip()), clones=clones,
                                  population="individual" if args.population == "individual" else "mixed")
    result = run_experiment(sc, mined, scorer, settings)
    if args.json:
        emit_json({"scenario": sc.key, "fidelity": round(mined.fidelity, 4), **result})
        return 0
    unit = sc.unit
    who = f"{result['trainees']} trainees cloned from the records" if clones else \
        f"{args.trainees} {'near-expert ' if args.population == 'individual' else ''}simulated trainees " \
        f"(habits: {', '.join(result['habits'])})"
    print(f"{sc.name}: {who} x {args.rounds} rounds ("
          f"suboptimal = worker regret above {result['threshold']:g} {unit})")
    print(experiment_table(result, unit))
    return 0
