"""Trace export: stored rounds written back in the TRACES.md format, so that
an exported round imports again to the very same decisions and states.

Each person's rounds are numbered 1, 2, ... in the order they were stored
(the store's history order), whether played in the app or imported; a round
without a single assignment has no row to write and is left out. A round
whose stored scenario is a bundled one, unchanged, names it (`burger`); any
other scenario (a supervisor's file, or a bundled one that has since changed)
is written beside the trace as `<key>.toml`, or `<key>-<hash>.toml` when two
texts share a key, and the rows name that file, which the importer finds
beside the trace.
"""
from __future__ import annotations

from pathlib import Path

from engine.records import replay as rp
from engine.scenario import BUNDLED_DIR, Scenario, parse_scenario
from engine.simulator import Kitchen
from engine.traces.format import write_trace
from engine.traces.generate import round_rows
from engine.progress import progress_bar


def export_trace(store, out: str | Path, trainee: str | None = None,
                 progress: bool = False) -> tuple[int, int, list[Path]]:
    """Write the trace; returns (rows, rounds, scenario files written beside it)."""
    out = Path(out)
    rows: list[dict] = []
    refs: dict[str, str] = {}          # content hash -> how the rows name the scenario
    files: dict[str, str] = {}         # file name -> scenario text to write beside the trace
    scenarios: dict[str, Scenario] = {}
    kitchens: dict[tuple[str, int], Kitchen] = {}
    numbers: dict[str, int] = {}
    rounds = 0
    stored, decisions = _stored(store, trainee)
    for rid, person, seed, key, text, h in progress_bar(stored, progress, "exporting", "round"):
        by_tick = decisions.get(rid, {})
        if not any(by_tick.values()):
            continue  # a round without a single assignment has no row to write, nor a number
        numbers[person] = number = numbers.get(person, 0) + 1
        if h not in scenarios:
            scenarios[h] = parse_scenario(text, key)  # as Store.kitchen: the key as "file name"
            refs[h] = _scenario_ref(key, text, h, files, out.parent)
        k = kitchens.get((h, seed)) or kitchens.setdefault((h, seed), Kitchen(scenarios[h], seed))
        ticks = range(max(by_tick, default=-1) + 1)
        rows += round_rows(k, [rp.decode(k, by_tick.get(t, [])) for t in ticks], person, number, refs[h])
        rounds += 1
    written = []
    for name, text in files.items():
        p = out.parent / name
        p.write_text(text, encoding="utf-8")
        written.append(p)
    write_trace(out, rows)
    return len(rows), rounds, written


def _stored(store, trainee: str | None):
    """Every round (id, person, seed, scenario key, text, content hash) in the
    store's history order (people by name, then by start), and its stored
    decisions by tick. Two queries: loading rounds one at a time took a
    minute for 8,400 rounds."""
    from sqlalchemy import select

    from engine.records.models import Decision, Person, Round, ScenarioFile, TrainingSession

    def mine(q):
        q = (q.join(TrainingSession, Round.session_id == TrainingSession.id)
             .join(Person, TrainingSession.person_id == Person.id))
        return q.where(Person.name == trainee.strip()) if trainee is not None else q

    rounds = mine(select(Round.id, Person.name, Round.seed, ScenarioFile.key, ScenarioFile.text,
                         ScenarioFile.content_hash)
                  .select_from(Round).join(ScenarioFile, Round.scenario_id == ScenarioFile.id)
                  ).order_by(Person.name, Round.started_at, Round.id)
    named = mine(select(Decision.round_id, Decision.tick, Decision.decision)
                 .join(Round, Decision.round_id == Round.id))
    with store.Session.begin() as s:
        decisions: dict[int, dict[int, list]] = {}
        for rid, tick, pairs in s.execute(named):
            decisions.setdefault(rid, {})[tick] = pairs or []
        return [tuple(r) for r in s.execute(rounds)], decisions


def _scenario_ref(key: str, text: str, content_hash: str, files: dict[str, str], folder: Path) -> str:
    bundled = BUNDLED_DIR / f"{key}.toml"
    if bundled.exists() and bundled.read_text(encoding="utf-8") == text:
        return key
    name = f"{key}.toml"
    if name in files or ((folder / name).exists() and (folder / name).read_text(encoding="utf-8") != text):
        name = f"{key}-{content_hash[:8]}.toml"
    files[name] = text
    return name
