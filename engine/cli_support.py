"""What every subcommand shares: one clear error message and an exit status,
never a traceback, for anything the user can fix; `--json` as one object on
standard output; the argparse types of numeric options, each refusing a
value out of range with one line."""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2
EXIT_STOCHASTIC = 3


class CommandError(Exception):
    """A problem the user can fix; printed as one line, exit status `code`."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.code = code


def emit_json(obj) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def run_command(args: argparse.Namespace) -> int:
    from engine.scenario import ScenarioError

    try:
        rc = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return 0 if rc is None else rc
    except BrokenPipeError:
        # `kitchen-coach ... | head -1`: the reader has gone, which is no error. The
        # recipe of Python's signal docs: point stdout at devnull so the flush at
        # interpreter exit does not fail again, and leave quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except ScenarioError as e:
        print(f"kitchen-coach: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CommandError as e:
        print(f"kitchen-coach: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("kitchen-coach: interrupted", file=sys.stderr)
        return 130


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1, refused with one clear line otherwise."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {v}")
    return v


def whole_number(low: int, high: int, what: str = ""):
    """argparse type: a whole number from `low` to `high`; `what` names the
    range in words (the message says "must be 0 to 4294967295" otherwise)."""
    def parse(text: str) -> int:
        digits = text.strip().lstrip("+-")
        if not (digits.isascii() and digits.isdigit()):
            raise argparse.ArgumentTypeError(f"not a whole number: {text[:30]!r}")
        # past any range here, and Python will not convert 4300 digits or more
        v = int(text) if len(digits) <= 30 else None
        if v is None or not low <= v <= high:
            shown = v if v is not None else f"a number of {len(digits)} digits"
            raise argparse.ArgumentTypeError(f"must be {what or f'{low} to {high}'}, not {shown}")
        return v
    parse.__name__ = "whole number"
    return parse


# A seed is what numpy's and torch's generators take everywhere: 32 bits.
seed = whole_number(0, 2**32 - 1, "a whole number from 0 to 4294967295")
seed.__name__ = "seed"
# More rounds than anyone averages over: a slip of a few zeros is refused rather than run for days.
episode_count = whole_number(1, 1_000_000, "1 to 1000000 episodes")


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(v) or v < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return v


def fraction(text: str) -> float:
    """argparse type: a number from 0 to 1."""
    v = non_negative_float(text)
    if v > 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return v


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return v


def db_argument(args: argparse.Namespace) -> str | None:
    """The database a subcommand was given: its own --db, else the top-level
    one. None means "the default"; an empty string stays empty so that the
    store refuses it instead of quietly using the default."""
    own = getattr(args, "records_db", None)
    return own if own is not None else getattr(args, "db", None)


def supervisor_password(args: argparse.Namespace) -> str | None:
    """--password, else KITCHEN_COACH_SUPERVISOR_PASSWORD."""
    import os

    from engine.records.access import PASSWORD_ENV

    return getattr(args, "password", None) or os.environ.get(PASSWORD_ENV) or None


def open_records(args: argparse.Namespace, create: bool, out=None):
    """The records store a subcommand names, or one CommandError line.
    `create` only for commands that write records (play, traces import): the
    others read, and a mistyped --db must not become a new empty database.
    `out`: the file the command will write; refused when it is the database
    itself or its -wal/-shm, since outputs are renamed over their file."""
    from engine.records.store import StoreError, open_store

    try:
        store = open_store(db_argument(args), create=create)
    except StoreError as e:
        raise CommandError(str(e)) from None
    if out is not None and store.holds(out):
        store.close()
        raise CommandError(f"{out} is the records database itself; choose another file to write")
    return store


def output_file(path: str, example: str) -> Path:
    """The file a command will write, refused in one line when it is a folder
    or its folder does not exist (a mistyped path must not create folders).
    `example`: a file name to suggest inside a folder given by mistake."""
    out = Path(path)
    if out.is_dir():
        raise CommandError(f"cannot write {out}: it is a folder; name a file such as {out / example}")
    if not out.parent.is_dir():
        raise CommandError(f"cannot write {out}: folder {out.parent} does not exist")
    return out
