"""The installed app's version, read from the package metadata so it can never
disagree with pip: what `--version` prints and what every stored session
records."""
from __future__ import annotations


def installed_version() -> str | None:
    """None when the package is not installed (running from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kitchen-coach")
    except PackageNotFoundError:
        return None
