"""Property tests for the trace reader and the replay (issue 11): whatever a
file holds (random bytes, random rows under the right header, a valid trace
mangled: huge values, quotes left open, NULs, other encodings, extreme
numbers), reading and replaying it gives a result or one clear
`TraceFileError`, never another exception, and every problem is one line."""
import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.policies import BASELINES
from engine.scenario import load_scenario
from engine.traces.format import COLUMNS, TraceFileError, parse_trace, write_trace
from engine.traces.generate import simulate_rows
from engine.traces.replay import ScenarioResolver, replay_file

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _valid() -> str:
    out = io.StringIO()
    rows = simulate_rows(load_scenario("taco-demo"), "taco-demo", {"ann": BASELINES["random"],
                                                                  "bob": BASELINES["greedy"]}, rounds=2)
    write_trace(out, rows)
    return out.getvalue()


VALID = _valid()


def read_and_replay(data: bytes):
    """The property: a TraceFile whose problems are one line each, or one
    TraceFileError of one line; anything else fails the test by raising."""
    try:
        trace = parse_trace(data, "t.csv")
    except TraceFileError as e:
        assert "\n" not in str(e) and "\r" not in str(e) and str(e).startswith("t.csv")
        return None
    # the folder beside the trace: an empty one, so a random scenario path finds nothing there
    good, problems = replay_file(trace, ScenarioResolver(EMPTY))
    for p in problems:
        assert p.line >= 1 and "\n" not in p.message and "\r" not in p.message
        assert len(p.message) < 1000  # a bad value is quoted short, never whole
    keys = {r.key for r in good}
    assert len(keys) == len(good) and not keys & {p.round for p in problems}
    for r in good:
        assert r.states[0] == r.kitchen.initial_state() and len(r.decisions) == len(r.states) - 1
    return good, problems


EMPTY = None


def setup_module(module):
    import tempfile

    module.EMPTY = tempfile.mkdtemp(prefix="trace-props-")


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    read_and_replay(data)


plausible = st.one_of(
    st.sampled_from(["taco-demo", "burger", "nowhere", "Dana", "Eli", "server", "chef", "chop", "cook",
                     "plate", "0", "1", "2", "-1", "ann", "bob", ""]),
    st.integers(-10, 60).map(str),
    st.sampled_from([str(2**63), str(2**63 - 1), "9" * 30, "1e9", "1.5", "0x10", "1_000", "١٢", " 3 ",
                     "nan", "inf"]),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=400),
)


@SETTINGS
@given(st.lists(st.lists(plausible, min_size=5, max_size=11), max_size=25), st.booleans())
def test_random_rows_under_the_right_header(rows, quoted):
    if quoted:  # proper CSV: every value arrives as written
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
        text = out.getvalue()
    else:  # values joined as they come: stray quotes, commas and line ends break rows
        text = ",".join(COLUMNS) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    read_and_replay(text.encode("utf-8", "surrogatepass"))


def _insert(at: float, what: str):
    return lambda text: text[:int(at * len(text))] + what + text[int(at * len(text)):]


def _drop(at: float, n: int):
    return lambda text: text[:int(at * len(text))] + text[int(at * len(text)) + n:]


def _field(line: float, column: int, value: str):
    def mutate(text: str) -> str:
        lines = text.split("\n")
        i = 1 + int(line * (len(lines) - 2))
        cells = lines[i].split(",")
        cells[column % len(cells)] = value
        lines[i] = ",".join(cells)
        return "\n".join(lines)
    return mutate


positions = st.floats(0, 1, allow_nan=False)
mutations = st.one_of(
    st.builds(_insert, positions, st.sampled_from(['"', '""', "\x00", "\r", "\n", ",", "\ufeff", "\udcff",
                                                   "\u2028", "'", "\\", "é"])),
    st.builds(_insert, positions, st.text(max_size=10)),
    st.builds(_drop, positions, st.integers(1, 40)),
    # twice, so that the values a file should never hold come up as often as the rest
    *[st.builds(_field, positions, st.integers(0, 8), st.sampled_from(
        ["x" * 200_000, "n" * 250, '"open', "9" * 25, str(2**63), "-5", "0", "1e300", "10000", "10001",
         "\x00", "", " ", '""', "s" * 5000]))] * 2,
    st.builds(_field, positions, st.integers(0, 8), plausible),
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])


@settings(SETTINGS, max_examples=150)
@given(st.lists(mutations, max_size=4), encodings)
def test_a_valid_trace_mangled(changes, encoding):
    text = VALID
    for change in changes:
        text = change(text)
    read_and_replay(text.encode(encoding, "replace"))


def test_the_valid_trace_reads_whole():
    good, problems = read_and_replay(VALID.encode())
    assert problems == [] and len(good) == 4
