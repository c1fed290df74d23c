"""The supervisor's own tips for the "fixed" condition (the control arm: the
same texts for every trainee, every round), a few per scenario.

The records database has no table for them, so they live in a small JSON file
beside the app's settings, keyed by the database URL and the scenario file's
content hash: each set of records keeps its own texts, and an edited scenario
file starts from the fallback again. The tips layer reads them for the "fixed"
condition (tips/conditions.py), so the app and `kitchen-coach tips --condition
fixed` show the same texts, and the desk's editor writes them here."""
from __future__ import annotations

import json
import os
from pathlib import Path

MAX_TIPS = 3
# The research's handcrafted tips, tested in its pilots (docs/RESEARCH.md): what
# "fixed" shows until a supervisor writes their own.
HANDCRAFTED = (
    "Prioritise cooking and chopping for the sous-chef and the chef, and plating for the server.",
    "The chef should never plate and the server should never cook: better to leave them idle.",
)


def default_path() -> Path:
    """Beside the app's settings (gui/settings.py's default_path, found the same
    way here because the tips layer cannot import gui)."""
    env = os.environ.get("KITCHEN_COACH_CONFIG")
    if env:
        return Path(env).parent / "fixed-tips.json"
    from platformdirs import user_config_dir

    return Path(user_config_dir("kitchen-coach", appauthor=False)) / "fixed-tips.json"


def _read(path: Path) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: every scenario falls back to the handcrafted tips
    return raw if isinstance(raw, dict) else {}


def _clean(texts) -> list[str]:
    return [" ".join(str(t).split()) for t in texts if str(t).strip()][:MAX_TIPS]


def load_fixed(db_url: str, scenario_hash: str, path: Path | None = None) -> list[str]:
    """The supervisor's texts for this database and scenario; [] when none are written."""
    entry = _read(path or default_path()).get(db_url, {})
    texts = entry.get(scenario_hash, []) if isinstance(entry, dict) else []
    return _clean(texts) if isinstance(texts, list) else []


def save_fixed(db_url: str, scenario_hash: str, texts, path: Path | None = None) -> list[str]:
    """Store the texts (blank lines dropped, at most MAX_TIPS); none left removes the entry."""
    path = path or default_path()
    data = _read(path)
    entry = data.get(db_url) if isinstance(data.get(db_url), dict) else {}
    kept = _clean(texts)
    if kept:
        entry[scenario_hash] = kept
    else:
        entry.pop(scenario_hash, None)
    if entry:
        data[db_url] = entry
    else:
        data.pop(db_url, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)  # a crash mid-write must not lose every supervisor's texts
    return kept


def fixed_texts(db_url: str, scenario_hash: str, path: Path | None = None) -> list[str]:
    """What the "fixed" condition shows: the supervisor's texts, else the handcrafted ones."""
    return load_fixed(db_url, scenario_hash, path) or list(HANDCRAFTED)
