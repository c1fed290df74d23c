"""The trainee app's settings, kept as a small JSON file in the user's config
folder (no Qt, so tests and commands can read them too)."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

CONDITIONS = {
    "none": "No tips",
    "fixed": "Fixed tips (written by a supervisor)",
    "mined": "Mined tips",
    "personalised": "Personalised tips",
}
CONFIG_ENV = "KITCHEN_COACH_CONFIG"


@dataclass
class Settings:
    # None: the scenario's own seconds_per_tick; 0: untimed
    seconds_per_tick: float | None = None
    condition: str = "mined"
    database: str = ""      # empty: KITCHEN_COACH_DB or the default file

    def tick_seconds(self, scenario) -> float:
        return scenario.seconds_per_tick if self.seconds_per_tick is None else float(self.seconds_per_tick)


def default_path() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    from platformdirs import user_config_dir

    return Path(user_config_dir("kitchen-coach", appauthor=False)) / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    path = path or default_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    known = {f.name for f in fields(Settings)}
    s = Settings(**{k: v for k, v in raw.items() if k in known}) if isinstance(raw, dict) else Settings()
    if s.condition not in CONDITIONS:
        s.condition = Settings.condition
    if s.seconds_per_tick is not None and (not isinstance(s.seconds_per_tick, (int, float)) or s.seconds_per_tick < 0):
        s.seconds_per_tick = None
    return s


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
    tmp.replace(path)


def database_url(cli_db: str | None, settings: Settings) -> str | None:
    """--db first, then KITCHEN_COACH_DB, then the settings; None lets the store choose its default."""
    return cli_db or os.environ.get("KITCHEN_COACH_DB") or settings.database or None


def _desk_path(path: Path | None = None) -> Path:
    return (path or default_path()).with_name("desk.json")


def remembered_supervisor(path: Path | None = None) -> str:
    """The supervisor's name last used at the desk on this machine ("" if none):
    kept beside the settings, in a file of its own, so saving the trainee's
    settings never forgets it."""
    try:
        raw = json.loads(_desk_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    name = raw.get("supervisor") if isinstance(raw, dict) else None
    return name if isinstance(name, str) else ""


def remember_supervisor(name: str, path: Path | None = None) -> None:
    target = _desk_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps({"supervisor": name}), encoding="utf-8")
        tmp.replace(target)
    except OSError:  # a nicety: a read-only config folder must not stop the desk
        pass
