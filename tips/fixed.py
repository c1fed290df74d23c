"""The "fixed" condition's tips (the control arm: the same texts for every
trainee, every round), a few fields per scenario.

A supervisor writes them at the desk; they are kept in the records database
(engine/records/fixed_tips.py: per scenario file, per field, with author and
date), so every seat on the same database shows the same texts. A field left
empty shows the handcrafted tip for that field only. The handcrafted tips are
written per bundled scenario and name only that scenario's workers; for any
other scenario file they are worked out from its workers' speeds.

Seats used to keep the texts in a JSON file beside their settings, keyed by
the database URL: `import_legacy` copies that file's texts for this database
into the records once (fields already written there win) and removes them
from the file, so they are not imported again."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.scenario import Scenario

MAX_TIPS = 3
# The research's handcrafted tips, tested in its pilots on the three-worker
# kitchens (docs/RESEARCH.md). The simulated experiment's "fixed" arm uses them
# as a placebo (simulated trainees cannot read free text).
HANDCRAFTED = (
    "Prioritise cooking and chopping for the sous-chef and the chef, and plating for the server.",
    "The chef should never plate and the server should never cook: better to leave them idle.",
)
# per bundled scenario: (the workers it has, its tips); a file with the same
# key but other workers gets tips worked out from its own workers instead
BY_SCENARIO: dict[str, tuple[frozenset, tuple[str, ...]]] = {
    "burger": (frozenset({"Alice", "Bob", "Carol"}), (
        "Give the cooking and chopping to Carol (chef) and Bob (sous-chef), and the plating to Alice (server).",
        "Carol should never plate and Alice should never cook or chop: better to leave them idle.")),
    "dinner-service": (frozenset({"Alice", "Bob", "Carol"}), (
        "Give the cooking to Carol (chef), the chopping to Bob (sous-chef), and the plating to Alice (server).",
        "Plate each dish as soon as it is cooked: Alice (server) plates in one tick, Carol takes five.")),
    "pasta": (frozenset({"Frank", "Grace", "Hiro"}), (
        "Give the chopping and sautéing to Hiro (chef), the boiling to Grace (sous-chef), and the plating "
        "to Frank (server).",
        "Hiro should never plate and Frank should never chop, boil or sauté: better to leave them idle.")),
    "research-normal": (frozenset({"Alice", "Bob", "Carol"}), (
        "Give the cooking and chopping to Carol (chef) and Bob (sous-chef), and the plating to Alice (server).",
        "Carol should never plate and Alice should never cook: better to leave them idle.")),
    "research-disruption": (frozenset({"Alice", "Bob"}), (
        "With no chef in the kitchen, Bob (sous-chef) does the cooking; Alice (server) chops and plates.",
        "Alice should cook only when nothing else is left: she takes 13 ticks to Bob's 9.")),
    "rush": (frozenset({"Alice", "Bob", "Carol", "Dev", "Eve"}), (
        "Give the cooking to Carol (chef) and Dev (line cook), the chopping to Bob (sous-chef), and the "
        "plating to Alice (server) and Eve (runner).",
        "Carol should never plate and Eve should never cook: better to leave them idle.")),
    "taco-demo": (frozenset({"Dana", "Eli"}), (
        "Eli (chef) chops and Dana (server) assembles.",
        "Eli should not assemble while there is chopping to do: Dana assembles in one tick, Eli takes three.")),
}
GERUND = {"chop": "chopping", "cook": "cooking", "plate": "plating", "boil": "boiling", "saute": "sautéing",
          "assemble": "assembling", "bake": "baking", "fry": "frying", "grill": "grilling", "wash": "washing"}
IMPORTED_BY = "imported from fixed-tips.json"


@dataclass(frozen=True)
class Field:
    """One field as the editor shows it: the supervisor's text (None: empty),
    who wrote it and when, and the handcrafted tip it falls back to."""
    slot: int
    text: str | None
    author: str
    written_at: datetime | None
    handcrafted: str


def handcrafted(scenario: Scenario) -> list[str]:
    """This scenario's handcrafted tips, naming only its workers."""
    workers = frozenset(w.name for w in scenario.workers)
    known = BY_SCENARIO.get(scenario.key)
    if known is not None and known[0] == workers:
        return list(known[1])
    return derived(scenario)


