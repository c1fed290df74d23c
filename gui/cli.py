"""`kitchen-coach`: the one console script.

Each layer registers its own subcommands (engine: solve, simulate, scenario,
train, evaluate, play, export; tips: tips, experiment; gui: report), and this
module, which may import every layer, puts them together. With no subcommand
the trainee app opens. Nothing here imports Qt or torch at start-up, so the
command line stays quick.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from engine.cli_support import EXIT_BAD_INPUT, run_command


class Parser(argparse.ArgumentParser):
    """argparse, except that a usage error is one line like every other error
    (argparse would print the whole usage first), pointing to --help instead."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {' '.join(message.split())} (see {self.prog} --help)\n")


def package_version() -> str:
    """The installed package's version, so it can never disagree with pip."""
    from engine.app_version import installed_version

    return installed_version() or "(not installed: run scripts/setup)"


class _Version(argparse.Action):
    """--version, read from the package metadata only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"kitchen-coach {package_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    from engine import commands as engine_commands

    parser = Parser(
        prog="kitchen-coach",
        description="Kitchen Coach: practise kitchen scheduling against an expert policy. "
                    "Run with no command to open the app.",
    )
    parser.add_argument("--version", action=_Version, help="print the version and stop")
    parser.add_argument("--db", help="database URL for the app (default: KITCHEN_COACH_DB or a file in your data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")  # subparsers inherit Parser
    engine_commands.register(sub)
    for module in ("tips.commands", "gui.commands", "gui.reports.commands"):
        if importlib.util.find_spec(module) is not None:  # a layer not built yet adds nothing
            importlib.import_module(module).register(sub)
    return parser


def open_app(args: argparse.Namespace) -> int:
    from engine.cli_support import CommandError
    from engine.records.database import StoreError, resolve_url

    if args.db is not None:
        try:
            resolve_url(args.db)  # an empty --db is a mistake, refused here as on every command
        except StoreError as e:
            raise CommandError(str(e)) from None
    from gui.app import run_app

    return run_app(db=args.db)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        if importlib.util.find_spec("gui.app") is None:
            parser.print_help()
            return 0
        args.func = open_app  # through run_command, so "no display" is one line like any error
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
