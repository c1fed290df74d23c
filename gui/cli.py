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

from engine.cli_support import run_command


def build_parser() -> argparse.ArgumentParser:
    from engine import commands as engine_commands

    parser = argparse.ArgumentParser(
        prog="kitchen-coach",
        description="Kitchen Coach: practise kitchen scheduling against an expert policy. "
                    "Run with no command to open the app.",
    )
    parser.add_argument("--db", help="database URL for the app (default: KITCHEN_COACH_DB or a file in your data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    engine_commands.register(sub)
    for module in ("tips.commands", "gui.commands", "gui.reports.commands"):
        if importlib.util.find_spec(module) is not None:  # a layer not built yet adds nothing
            importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        try:
            from gui.app import run_app
        except ImportError:
            parser.print_help()
            return 0
        return run_app(db=args.db)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
