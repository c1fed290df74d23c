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

from engine.scenario import BUNDLED_DIR
from engine.traces.format import write_trace
from engine.traces.generate import round_rows


def export_trace(store, out: str | Path, trainee: str | None = None) -> tuple[int, int, list[Path]]:
    """Write the trace; returns (rows, rounds, scenario files written beside it)."""
    out = Path(out)
    people = [store.find_person(trainee)] if trainee is not None else store.people()
    rows: list[dict] = []
    refs: dict[str, str] = {}          # content hash -> how the rows name the scenario
    files: dict[str, str] = {}         # file name -> scenario text to write beside the trace
    rounds = 0
    for person in people:
        number = 0
        for info in store.history(person):
            record = store.load_round(info.id)
            by_tick = {d.tick: d.decision for d in record.decisions}
            if not any(by_tick.values()):
                continue  # a round without a single assignment has no row to write, nor a number
            number += 1
            k = store.kitchen(info.id)
            h = k.scenario.content_hash
            if h not in refs:
                refs[h] = _scenario_ref(info.scenario, record.scenario_text, h, files, out.parent)
            ticks = range(max(by_tick, default=-1) + 1)
            rows += round_rows(k, [by_tick.get(t, {}) for t in ticks], person.name, number, refs[h])
            rounds += 1
    written = []
    for name, text in files.items():
        p = out.parent / name
        p.write_text(text, encoding="utf-8")
        written.append(p)
    write_trace(out, rows)
    return len(rows), rounds, written


def _scenario_ref(key: str, text: str, content_hash: str, files: dict[str, str], folder: Path) -> str:
    bundled = BUNDLED_DIR / f"{key}.toml"
    if bundled.exists() and bundled.read_text(encoding="utf-8") == text:
        return key
    name = f"{key}.toml"
    if name in files or ((folder / name).exists() and (folder / name).read_text(encoding="utf-8") != text):
        name = f"{key}-{content_hash[:8]}.toml"
    files[name] = text
    return name
