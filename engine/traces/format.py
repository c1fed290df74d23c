"""The trace file of docs TRACES.md: CSV rows read into typed `TraceRow`s,
grouped into rounds, and written back.

Reading never stops at the first bad row: every problem is kept with its line
number and the round it belongs to, so an import can list them all and, with
--skip-bad, drop only the rounds that have one. Only a file that cannot be
read as a trace at all (no such file, not CSV, a required column missing)
raises `TraceFileError`.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED = ("person", "round", "scenario", "tick", "worker", "order", "task")
OPTIONAL = ("seed", "duration")
COLUMNS = REQUIRED + OPTIONAL

RoundKey = tuple[str, int]  # (person, round number)


class TraceFileError(ValueError):
    """A file that cannot be read as a trace; one line naming the file and why."""


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    round: RoundKey | None = None  # None: the row's round could not be told

    def text(self, file: str) -> str:
        return f"{file}, line {self.line}: {self.message}"


@dataclass(frozen=True)
class TraceRow:
    line: int
    person: str
    round: int
    scenario: str
    tick: int
    worker: str
    order: int
    task: str
    seed: int | None = None
    duration: int | None = None

    @property
    def key(self) -> RoundKey:
        return (self.person, self.round)


@dataclass
class TraceRound:
    """The rows of one person's round, in file order."""
    person: str
    number: int
    rows: list[TraceRow] = field(default_factory=list)

    @property
    def key(self) -> RoundKey:
        return (self.person, self.number)

    @property
    def first_line(self) -> int:
        return self.rows[0].line


@dataclass
class TraceFile:
    name: str                 # as the user gave it, for messages
    sha256: str               # of the file's bytes: the same file is never imported twice
    rounds: list[TraceRound]
    problems: list[Problem]

    @property
    def row_count(self) -> int:
        return sum(len(r.rows) for r in self.rounds)


def read_trace(path: str | Path) -> TraceFile:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise TraceFileError(f"{path}: file not found") from None
    except OSError as e:
        raise TraceFileError(f"{path}: cannot read the file ({e.strerror})") from None
    return parse_trace(data, str(path))


def parse_trace(data: bytes, name: str = "<trace>") -> TraceFile:
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's byte-order mark is harmless
    except UnicodeDecodeError as e:
        raise TraceFileError(f"{name}: not UTF-8 text (byte {e.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise TraceFileError(f"{name}, line 1: empty file; a trace needs a header row "
                             f"({', '.join(REQUIRED)})")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise TraceFileError(f"{name}, line 1: missing column{'s' if len(missing) > 1 else ''} "
                             f"{', '.join(missing)} (a trace needs {', '.join(REQUIRED)})")
    reader.fieldnames = header
    rounds: dict[RoundKey, TraceRound] = {}
    problems: list[Problem] = []
    for raw in reader:
        line = reader.line_num
        if not any((v or "").strip() for k, v in raw.items() if k is not None):
            continue  # a blank line, as spreadsheets leave at the end
        row, problem = _row(raw, line)
        if problem is not None:
            problems.append(problem)
            continue
        rounds.setdefault(row.key, TraceRound(row.person, row.round)).rows.append(row)
    for r in rounds.values():
        problems += _round_consistency(r)
    return TraceFile(name, hashlib.sha256(data).hexdigest(), list(rounds.values()), problems)


def _row(raw: dict, line: int) -> tuple[TraceRow | None, Problem | None]:
    get = lambda k: (raw.get(k) or "").strip()
    extra = raw.get(None)
    if extra:
        return None, Problem(line, f"{len(extra)} more value(s) than the header has columns")
    person = get("person")
    key = None
    try:
        number = _int(get("round"), "round", minimum=1)
        if person:
            key = (person, number)
        if not person:
            raise ValueError("empty person")
        values = {}
        for col in ("scenario", "worker", "task"):
            values[col] = get(col)
            if not values[col]:
                raise ValueError(f"empty {col}")
        tick = _int(get("tick"), "tick", minimum=0)
        order = _int(get("order"), "order", minimum=0)
        seed = _int(get("seed"), "seed", minimum=0) if get("seed") else None
        duration = _int(get("duration"), "duration", minimum=1) if get("duration") else None
    except ValueError as e:
        return None, Problem(line, str(e), key)
    return TraceRow(line, person, number, values["scenario"], tick, values["worker"], order,
                    values["task"], seed, duration), None


def _int(text: str, column: str, minimum: int) -> int:
    try:
        v = int(text)
    except ValueError:
        raise ValueError(f"{column} must be a whole number, not {text!r}") from None
    if v < minimum:
        raise ValueError(f"{column} must be >= {minimum}, not {v}")
    return v


def _round_consistency(r: TraceRound) -> list[Problem]:
    """A round has one scenario and one seed: a row that names another is wrong."""
    first = r.rows[0]
    odd = [row for row in r.rows[1:] if (row.scenario, row.seed) != (first.scenario, first.seed)]
    if not odd:
        return []
    row = odd[0]
    what = (f"scenario {row.scenario!r} differs from {first.scenario!r}" if row.scenario != first.scenario
            else f"seed {row.seed} differs from {first.seed}")
    more = f"; {len(odd) - 1} more row(s) of this round differ too" if len(odd) > 1 else ""
    # one problem per round: the rest of its rows would only repeat it
    return [Problem(row.line, f"{what} of line {first.line}, in the same round "
                              f"({r.person}, round {r.number}){more}", r.key)]


def write_trace(path_or_file, rows: list[dict]) -> None:
    """Write rows (dicts keyed by COLUMNS; seed and duration may be None) as a trace."""
    own = isinstance(path_or_file, (str, Path))
    f = open(path_or_file, "w", encoding="utf-8", newline="") if own else path_or_file
    try:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r[k]) for k in COLUMNS})
    finally:
        if own:
            f.close()
