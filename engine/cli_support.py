"""What every subcommand shares: one clear error message and an exit status,
never a traceback, for anything the user can fix; `--json` as one object on
standard output."""
from __future__ import annotations

import argparse
import json
import math
import sys

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
        return 0 if rc is None else rc
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
