"""What the command-line and records tests share: running `kitchen-coach` in
the test process, an environment free of the user's own settings, and the
POSIX locks this process holds (to see a lock dropped)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from gui.cli import main


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `kitchen-coach ARGV` run in this process."""
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def isolated(tmp_path_factory, monkeypatch):
    """No supervisor password, database or tips cache from the user's environment."""
    monkeypatch.setenv("KITCHEN_COACH_CACHE", str(tmp_path_factory.getbasetemp() / "tips-cache"))
    monkeypatch.delenv("KITCHEN_COACH_SUPERVISOR_PASSWORD", raising=False)
    monkeypatch.delenv("KITCHEN_COACH_DB", raising=False)


def locked_inodes() -> list[int]:
    """Inodes this process holds POSIX locks on (Linux: /proc/locks)."""
    pid, held = str(os.getpid()), set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" not in fields and fields[1] == "POSIX" and fields[4] == pid:
            held.add(int(fields[5].rsplit(":", 1)[1]))
    return sorted(held)
