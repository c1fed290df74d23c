"""Property-based tests of the scenario loader: whatever the input (random
bytes, random TOML-ish text, bundled scenarios with values swapped for extreme
ones, deep nesting), the answer is a Scenario or one ScenarioError line, never
another exception; and every scenario it accepts can be played a few ticks and
handed to the solver without any other exception."""
import math
import tomllib

import numpy as np
import pytest
import tomlkit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.optimum import solve
from engine.policies import BASELINES
from engine.scenario import BUNDLED_DIR, Scenario, ScenarioError, bundled_names, load_scenario, parse_scenario
from engine.simulator import Kitchen

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def loaded_or_refused(text: str) -> Scenario | None:
    try:
        sc = parse_scenario(text, "prop.toml")
    except ScenarioError as e:
        message = str(e)
        assert message.startswith("prop.toml: ") and "\n" not in message and len(message) < 2000
        return None
    assert isinstance(sc, Scenario)
    return sc


# -- any input: a Scenario or a ScenarioError ---------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("prop")


@FAST
@given(data=st.binary(max_size=3000))
def test_random_bytes(folder, data):
    path = folder / "bytes.toml"
    path.write_bytes(data)
    try:
        load_scenario(path)
    except ScenarioError as e:
        assert "\n" not in str(e)


TOML_CHARS = st.sampled_from(list('[]{}"\'=.,#\n\\ ') + list("0123456789_+-:eEinfatrulsxob")
                             + ["ticks", "name", "scenario", "workers", "orders", '"""', "'''", "\t", "\u00e9",
                                "[" * 400, "{a=" * 400, "9" * 2500, "0x" + "f" * 3000])


@FAST
@given(start=st.sampled_from(["", "x = ", "[scenario]\nticks = ", "a = [", "b = {c = "]),
       pieces=st.lists(TOML_CHARS, max_size=200))
def test_random_toml_text(start, pieces):
    loaded_or_refused(start + "".join(pieces))


@FAST
@given(prefix=st.sampled_from(["x = ", "[scenario]\nname = ", "a = [1, ", "[[", "{", ""]),
       opens=st.lists(st.sampled_from(["[", "{ a = ", "[[", "[ {b = ", '"[', "'{", "# [\n"]),
                      min_size=1, max_size=8),
       depth=st.integers(1, 100_000))
def test_deep_nesting(prefix, opens, depth):
    text = prefix + "".join(opens) * (depth // len(opens) + 1)
    loaded_or_refused(text[:1_200_000])


# -- bundled scenarios with extreme values ------------------------------------------------

EXTREME_NUMBERS = st.one_of(
    st.sampled_from([0, 1, -1, 2, 20, 21, 5000, 5001, 9999, 10_000, 10_001, 2**31, 2**32, 2**63 - 1, 2**63,
                     10**26, 10**40, -(2**63)]),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 0.5, 1.0, 1e-300, 1e26, 1e300, -1e300, 4999.5]),
)
SIMPLE = st.one_of(EXTREME_NUMBERS, st.booleans(), st.text(alphabet=st.characters(exclude_categories=("Cs",)),
                                                            max_size=30))
VALUES = st.recursive(SIMPLE, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(min_size=1, max_size=8), inner,
                                                                      max_size=3)),
                      max_leaves=8)
BUNDLED = {name: tomllib.loads((BUNDLED_DIR / f"{name}.toml").read_text()) for name in bundled_names()}


def _places(doc, prefix=()):
    """Every (path to a value) in a parsed TOML document."""
    items = doc.items() if isinstance(doc, dict) else enumerate(doc)
    for k, v in items:
        yield prefix + (k,)
        if isinstance(v, (dict, list)):
            yield from _places(v, prefix + (k,))


def _set(doc, path, value):
    for k in path[:-1]:
        doc = doc[k]
    if value is _DELETE:
        del doc[path[-1]]
    else:
        doc[path[-1]] = value


_DELETE = object()


@st.composite
def mutated_scenarios(draw):
    import copy

    name = draw(st.sampled_from(sorted(BUNDLED)))
    doc = copy.deepcopy(BUNDLED[name])
    for _ in range(draw(st.integers(1, 3))):
        places = list(_places(doc))
        numbers = [p for p in places if isinstance(_get(doc, p), (int, float))]
        # half the time a number (ticks, count, rate, a duration, ...), else any place
        path = draw(st.sampled_from(numbers if numbers and draw(st.booleans()) else places))
        value = draw(st.one_of(EXTREME_NUMBERS, EXTREME_NUMBERS, VALUES, st.just(_DELETE)))
        _set(doc, path, value)
    text = tomlkit.dumps(doc)
    if draw(st.integers(0, 9)) == 0:  # more digits than Python converts (4300): only as text
        text = text.replace("ticks = ", "ticks = " + "9" * draw(st.integers(1, 6000)), 1)
    return text


@FAST
@given(text=mutated_scenarios())
def test_bundled_scenarios_with_extreme_values(text):
    sc = loaded_or_refused(text)
    if sc is not None:  # accepted: the round can be made and played (solving is the test below)
        play_a_few_ticks(Kitchen(sc, 0), np.random.default_rng(0))


def play_a_few_ticks(k: Kitchen, rng, ticks: int = 3):
    for policy in ("random", "greedy", "dispatch"):
        s = k.initial_state()
        for _ in range(ticks):
            if s.done:
                break
            s, _ = k.step(s, BASELINES[policy](k, s, rng) if k.has_decision(s) else {})
    return s


# -- what is accepted can be played and solved --------------------------------------------

SOLVABLE = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# numbers a scenario may hold (up to its limits), so that most mutations are accepted and go on to
# play and solve; whole numbers where the file has one, any number where it has a float
WHOLE = st.one_of(st.integers(1, 12), st.sampled_from([0, 40, 200, 1000, 5000, 10_000]))
REAL = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.5, 3.0, 999.5]))


@st.composite
def acceptable_scenarios(draw):
    import copy

    name = draw(st.sampled_from(sorted(BUNDLED)))
    doc = copy.deepcopy(BUNDLED[name])
    numbers = [p for p in _places(doc) if isinstance(_get(doc, p), (int, float)) and not isinstance(
        _get(doc, p), bool)]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(numbers))
        _set(doc, path, draw(REAL if isinstance(_get(doc, path), float) else WHOLE))
    return tomlkit.dumps(doc)


def _get(doc, path):
    for k in path:
        doc = doc[k]
    return doc


@SOLVABLE
@given(text=acceptable_scenarios(), seed=st.integers(0, 2**32 - 1))
def test_accepted_scenarios_play_and_solve(text, seed):
    sc = loaded_or_refused(text)
    assume(sc is not None)
    k = Kitchen(sc, seed)
    s = play_a_few_ticks(k, np.random.default_rng(seed))
    sol = solve(k, s, time_limit=0.3, workers=2)
    assert sol.value is None or math.isfinite(sol.value)
    assert sol.bound is None or math.isfinite(sol.bound)
    assert sol.proven or sol.note
