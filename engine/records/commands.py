"""`kitchen-coach play` (a headless round, scored and stored as the app stores
it) and `kitchen-coach export` (one CSV row per decision)."""
from __future__ import annotations

import argparse
import time

from engine.cli_support import CommandError, emit_json, open_records, output_file, seed, supervisor_password

POLICIES = ("random", "greedy", "dispatch", "expert")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("play", help="play one round with a policy, score every decision and store it")
    p.add_argument("scenario", help="a scenario file or the name of a bundled one")
    p.add_argument("--policy", choices=POLICIES, required=True)
    p.add_argument("--trainee", required=True, help="whose record the round goes into (created if new)")
    # dest differs from the top-level --db so `kitchen-coach --db X play ...` is not overwritten
    p.add_argument("--db", dest="records_db", metavar="URL",
                   help="database URL or file (default: KITCHEN_COACH_DB or a file in your data folder)")
    p.add_argument("--seed", type=seed, default=0)
    p.add_argument("--expert", metavar="FILE.pt",
                   help="expert that scores (and plays, with --policy expert); default: the shipped one")
    p.add_argument("--json", action="store_true", help="print the stored round as one JSON object")
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("export", help="write every stored decision as one CSV row (tidy data)")
    p.add_argument("--db", dest="records_db", metavar="URL",
                   help="database URL or file (default: KITCHEN_COACH_DB or a file in your data folder)")
    p.add_argument("--out", required=True, metavar="FILE.csv")
    p.add_argument("--trainee", metavar="NAME", help="only this trainee's decisions")
    p.add_argument("--password", help="the supervisor password (or set KITCHEN_COACH_SUPERVISOR_PASSWORD); "
                                      "not needed while the database has no supervisor")
    p.add_argument("--json", action="store_true", help="print what was written as one JSON object")
    p.set_defaults(func=cmd_export)




def _expert_and_scorer(scenario, path: str | None):
    """The expert (needed to score: the shipped one unless a file is named) and a MoveScorer on it."""
    try:
        from engine.expert.trained import ExpertError, load_expert, shipped_expert
        from engine.expert.scoring import MoveScorer
    except ImportError as e:
        raise CommandError(f"scoring is not available in this build ({e})") from None
    try:
        expert = load_expert(path, scenario) if path else shipped_expert(scenario)
    except ExpertError as e:
        raise CommandError(str(e)) from None
    return expert, MoveScorer(expert)


def cmd_play(args) -> int:
    import numpy as np

    from engine.policies import BASELINES
    from engine.records.play import known_optimum, play_and_store
    from engine.records.store import StoreError
    from engine.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    expert, scorer = _expert_and_scorer(scenario, args.expert)
    policy = expert if args.policy == "expert" else BASELINES[args.policy]
    store = open_records(args, create=True)
    try:
        t0 = time.perf_counter()
        info = play_and_store(store, scenario, args.seed, policy, args.policy, args.trainee.strip(),
                              scorer=scorer, expert=expert, rng=np.random.default_rng(args.seed),
                              optimum=known_optimum(scenario))
    except StoreError as e:
        raise CommandError(str(e)) from None
    finally:
        store.close()
    seconds = time.perf_counter() - t0
    if args.json:
        emit_json({"id": info.id, "person": info.person, "scenario": info.scenario, "seed": info.seed,
                   "policy": info.policy, "value": info.value, "turns": info.turns, "served": info.served,
                   "decisions": info.decisions, "total_regret": info.total_regret, "optimum": info.optimum,
                   "finished": info.finished, "db": store.url, "seconds": round(seconds, 3)})
        return 0
    unit = scenario.unit
    regret = "" if info.total_regret is None else f", total regret {info.total_regret:.2f} {unit}"
    print(f"{info.person}: {scenario.name} (seed {info.seed}) with the {args.policy} policy: "
          f"{info.value:g} {unit}, {info.served} served, {info.decisions} decisions{regret} "
          f"-- stored as round {info.id} in {store.url} ({seconds:.1f} s)")
    return 0


def cmd_export(args) -> int:
    from engine.records.access import supervisor_gate
    from engine.records.export import COLUMNS, export_rows, write_rows
    from engine.records.store import StoreError

    out = output_file(args.out, "decisions.csv")
    store = open_records(args, create=False, out=out)
    try:
        what = f"{args.trainee}'s decisions" if args.trainee is not None else "every trainee's decisions"
        try:
            supervisor_gate(store, supervisor_password(args), what)
        except StoreError as e:
            raise CommandError(str(e)) from None
        if args.trainee is not None and store.find_person(args.trainee) is None:
            raise CommandError(f"no trainee named {args.trainee!r} in {store.url}")
        people: set[str] = set()

        def rows():  # counts whose decisions went into the file as they stream past
            for row in export_rows(store, args.trainee):
                people.add(row["trainee"])
                yield row
        try:
            n = write_rows(out, COLUMNS, rows())
        except OSError as e:
            raise CommandError(f"cannot write {out}: {e.strerror or e}") from None
    finally:
        store.close()
    if args.json:
        emit_json({"out": str(out), "rows": n, "trainees": len(people), "db": store.url})
    else:
        print(f"wrote {n} decision(s) to {out}")
    return 0
