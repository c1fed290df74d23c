"""`kitchen-coach study new|status|export`: a researcher's study on the records
database (engine/records/studies.py; the export in study_export.py). The
app's "Join a study" takes the codes printed here."""
from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli_support import CommandError, emit_json, open_records, seed, supervisor_password, whole_number
from engine.records.studies import MAX_PARTICIPANTS, NAME_LENGTH

# the tip conditions (tips/conditions.py knows what each shows; the engine may not import it)
CONDITIONS = ("none", "fixed", "mined", "personalised")
DEFAULT_SEQUENCE = ("taco-demo", "burger", "pasta")
DEFAULT_CONSENT = (
    "You are invited to take part in a study of how people learn to run a kitchen. You will play a few "
    "rounds of a scheduling game; some rounds may show tips. What you do in the game is recorded under a "
    "code, never under your name. Taking part is voluntary: you may stop at any time. If you do not agree, "
    "nothing about you is stored.")
DB_HELP = "database URL or file (default: KITCHEN_COACH_DB or a file in your data folder)"
PASSWORD_HELP = ("the supervisor password (or set KITCHEN_COACH_SUPERVISOR_PASSWORD); "
                 "not needed while the database has no supervisor")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("study", help="a study for researchers: participant codes, consent, locked conditions")
    ssub = p.add_subparsers(dest="study_command", metavar="ACTION", required=True)

    n = ssub.add_parser("new", help="create a study and print its participant codes")
    n.add_argument("name")
    n.add_argument("--conditions", required=True, metavar="A,B,...",
                   help=f"the arms, from: {', '.join(CONDITIONS)}")
    n.add_argument("--participants", type=whole_number(1, MAX_PARTICIPANTS, f"1 to {MAX_PARTICIPANTS} participants"),
                   required=True, metavar="N")
    n.add_argument("--seed", type=seed, required=True, help="seed of the balanced allocation list")
    n.add_argument("--sequence", metavar="A,B,...",
                   help=f"scenarios every participant plays, in order (default: {','.join(DEFAULT_SEQUENCE)})")
    n.add_argument("--post-test", metavar="SCENARIO", help="a last round played without tips")
    n.add_argument("--consent", metavar="FILE", help="the consent text shown before joining (UTF-8 text)")
    _common(n)
    n.set_defaults(func=cmd_new)

    s = ssub.add_parser("status", help="who started, finished or dropped out")
    s.add_argument("name")
    _common(s)
    s.set_defaults(func=cmd_status)

    e = ssub.add_parser("export", help="write events.csv, participants.csv and codebook.md")
    e.add_argument("name")
    e.add_argument("--out", required=True, metavar="DIR", help="folder for the three files (made if missing)")
    _common(e)
    e.set_defaults(func=cmd_export)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", dest="records_db", metavar="URL", help=DB_HELP)
    p.add_argument("--password", help=PASSWORD_HELP)
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")


def _names(text: str, what: str) -> list[str]:
    items = [t.strip() for t in (text or "").split(",") if t.strip()]
    if not items:
        raise CommandError(f"{what}: give one or more names separated by commas")
    return items


def _scenario(key: str) -> str:
    from engine.scenario import ScenarioError, load_scenario

    try:
        load_scenario(key)
    except ScenarioError as e:
        raise CommandError(f"scenario {key!r}: {e}") from None
    return key


def _gate(store, args, what: str) -> None:
    from engine.records.access import supervisor_gate
    from engine.records.database import StoreError

    try:
        supervisor_gate(store, supervisor_password(args), what)
    except StoreError as e:
        store.close()
        raise CommandError(str(e)) from None


def _study(store, name: str):
    study = store.study(name)
    if study is None:
        known = ", ".join(s.name for s in store.studies()) or "none yet"
        store.close()
        raise CommandError(f"no study named {name!r} in {store.url} (studies: {known})")
    return study


