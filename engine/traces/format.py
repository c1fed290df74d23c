"""The trace file of docs TRACES.md: CSV rows read into typed `TraceRow`s,
grouped into rounds, and written back.

Reading never stops at the first bad row: every problem is kept with its line
number and the round it belongs to, so an import can list them all and, with
--skip-bad, drop only the rounds that have one. Only a file that cannot be
read as a trace at all (no such file, not UTF-8, a required column missing, or
CSV that cannot be split into rows) raises `TraceFileError`.

A quoted value that runs over a line end is such a file: no trace value holds
a line break, so it is a quote left open, and every line up to the next quote
would silently become part of one value. Which rounds those lines belong to
cannot be told, so --skip-bad cannot drop "only the bad rounds"; the file is
refused, naming the line where the quote opened.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.progress import progress_bar

REQUIRED = ("person", "round", "scenario", "tick", "worker", "order", "task")
OPTIONAL = ("seed", "duration")
COLUMNS = REQUIRED + OPTIONAL

RoundKey = tuple[str, int]  # (person, round number)

# A person becomes a trainee profile, whose name the records database keeps in
# 200 characters (people.name).
MAX_PERSON = 200
# Whole numbers are stored as the database's 64-bit integers (a round's seed)
# or compared with a scenario's ticks and orders, which are far smaller.
MAX_WHOLE = 2**63 - 1
_WHOLE = re.compile(r"[+-]?[0-9]{1,19}", re.ASCII)
# A task cannot take longer than a round can last: a long day's service at a
# few seconds per tick (the scenario loader's limit on `ticks`). Calibration
# searches durations up to the longest observed, so this also bounds its work.
MAX_DURATION = 10_000
# Values quoted back in messages are cut to this, so a bad 1 MB value gives one readable line.
SHOWN = 40


def shown(text: str, limit: int = SHOWN) -> str:
    """repr() of a value from a file, cut short: messages stay one readable line."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text):,} characters)"


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


def read_trace(path: str | Path, progress: bool = False) -> TraceFile:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise TraceFileError(f"{path}: file not found") from None
    except OSError as e:
        raise TraceFileError(f"{path}: cannot read the file ({e.strerror})") from None
    return parse_trace(data, str(path), progress)


def parse_trace(data: bytes, name: str = "<trace>", progress: bool = False) -> TraceFile:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise TraceFileError(f"{name}: UTF-16 text; save the trace as UTF-8 CSV")
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's byte-order mark is harmless
    except UnicodeDecodeError as e:
        raise TraceFileError(f"{name}: not UTF-8 text (byte {e.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    records = _records(reader, name)
    first = next(records, None)
    if first is None:
        raise TraceFileError(f"{name}, line 1: empty file; a trace needs a header row "
                             f"({', '.join(REQUIRED)})")
    header = [h.strip() for h in first[1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise TraceFileError(f"{name}, line {first[0]}: missing column{'s' if len(missing) > 1 else ''} "
                             f"{', '.join(missing)} (a trace needs {', '.join(REQUIRED)})")
    rounds: dict[RoundKey, TraceRound] = {}
    problems: list[Problem] = []
    with progress_bar(None, progress, "reading", "line", total=text.count("\n") + 1) as bar:
        for line, values in records:
            bar.update(line - bar.n)
            if not any(v.strip() for v in values):
                continue  # a blank line, as spreadsheets leave at the end
            row, problem = _row(dict(zip(header, values)), len(values) - len(header), line)
            if problem is not None:
                problems.append(problem)
                continue
            rounds.setdefault(row.key, TraceRound(row.person, row.round)).rows.append(row)
    for r in rounds.values():
        problems += _round_consistency(r)
    return TraceFile(name, hashlib.sha256(data).hexdigest(), list(rounds.values()), problems)


def _records(reader, name: str):
    """(line the record starts on, values) of each CSV record; TraceFileError
    for CSV that cannot be trusted past some line (module docstring)."""
    end = 0  # the last line of the previous record
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            # the csv module's only errors here: a value over its size limit (no
            # trace value comes near it) or, in strict dialects, bad quoting
            why = (f"a value longer than {csv.field_size_limit():,} characters, which no trace value is"
                   if "field larger than field limit" in str(e) else f"not CSV ({e})")
            raise TraceFileError(f"{name}, line {end + 1}: {why}; nothing read") from None
        start, end = end + 1, reader.line_num
        if not values:
            continue  # an empty line
        if end > start and any("\n" in v or "\r" in v for v in values):
            runs = f"on to line {end}" if _more(reader) else "to the end of the file"
            raise TraceFileError(f"{name}, line {start}: a quoted value runs {runs} (a closing quote "
                                 f"is missing?); {end - start + 1} lines would be read as one value, "
                                 f"so nothing is read")
        yield start, values


def _more(reader) -> bool:
    try:
        return next(reader, None) is not None
    except csv.Error:
        return True


def _row(raw: dict, extra: int, line: int) -> tuple[TraceRow | None, Problem | None]:
    get = lambda k: (raw.get(k) or "").strip()
    if extra > 0:
        return None, Problem(line, f"{extra} more value(s) than the header has columns")
    person = get("person")
    key = None
    try:
        number = _int(get("round"), "round", minimum=1)
        if not person:
            raise ValueError("empty person")
        key = (person, number)  # so that --skip-bad drops the whole round, not just this row
        if len(person) > MAX_PERSON:
            raise ValueError(f"person {shown(person)} is longer than a name can be "
                             f"(at most {MAX_PERSON} characters)")
        values = {}
        for col in ("scenario", "worker", "task"):
            values[col] = get(col)
            if not values[col]:
                raise ValueError(f"empty {col}")
        tick = _int(get("tick"), "tick", minimum=0)
        order = _int(get("order"), "order", minimum=0)
        seed = _int(get("seed"), "seed", minimum=0) if get("seed") else None
        duration = _int(get("duration"), "duration", minimum=1) if get("duration") else None
        if duration is not None and duration > MAX_DURATION:
            raise ValueError(f"duration {duration} is longer than a round can last "
                             f"(at most {MAX_DURATION:,} ticks)")
    except ValueError as e:
        return None, Problem(line, str(e), key)
    return TraceRow(line, person, number, values["scenario"], tick, values["worker"], order,
                    values["task"], seed, duration), None


def _int(text: str, column: str, minimum: int) -> int:
    # digits only (int() would also take "1_000" and other scripts' digits);
    # 19 digits hold every whole number up to MAX_WHOLE
    if not _WHOLE.fullmatch(text):
        if re.fullmatch(r"[+-]?[0-9]+", text, re.ASCII):
            raise ValueError(f"{column} {shown(text)} is too large (at most {MAX_WHOLE})")
        raise ValueError(f"{column} must be a whole number, not {shown(text)}")
    v = int(text)
    if v < minimum:
        raise ValueError(f"{column} must be >= {minimum}, not {v}")
    if v > MAX_WHOLE:
        raise ValueError(f"{column} {v} is too large (at most {MAX_WHOLE})")
    return v


def _round_consistency(r: TraceRound) -> list[Problem]:
    """A round has one scenario and one seed: a row that names another is wrong."""
    first = r.rows[0]
    odd = [row for row in r.rows[1:] if (row.scenario, row.seed) != (first.scenario, first.seed)]
    if not odd:
        return []
    row = odd[0]
    what = (f"scenario {shown(row.scenario)} differs from {shown(first.scenario)}" if row.scenario != first.scenario
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
