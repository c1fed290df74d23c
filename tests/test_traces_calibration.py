"""Calibration: maximum-likelihood durations and slow_prob from logs."""
import io

import numpy as np
import pytest

from engine.policies import BASELINES
from engine.scenario import load_scenario, parse_scenario
from engine.traces.calibration import calibrated_text, fit, observations
from engine.traces.format import parse_trace, write_trace
from engine.traces.generate import simulate_rows

TRUE = {("Alice", "chop"): 5, ("Alice", "cook"): 7, ("Alice", "plate"): 2,
        ("Bob", "chop"): 3, ("Bob", "cook"): 4, ("Bob", "plate"): 3,
        ("Carol", "chop"): 1, ("Carol", "cook"): 3, ("Carol", "plate"): 6}


def noisy_log(seed: int, n=200, slow=0.2, slips=0.02):
    """n tasks with known durations, a slow tick with probability `slow`, and
    a few recording slips of 2 to 4 ticks."""
    rng = np.random.default_rng(seed)
    keys = list(TRUE)
    rows = []
    for i in range(n):
        w, t = keys[rng.integers(len(keys))]
        d = TRUE[(w, t)] + int(rng.random() < slow)
        if rng.random() < slips:
            d += int(rng.integers(2, 5))
        rows.append(dict(person="log", round=1 + i // 10, scenario="burger", tick=i % 10, worker=w,
                         order=i % 4, task=t, duration=d))
    buf = io.StringIO()
    write_trace(buf, rows)
    return parse_trace(buf.getvalue().encode(), "log.csv")


@pytest.mark.parametrize("seed", range(5))
def test_recovers_known_durations_within_half_a_tick(seed):
    sc = load_scenario("burger")
    obs, without, problems = observations(noisy_log(seed), sc)
    assert problems == [] and without == 0 and sum(map(len, obs.values())) == 200
    cal = fit(obs, sc)
    assert len(cal.fits) == 9
    for f in cal.fits:
        assert abs(f.estimate - TRUE[(f.worker, f.type)]) < 0.5
        assert abs(f.base_mean - TRUE[(f.worker, f.type)]) < 0.5 + 4 * f.spread / np.sqrt(f.rows)
    assert cal.slow_prob == pytest.approx(0.2, abs=0.08)


def test_clean_logs_give_no_noise_and_change_nothing():
    sc = load_scenario("burger")
    rows = simulate_rows(sc, "burger", {"a": BASELINES["random"]}, 20)
    buf = io.StringIO()
    write_trace(buf, rows)
    obs, _, _ = observations(parse_trace(buf.getvalue().encode(), "x.csv"), sc)
    cal = fit(obs, sc)
    assert cal.slow_prob == 0.0
    assert all(f.estimate == f.before and f.spread == 0 for f in cal.fits)


def test_simulator_noise_is_recovered():
    sc = load_scenario("dinner-service")  # slow_prob 0.15
    rows = simulate_rows(sc, "dinner-service", {"a": BASELINES["greedy"], "b": BASELINES["random"]}, 15)
    buf = io.StringIO()
    write_trace(buf, rows)
    obs, _, problems = observations(parse_trace(buf.getvalue().encode(), "x.csv"), sc)
    assert problems == []
    cal = fit(obs, sc)
    assert all(f.estimate == f.before for f in cal.fits)
    assert cal.slow_prob == pytest.approx(0.15, abs=0.06)


def test_calibrated_file_passes_the_scenario_check_and_keeps_the_rest():
    sc = load_scenario("burger")
    obs, _, _ = observations(noisy_log(1), sc)
    cal = fit(obs, sc)
    text = calibrated_text(sc, cal, "log.csv")
    new = parse_scenario(text, "new.toml")
    assert {(w.name, t): d for w in new.workers for t, d in w.durations.items()} == TRUE
    assert new.slow_prob == cal.slow_prob and new.name == "Burger rush (calibrated)"
    assert new.orders == sc.orders and new.recipes == sc.recipes and new.ticks == sc.ticks
    assert "# Burgers with three new workers" in text  # the original's comments survive
    assert "rows" in cal.report() and "slow_prob" in cal.report()


def test_rows_that_do_not_fit_the_scenario_are_named_by_line():
    text = ("person,round,scenario,tick,worker,order,task,duration\n"
            "a,1,burger,0,Carol,0,chop,2\na,1,burger,0,Zed,0,chop,2\na,1,burger,0,Bob,0,fry,2\n"
            "a,1,burger,0,Bob,0,cook,\n")
    obs, without, problems = observations(parse_trace(text.encode(), "x.csv"), load_scenario("burger"))
    assert [p.line for p in problems] == [3, 4] and without == 1
    assert obs == {(2, "chop"): [2]}
    with pytest.raises(ValueError, match="no row has a duration"):
        fit({}, load_scenario("burger"))
