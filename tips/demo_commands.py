"""`kitchen-coach demo-data`: fill a records database with plausible
trainees (tips/demo_data.py). Registered by tips/commands.py."""
from __future__ import annotations

import argparse
import sys

from engine.cli_support import CommandError, db_argument, emit_json, open_records, seed, whole_number
from tips.demo_data import DEFAULT_PREFIX

MAX_TRAINEES = 100_000   # a training centre's whole history, and then some
MAX_ROUNDS = 1_000
MAX_WORKERS = 64


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo-data", help="fill a records database with simulated trainees, their tips and "
                                         "scored rounds (to try the supervisor's desk, or for benchmarks)")
    p.add_argument("--trainees", type=whole_number(1, MAX_TRAINEES), required=True, metavar="N",
                   help=f"how many trainees (1 to {MAX_TRAINEES})")
    p.add_argument("--rounds", type=whole_number(1, MAX_ROUNDS), required=True, metavar="R",
                   help=f"rounds each trainee plays (1 to {MAX_ROUNDS})")
    p.add_argument("--scenario", required=True, help="a scenario file or the name of a bundled one")
    # dest differs from the top-level --db so `kitchen-coach --db X demo-data ...` is not overwritten
    p.add_argument("--db", dest="records_db", metavar="URL",
                   help="records database URL (default: KITCHEN_COACH_DB or the file in your data folder); "
                        "created when it does not exist")
    p.add_argument("--seed", type=seed, default=0, help="the same seed gives the same trainees and rounds (default 0)")
    p.add_argument("--workers", type=whole_number(1, MAX_WORKERS), default=1, metavar="K",
                   help="processes that score decisions (default 1; scoring is most of the time on big databases)")
    p.add_argument("--prefix", default=DEFAULT_PREFIX,
                   help=f"the trainees' names are this and a number (default {DEFAULT_PREFIX!r})")
    p.add_argument("--json", action="store_true",
                   help='print one line {"trainees", "rounds", "decisions"}: what was stored')
    p.set_defaults(func=cmd_demo_data)


def cmd_demo_data(args) -> int:
    from engine.records.people import NAME_LENGTH
    from engine.records.store import StoreError
    from engine.scenario import load_scenario
    from engine.traces.importer import default_scorer
    from tips.coach import rules_for
    from tips.demo_data import DemoRefused, DemoSettings, demo_names, fill_demo

    prefix = " ".join(args.prefix.split())
    if not prefix:
        raise CommandError("--prefix needs some text: the demo trainees' names start with it")
    longest = demo_names(prefix, args.trainees)[-1]
    if len(longest) > NAME_LENGTH:
        raise CommandError(f"--prefix is too long: a name can have at most {NAME_LENGTH} characters")
    sc = load_scenario(args.scenario)  # an unknown scenario is one line, before any database is touched
    try:
        expert, scorer = default_scorer(sc)
    except LookupError as e:
        raise CommandError(f"demo-data scores decisions with a shipped expert: {e}") from None
    if db_argument(args) is None:
        print("demo-data: no --db given: filling the default records database", file=sys.stderr)
    store = open_records(args, create=True)
    try:
        mined = rules_for(sc, expert)
        settings = DemoSettings(args.trainees, args.rounds, args.seed, args.workers, prefix)
        result = fill_demo(store, sc, settings, expert, scorer, mined)
    except (DemoRefused, StoreError) as e:
        raise CommandError(str(e)) from None
    finally:
        store.close()
    rate = (f"{result.trainees} trainees x {args.rounds} rounds of {sc.key}: {result.rounds} rounds, "
            f"{result.decisions} decisions scored and stored in {result.seconds:.1f} s "
            f"({result.rate:.0f} decisions/s, {result.rounds / max(result.seconds, 1e-9):.1f} rounds/s)")
    if args.json:
        print(f"demo-data: {rate}", file=sys.stderr)
        emit_json(result.to_json())
        return 0
    split = ", ".join(f"{n} {c}" for c, n in result.conditions.items() if n)
    print(f"{rate}\nconditions: {split}; database: {store.url}")
    return 0
