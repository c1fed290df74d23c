"""Commands of the gui layer: `screenshots`. Nothing here imports Qt until
the command runs."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from engine.cli_support import CommandError, emit_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screenshots", help="grab the start screen, a round and its summary (1280x800, under Xvfb)")
    p.add_argument("--out", required=True, help="folder for start.png, round.png and summary.png")
    p.add_argument("--scenario", default="burger", help="bundled scenario to play (default: burger)")
    p.add_argument("--json", action="store_true", help="print the files written as one JSON object")
    p.set_defaults(func=cmd_screenshots)


def cmd_screenshots(args) -> int:
    from engine.scenario import load_scenario
    from gui.xserver import Xvfb, XvfbMissing

    load_scenario(args.scenario)  # a wrong name is one clear line, before any X server starts
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CommandError(f"cannot create {out}: {e.strerror}") from None
    try:
        xvfb = Xvfb(1280, 800)
    except XvfbMissing as e:
        raise CommandError(str(e)) from None
    with xvfb:
        # a fresh process, so Qt starts on the new display with the xcb platform
        try:
            run = subprocess.run([sys.executable, "-m", "gui.screenshots", str(out), args.scenario],
                                 env=xvfb.env(), capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            raise CommandError("the screenshot run did not finish within 10 minutes", 1) from None
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        raise CommandError(f"the screenshot run failed: {last}", 1)
    files = [line for line in run.stdout.splitlines() if line.strip()]  # one path a line; paths may hold spaces
    if args.json:
        emit_json({"files": files, "scenario": args.scenario})
    else:
        for line in files:
            print(line)
    return 0