def cmd_new(args) -> int:
    from engine.records.database import StoreError

    if not args.name.strip() or len(args.name.strip()) > NAME_LENGTH:
        raise CommandError(f"a study needs a name of 1 to {NAME_LENGTH} characters")
    conditions = _names(args.conditions, "--conditions")
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        raise CommandError(f"unknown condition {unknown[0]!r}: each of {', '.join(CONDITIONS)}")
    if len(set(conditions)) != len(conditions):
        raise CommandError("--conditions names a condition twice")
    sequence = [_scenario(k) for k in _names(args.sequence, "--sequence")] if args.sequence is not None \
        else list(DEFAULT_SEQUENCE)
    post_test = _scenario(args.post_test.strip()) if args.post_test else None
    consent = DEFAULT_CONSENT
    if args.consent is not None:
        try:
            consent = Path(args.consent).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"cannot read the consent text {args.consent}: "
                               f"{getattr(e, 'strerror', None) or e}") from None
        if not consent:
            raise CommandError(f"the consent text {args.consent} is empty")
    store = open_records(args, create=True)
    try:
        _gate(store, args, "creating a study")
        try:
            study, people = store.create_study(args.name, conditions, args.participants, args.seed, sequence,
                                               post_test, consent)
        except StoreError as e:
            raise CommandError(str(e)) from None
    finally:
        store.close()
    counts = {c: sum(p.condition == c for p in people) for c in study.conditions}
    if args.json:
        emit_json({"study": study.name, "participants": len(people), "seed": study.seed,
                   "conditions": list(study.conditions), "sequence": list(study.sequence),
                   "post_test": study.post_test, "per_condition": counts,
                   "codes": [{"code": p.code, "condition": p.condition} for p in people], "db": store.url})
        return 0
    print(f"study {study.name}: {len(people)} participant codes over {', '.join(study.conditions)} "
          f"({', '.join(f'{c} {n}' for c, n in counts.items())}); sequence {', '.join(study.sequence)}"
          + (f", post-test {study.post_test}" if study.post_test else "") + f"; stored in {store.url}")
    print("Give each participant one code; they enter it under 'Join a study' on the app's start screen.")
    for p in people:
        print(f"  {p.slot + 1:>4}  {p.code}  {p.condition}")
    return 0


def cmd_status(args) -> int:
    store = open_records(args, create=False)
    try:
        _gate(store, args, "a study's status")
        study = _study(store, args.name)
        progress = store.study_progress(study)
    finally:
        store.close()
    from engine.records.studies import STATUSES

    counts = {s: sum(p.status == s for p in progress) for s in STATUSES}
    rows = [{"code": p.participant.code, "condition": p.participant.condition, "status": p.status,
             "finished": p.finished, "rounds": len(study.plan), "abandoned": p.abandoned,
             "unfinished": p.unfinished,
             "last_activity": p.last_activity.isoformat(timespec="seconds") + "Z" if p.last_activity else None}
            for p in progress]
    if args.json:
        emit_json({"study": study.name, "participants": rows, "counts": counts,
                   "plan": list(study.plan), "db": store.url})
        return 0
    print(f"study {study.name}: " + ", ".join(f"{n} {s}" for s, n in counts.items())
          + f" (plan: {', '.join(study.plan)})")
    for r in rows:
        print(f"  {r['code']}  {r['condition']:<12}  {r['status']:<11}  {r['finished']}/{r['rounds']} rounds"
              + (f", {r['abandoned']} abandoned" if r["abandoned"] else "")
              + (f"  last {r['last_activity']}" if r["last_activity"] else ""))
    return 0


def cmd_export(args) -> int:
    from engine.records.study_export import write_study

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CommandError(f"cannot write into {out}: it is a file; name a folder")
    if not out.parent.is_dir():
        raise CommandError(f"cannot make {out}: folder {out.parent} does not exist")
    store = open_records(args, create=False)
    try:
        if any(store.holds(out / f) for f in ("events.csv", "participants.csv", "codebook.md")):
            raise CommandError(f"{out} holds the records database; choose another folder")
        _gate(store, args, "a study's export")
        study = _study(store, args.name)
        try:
            done = write_study(store, study, out)
        except OSError as e:
            raise CommandError(f"cannot write into {out}: {e.strerror or e}") from None
    finally:
        store.close()
    if args.json:
        emit_json({"study": study.name, "out": str(out), **done, "db": store.url})
        return 0
    print(f"study {study.name}: wrote {done['events']} event(s) and {done['participants']} participant(s) "
          f"to {out} ({', '.join(done['files'])})")
    return 0
