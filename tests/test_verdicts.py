"""Verdict accuracy (engine/expert/verdicts.py, `evaluate --verdicts`): the scorer's
verdicts judged by the exact regret, counted right."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

pytest.importorskip("engine.optimum")

from engine.exact_regret import Optima  # noqa: E402
from engine.scenario import load_scenario, parse_scenario  # noqa: E402
from engine.expert.scoring import Thresholds  # noqa: E402
from engine.simulator import IDLE, Kitchen  # noqa: E402
from engine.expert.verdicts import Drawn, draw_decisions, measure  # noqa: E402
from gui.cli import main  # noqa: E402

# One chop: Fast takes 1 tick, Slow 5. From the start the optimum is 1 turn,
# so giving it to Slow costs 4 turns, leaving both idle 1, Fast 0.
ONE_CHOP = """
[scenario]
name = "One chop"
ticks = 10
objective = "makespan"

[[workers]]
name = "Fast"
role = "chef"
chop = 1

[[workers]]
name = "Slow"
role = "server"
chop = 5

[recipes.salad]
tasks = ["chop"]
reward = 10

[[orders]]
dish = "salad"
at = 0
"""


class Says:
    """A scorer that gives every decision the same regret."""

    def __init__(self, regret: float):
        self.regret, self.thresholds = regret, None

    def score(self, kitchen, state, decision):
        return SimpleNamespace(regret=self.regret, verdict=Thresholds().verdict(self.regret))


class Exact:
    """A scorer that knows the true regret."""

    def __init__(self):
        self.optima, self.thresholds = Optima(10), None

    def score(self, kitchen, state, decision):
        r = self.optima.regret(kitchen, state, decision)
        return SimpleNamespace(regret=r, verdict=Thresholds.for_scenario(kitchen.scenario).verdict(r))


@pytest.fixture(scope="module")
def one_chop():
    sc = parse_scenario(ONE_CHOP, "one-chop.toml")
    s = Kitchen(sc).initial_state()
    return sc, [Drawn(s, {1: 0}, "hand"), Drawn(s, {}, "hand"), Drawn(s, {0: 0, 1: IDLE}, "hand")]


def test_regrets_known_by_construction_are_counted_right(one_chop):
    sc, drawn = one_chop
    blunders = measure(sc, Says(4.0), drawn=drawn, progress=False)
    assert [j.exact_regret for j in blunders.judged] == [4, 1, 0]
    assert [j.exact_verdict for j in blunders.judged] == ["blunder", "inaccuracy", "best"]
    s = blunders.summary
    assert s["decisions"] == 3 and s["agreement"] == pytest.approx(1 / 3)
    assert s["blunder_precision"] == pytest.approx(1 / 3)  # only Slow's chop truly costs >= 2 turns
    assert s["false_best"] == 0
    assert s["mean_regret"] == {"scorer": 4.0, "exact": pytest.approx(5 / 3)}
    best = measure(sc, Says(0.0), drawn=drawn, progress=False).summary
    assert best["blunder_precision"] is None and best["false_best"] == pytest.approx(1 / 3)
    assert best["agreement"] == pytest.approx(1 / 3)


def test_an_exact_scorer_agrees_everywhere_and_the_witness_changes_no_regret():
    sc = load_scenario("burger")
    k = Kitchen(sc)
    drawn = [d for d, _ in zip(draw_decisions(k, seed=3), range(40))]
    assert {d.source for d in drawn} == {"trainee", "random"}
    exact = measure(sc, Exact(), drawn=drawn, progress=False)
    assert exact.summary["agreement"] == 1.0 and exact.summary["false_best"] == 0
    assert exact.summary["blunder_precision"] in (None, 1.0)
    # a witness that reaches the optimum before a decision proves that decision
    # costs nothing; one that plays badly (stops at the horizon) proves nothing
    from engine.expert.trained import shipped_expert
    expert = shipped_expert(sc)
    for witness in (expert.finisher.value, lambda kitchen, state: float(sc.ticks)):
        optima = Optima(10)
        again = measure(sc, Says(0.0), drawn=drawn, optima=optima, witness=witness, progress=False)
        assert [j.exact_regret for j in again.judged] == [j.exact_regret for j in exact.judged]
    assert optima.solves > 0


def test_evaluate_verdicts_json_and_refusals(capsys):
    assert main(["evaluate", "taco-demo", "--verdicts", "--decisions", "12", "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(out) == {"scenario", "decisions", "agreement", "blunder_precision", "false_best", "mean_regret"}
    assert out["scenario"] == "taco-demo" and out["decisions"] == 12
    assert set(out["mean_regret"]) == {"scorer", "exact"} and 0 <= out["agreement"] <= 1
    assert main(["evaluate", "dinner-service", "--verdicts", "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "stochastic" in err


def test_the_shipped_scorer_agrees_with_the_exact_regret_on_burger():
    """The product property itself, on few decisions: the default scorer's
    verdicts on decisions people make match the exact ones (the expert's
    play-out alone agreed on 92 % of burger decisions; benchmarks/verdicts.py)."""
    from engine.expert.trained import shipped_expert
    from engine.expert.scoring import MoveScorer
    sc = load_scenario("burger")
    expert = shipped_expert(sc)
    s = measure(sc, MoveScorer(expert), decisions=120, seed=5, witness=expert.finisher.value, progress=False).summary
    assert s["agreement"] >= 0.95 and s["false_best"] <= 0.01