def derived(scenario: Scenario) -> list[str]:
    """Tips for a scenario no one wrote any for: who is quickest at each kind of
    task, and the slow assignments worth avoiding, from the workers' speeds."""
    types = list(scenario.task_types)
    if not types or not scenario.workers:
        return []
    fastest = {t: min(scenario.workers, key=lambda w: w.durations[t]) for t in types}
    jobs: dict[str, list[str]] = {}
    for t in types:
        jobs.setdefault(fastest[t].label, []).append(_gerund(t))
    give = "Give " + _words([f"the {_words(j)} to {who}" for who, j in jobs.items()]) + "."
    slow = []
    for w in scenario.workers:
        bad = [_verb(t) for t in types if w.durations[t] >= 2.5 * fastest[t].durations[t] and fastest[t] is not w]
        if bad:
            slow.append(f"{w.name} should never {_words(bad, 'or')}")
    tips = [give]
    if slow:
        tips.append(" and ".join(slow[:2]) + ": better to leave them idle.")
    return tips


def _gerund(t: str) -> str:
    return GERUND.get(t, t if t.endswith("ing") else f"{t.rstrip('e')}ing")


def _verb(t: str) -> str:
    return "sauté" if t == "saute" else t


def _words(items: list[str], joiner: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def fields(store, scenario: Scenario) -> list[Field]:
    """Every field of this scenario: written or falling back to its handcrafted tip."""
    hand = handcrafted(scenario)
    written = store.fixed_tips(scenario.content_hash) if store is not None else {}
    if store is not None:
        if import_legacy(store):
            written = store.fixed_tips(scenario.content_hash)
    out = []
    for i in range(MAX_TIPS):
        w = written.get(i)
        out.append(Field(i, w.text if w else None, w.author if w else "", w.written_at if w else None,
                         hand[i] if i < len(hand) else ""))
    return out


def fixed_texts(store, scenario: Scenario) -> list[str]:
    """What the "fixed" condition shows: each field's text, else its handcrafted tip."""
    return [f.text or f.handcrafted for f in fields(store, scenario) if f.text or f.handcrafted]


def save_fixed(store, scenario: Scenario, texts, author: str = "") -> list[Field]:
    """Write the fields (one text per field, blank: empty); returns them as stored."""
    texts = list(texts)[:MAX_TIPS]
    texts += [""] * (MAX_TIPS - len(texts))
    for i, t in enumerate(texts):
        store.set_fixed_tip(scenario.content_hash, scenario.key, i, _clean(t), author)
    return fields(store, scenario)


def _clean(text) -> str:
    return " ".join(str(text or "").split())


# -- the old file, imported once ------------------------------------------------------
def legacy_path() -> Path:
    """Where earlier versions kept the texts: beside the app's settings
    (gui/settings.py's default_path, found the same way: tips cannot import gui)."""
    env = os.environ.get("KITCHEN_COACH_CONFIG")
    if env:
        return Path(env).parent / "fixed-tips.json"
    from platformdirs import user_config_dir

    return Path(user_config_dir("kitchen-coach", appauthor=False)) / "fixed-tips.json"


_imported: set[tuple[str, str]] = set()


def import_legacy(store, path: Path | None = None) -> int:
    """Copy the old file's texts for this database into the records (once:
    they are removed from the file after); returns the fields written."""
    path = path or legacy_path()
    if (store.url, str(path)) in _imported:
        return 0
    _imported.add((store.url, str(path)))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0  # no file (the usual case), or a damaged one: nothing to bring over
    entry = data.get(store.url) if isinstance(data, dict) else None
    if not isinstance(entry, dict):
        return 0
    written = 0
    for scenario_hash, texts in entry.items():
        if not isinstance(texts, list):
            continue
        kept = [_clean(t) for t in texts if _clean(t)][:MAX_TIPS]
        for i, text in enumerate(kept):
            written += store.set_fixed_tip(str(scenario_hash), "", i, text, IMPORTED_BY, only_if_empty=True)
    data.pop(store.url, None)
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # read-only config: the rows are in the records; only_if_empty keeps a re-import harmless
    return written
