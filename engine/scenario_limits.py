"""What a kitchen can be: the largest scenario the loader accepts.

Without limits a scenario file could ask for 10^26 ticks, a billion orders or
brackets nested 100,000 deep, and the loader would say "ok" while the
simulator, the solver or the parser itself then failed with a traceback (or
ran out of memory). Each limit below is chosen from what a real kitchen round
can be, well above every bundled scenario, and is stated in GAME.md's words
when a file breaks it.

The checks on the raw text (`check_text`) run before the TOML parser sees it:
a file too large to be a kitchen, brackets nested too deep (the standard
library's parser recurses once per level) and numbers with absurdly many
digits (Python refuses to convert more than 4300 decimal digits) are refused
there; `TableReader`'s typed getters hold each value to its limit.
"""
from __future__ import annotations

import math
import re
from typing import NoReturn

# A scenario is a page of TOML (the bundled ones are about 1 kB); even one
# [[orders]] table per order for the most orders below stays far under this.
MAX_FILE_BYTES = 1_000_000
# [[orders]] is two levels and `after = { plate = ["chop"] }` is two; ten is generous.
MAX_NESTING = 10
# Longest bare value (number, date, key) in the text; a date-time is about 35 characters.
MAX_WORD = 40
# A long day's service at a few seconds per tick; the research rounds have 40 to 60.
MAX_TICKS = 10_000
# "A kitchen has a few workers."
MAX_WORKERS = 20
MAX_RECIPES = 100
# A dish is a small set of tasks.
MAX_TASKS_PER_RECIPE = 20
# Fixed orders and the expected number of random arrivals together.
MAX_ORDERS = 5_000
MAX_ARRIVALS = 100               # [[arrivals]] entries
MAX_REWARD = 10_000              # points per dish, either sign
MAX_WAIT_COST = 1_000            # points per tick an order waits
MAX_NAME = 200                   # characters in a name (scenario, worker, role, dish, task)

# One token of TOML as far as nesting and number length go: strings and
# comments (whose brackets and digits do not count), brackets, bare words.
# Multi-line strings may end with one or two extra quotes, as in TOML.
_TOKEN = re.compile(r'''
    (?P<skip>[ \t\r\n=,]++)
  | (?P<comment>\#[^\n]*+)
  | (?P<mlbasic>"""(?:[^"\\]|\\[\s\S]|"(?!""))*+(?:"""(?:""?)?)?)
  | (?P<mlliteral>\'\'\'(?:[\s\S]*?\'\'\'(?:\'\'?)?|[\s\S]*+))
  | (?P<basic>"(?:[^"\\\n]|\\.)*+"?)
  | (?P<literal>\'[^\'\n]*+\'?)
  | (?P<open>[\[{])
  | (?P<close>[\]}])
  | (?P<word>[A-Za-z0-9_+\-.:]++)
  | (?P<other>[\s\S])
''', re.VERBOSE)


def text_problem(text: str) -> tuple[str, str] | None:
    """(place, problem) if the raw text is beyond what a scenario can be, else None.
    Runs before parsing, so the parser never meets such a text."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        return "", (f"{size:,} bytes is too large to be a kitchen scenario "
                    f"(a scenario file has at most {MAX_FILE_BYTES:,} bytes)")
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                return _line_of(text, m.start()), (f"brackets nested more than {MAX_NESTING} deep "
                                                   "(a scenario needs two or three)")
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and len(m.group()) > MAX_WORD and m.group()[0] in "0123456789+-.":
            return _line_of(text, m.start()), (f"a number of {len(m.group()):,} characters "
                                               f"(numbers in a scenario have at most {MAX_WORD})")
    return None


def _line_of(text: str, pos: int) -> str:
    return f"line {text.count(chr(10), 0, pos) + 1}"


def shown(v) -> str:
    """A value as an error message may quote it: short, on one line, and
    never a conversion of a number too long to print."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        if v.bit_length() > 200:
            return f"a whole number of about {int(v.bit_length() * 0.30103) + 1} digits"
        return str(v)
    if isinstance(v, float):
        return repr(v)
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def one_line(text: str, limit: int = 600) -> str:
    """Control characters escaped (a quoted key may hold a newline) and an
    overlong part cut, so that every error stays one readable line."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


class TableReader:
    """Typed getters for the tables of a scenario file, each refusing a value
    of the wrong kind or beyond its limit through `fail` (the parser raises
    ScenarioError there)."""

    def fail(self, place: str, problem: str) -> NoReturn:
        raise NotImplementedError

    def _int(self, table: dict, key: str, place: str, default=None, minimum=None, maximum=None,
             limit: str = ""):
        """A whole number (a TOML float such as 1e26 is not one); `limit`
        says in the game's words why it cannot exceed `maximum`."""
        if key not in table:
            if default is None:
                self.fail(place, f"missing required key '{key}'")
            return default
        v = table[key]
        if isinstance(v, bool) or not isinstance(v, int):
            self.fail(f"{place}.{key}", f"must be a whole number, not {shown(v)}")
        if minimum is not None and v < minimum:
            self.fail(f"{place}.{key}", f"must be >= {minimum}, not {shown(v)}")
        if maximum is not None and v > maximum:
            self.fail(f"{place}.{key}", f"{limit or f'must be at most {maximum}'}, not {shown(v)}")
        return v

    def _num(self, table: dict, key: str, place: str, default, lo=None, hi=None):
        v = table.get(key, default)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            self.fail(f"{place}.{key}", f"must be a number, not {shown(v)}")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            self.fail(f"{place}.{key}", f"must be between {lo} and {hi}, not {shown(v)}")
        return v

    def _str(self, table: dict, key: str, place: str, default=None):
        if key not in table:
            if default is None:
                self.fail(place, f"missing required key '{key}'")
            return default
        v = table[key]
        if not isinstance(v, str) or not v.strip():
            self.fail(f"{place}.{key}", f"must be a non-empty text, not {shown(v)}")
        self._name_length(f"{place}.{key}", v)
        return v

    def _name_length(self, place: str, name: str):
        """Names are shown to people and in one-line messages: short, one line."""
        if len(name) > MAX_NAME:
            self.fail(place, f"a name has at most {MAX_NAME} characters, not {len(name):,}")
        if not name.isprintable():
            self.fail(place, f"a name is one line of text without control characters, not {shown(name)}")

    def _keys(self, table, allowed: set[str], place: str):
        if not isinstance(table, dict):
            self.fail(place, "must be a table")
        for k in table:
            if k not in allowed:
                self.fail(f"{place}.{k}", f"unknown key '{k}' (allowed: {', '.join(sorted(allowed))})")

    def _array_of_tables(self, doc: dict, key: str) -> list[dict]:
        v = doc.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            self.fail(key, f"must be an array of tables ([[{key}]])")
        return v

