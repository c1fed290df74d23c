"""`kitchen-coach traces ...`: import, export, calibrate, table, trainee."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli_support import CommandError, emit_json, open_records, output_file, supervisor_password

DB_HELP = "database URL or file (default: KITCHEN_COACH_DB or a file in your data folder)"
VERBOSE_HELP = "list every bad row (by default one line: how many, and the first few)"
SHOWN_PROBLEMS = 3  # bad rows quoted in the one-line message; --verbose lists them all


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("traces", help="import, export and learn from trace files (docs TRACES.md)")
    tsub = p.add_subparsers(dest="traces_command", metavar="ACTION", required=True)

    c = tsub.add_parser("import", help="replay, score and store every round of a trace file")
    c.add_argument("file", metavar="FILE.csv")
    # dest differs from the top-level --db so `kitchen-coach --db X traces ...` is not overwritten
    c.add_argument("--db", dest="records_db", metavar="URL", help=DB_HELP)
    c.add_argument("--skip-bad", action="store_true", help="import the good rounds of a file with bad rows")
    c.add_argument("--expert", metavar="FILE.pt",
                   help="score with this trained expert (default: the shipped one for each round's game)")
    c.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_import)

    c = tsub.add_parser("export", help="write stored rounds as a trace file (supervisor only, once there is one)")
    c.add_argument("--db", dest="records_db", metavar="URL", help=DB_HELP)
    c.add_argument("--out", required=True, metavar="FILE.csv")
    c.add_argument("--trainee", metavar="NAME", help="only this person's rounds")
    c.add_argument("--password", help="the supervisor password (or KITCHEN_COACH_SUPERVISOR_PASSWORD)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_export)

    c = tsub.add_parser("calibrate", help="fit durations and noise to a trace's real durations")
    c.add_argument("file", metavar="FILE.csv")
    c.add_argument("scenario", metavar="SCENARIO", help="the scenario file or bundled name to calibrate")
    c.add_argument("--out", required=True, metavar="NEW.toml")
    c.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_calibrate)

    c = tsub.add_parser("table", help="research-style table of imported rounds")
    c.add_argument("--db", dest="records_db", metavar="URL", help=DB_HELP)
    c.add_argument("--group-by", choices=["scenario", "person", "file", "condition"], default="scenario")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_table)

    c = tsub.add_parser("trainee", help="fit a model of how a person (or everyone) decides")
    c.add_argument("--db", dest="records_db", metavar="URL", help=DB_HELP)
    c.add_argument("--trainee", metavar="NAME", help="this person's rounds (default: every person's)")
    c.add_argument("--scenario", metavar="KEY", help="only rounds of this scenario")
    c.add_argument("--out", required=True, metavar="MODEL.pt")
    c.add_argument("--epochs", type=int, default=300)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_trainee)




def bad_rows(problems, file: str, verbose: bool) -> str:
    """The first few bad rows on one line ("line 3: ...; line 9: ...; and 40
    more"); with --verbose every one is printed on standard error first."""
    if verbose:
        for p in problems:
            print(p.text(file), file=sys.stderr)
    first = "; ".join(f"line {p.line}: {p.message}" for p in problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return first + (f"; and {more} more" + ("" if verbose else " (--verbose lists them all)") if more > 0 else "")


def cmd_import(args) -> int:
    from engine.records.store import StoreError
    from engine.traces import importer
    from engine.traces.format import TraceFileError
    from engine.traces.importer import ImportRefused

    scorer_for = importer.default_scorer
    if args.expert:
        scorer_for = importer.file_scorer(args.expert)
    store = open_records(args, create=True)
    try:
        result = importer.import_trace(store, args.file, skip_bad=args.skip_bad,
                                       scorer_for=scorer_for, progress=True)
    except (TraceFileError, StoreError) as e:  # StoreError: a database that refused the write
        raise CommandError(str(e)) from None
    except ImportRefused as e:
        if e.quoted:
            raise CommandError(str(e)) from None
        raise CommandError(f"{e}: {bad_rows(e.problems, args.file, args.verbose)}") from None
    finally:
        store.close()
    if args.json:
        emit_json(result.to_dict())
        return 0
    if result.skipped or result.problems:
        rounds = ", ".join(f"{p} round {n}" for p, n in result.skipped[:SHOWN_PROBLEMS])
        if len(result.skipped) > SHOWN_PROBLEMS:
            rounds += f" and {len(result.skipped) - SHOWN_PROBLEMS} more"
        print(f"skipped rounds: {rounds or 'none'} ({len(result.problems)} bad row(s): "
              f"{bad_rows(result.problems, args.file, args.verbose)})")
    for key, why in result.unscored.items():
        print(f"not scored ({key}): {why}")
    if result.past_horizon:
        rounds = ", ".join(f"{p} round {n}" for p, n in result.past_horizon[:SHOWN_PROBLEMS])
        if len(result.past_horizon) > SHOWN_PROBLEMS:
            rounds += f" and {len(result.past_horizon) - SHOWN_PROBLEMS} more"
        print(f"unfinished (ran past the horizon): {rounds}; stored up to the horizon, where the game "
              f"ends them (GAME.md), with their decisions scored")
    if result.duration_mismatches:
        print(f"note: {result.duration_mismatches} row(s) give a duration other than the scenario's; "
              f"the engine's durations were used (kitchen-coach traces calibrate fits them)")
    people = len({p for p, _, _ in result.rounds})
    already = (f"; {len(result.already)} round(s) already in the database were left out"
               if result.already else "")
    removed = (f"; {result.removed} half-stored round(s) of an interrupted import were replaced"
               if result.removed else "")
    print(f"imported {len(result.rounds)} round(s) of {people} person(s) from {args.file}: "
          f"{result.rows} rows, {result.decisions} decisions ({result.scored} scored), "
          f"{result.unfinished} unfinished, in {result.seconds:.1f} s{already}{removed}")
    return 0


def cmd_export(args) -> int:
    from engine.records.access import supervisor_gate
    from engine.records.store import StoreError
    from engine.traces.exporter import export_trace

    out = output_file(args.out, "trace.csv")
    store = open_records(args, create=False, out=out)
    try:
        try:
            supervisor_gate(store, supervisor_password(args), "a trace export (every trainee's decisions)")
        except StoreError as e:
            raise CommandError(str(e)) from None
        if args.trainee is not None and store.find_person(args.trainee) is None:
            raise CommandError(f"no trainee named {args.trainee!r} in {store.url}")
        try:
            rows, rounds, files = export_trace(store, out, args.trainee, progress=True)
        except OSError as e:
            raise CommandError(f"cannot write {out}: {e.strerror}") from None
    finally:
        store.close()
    if args.json:
        emit_json({"out": str(out), "rows": rows, "rounds": rounds, "scenario_files": [str(f) for f in files]})
        return 0
    extra = f" (and scenario file(s) {', '.join(str(f) for f in files)})" if files else ""
    print(f"wrote {rows} row(s) of {rounds} round(s) to {out}{extra}")
    return 0


def cmd_calibrate(args) -> int:
    from engine.scenario import load_scenario
    from engine.traces.calibration import calibrated_text, fit, observations
    from engine.traces.format import TraceFileError, read_trace

    scenario = load_scenario(args.scenario)
    out = output_file(args.out, "scenario.toml")
    try:
        trace = read_trace(args.file, progress=True)
    except TraceFileError as e:
        raise CommandError(str(e)) from None
    obs, without, problems = observations(trace, scenario)
    if len(problems) == 1:
        raise CommandError(f"{problems[0].text(args.file)}; nothing written")
    if problems:
        raise CommandError(f"{args.file}: {len(problems)} bad rows; nothing written: "
                           f"{bad_rows(problems, args.file, args.verbose)}")
    if not obs:
        raise CommandError(f"{args.file}: no row has a duration (the optional 'duration' column); "
                           f"nothing to calibrate from")
    cal = fit(obs, scenario, without)
    text = calibrated_text(scenario, cal, Path(args.file).name)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        raise CommandError(f"cannot write {out}: {e.strerror}") from None
    if args.json:
        emit_json({**cal.to_dict(), "out": str(out)})
        return 0
    print(cal.report())
    print(f"wrote {out}")
    return 0


def cmd_table(args) -> int:
    from engine.traces.table import format_table, research_table

    store = open_records(args, create=False)
    try:
        rows = research_table(store, args.group_by)
    finally:
        store.close()
    if args.json:
        emit_json({"group_by": args.group_by, "rows": [r.to_dict() for r in rows]})
        return 0
    print(format_table(rows, args.group_by))
    return 0


def cmd_trainee(args) -> int:
    from engine.traces.trainee import fit_trainee, stored_rounds

    out = output_file(args.out, "trainee.pt")
    if args.epochs < 1:
        raise CommandError(f"--epochs must be at least 1, not {args.epochs}")
    store = open_records(args, create=False)
    try:
        if args.trainee is not None and store.find_person(args.trainee) is None:
            raise CommandError(f"no trainee named {args.trainee!r} in {store.url}")
        rounds = stored_rounds(store, args.trainee, args.scenario, progress=True)
    finally:
        store.close()
    who = args.trainee or "everyone"
    if not rounds:
        raise CommandError(f"no stored rounds of {who}" + (f" in scenario {args.scenario!r}" if args.scenario else ""))
    try:
        model = fit_trainee(rounds, epochs=args.epochs, progress=True)
    except ValueError as e:
        raise CommandError(str(e)) from None
    model.save(out)
    m = model.metrics
    if args.json:
        emit_json({**m, "trainee": args.trainee, "out": str(out)})
        return 0
    acc = ("held-out accuracy {:.1%} on {} choices of {} rounds (uniform guessing: {:.1%})".format(
        m["held_out_accuracy"], m["held_out_choices"], m["held_out_rounds"], m["held_out_chance"])
        if "held_out_accuracy" in m else "too few rounds (fewer than 5) to hold some out")
    print(f"trainee model of {who}: {m['rounds']} rounds, {m['choices']} choices; {acc}; wrote {out}")
    return 0
