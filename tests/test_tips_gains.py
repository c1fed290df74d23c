"""Frequency and gain of tips, with a scorer whose answers are known: the
arithmetic of the research's tip table, and legal re-scored decisions."""
from dataclasses import dataclass

import pytest

from engine.scenario import parse_scenario
from engine.simulator import IDLE, Kitchen
from tips.gains import PlayedRound, cell_stats, merge, replaced, situations, top_tips
from tips.mining import MinedRules
from tips.rule_list import RuleList
from tests.test_tips_vocabulary import KITCHEN


@dataclass
class Score:
    regret: float
    per_worker: dict


class KnownScorer:
    """Right answers: Alice (0) stays idle, Carol (1) chops. Alice wrong costs 2, Carol wrong 1."""

    def __init__(self):
        self.calls = 0

    def score(self, kitchen, state, decision):
        self.calls += 1
        kitchen.check(state, decision)
        pw = {}
        for w in kitchen.idle_workers(state):
            j = decision.get(w, IDLE)
            if w == 0:
                pw[w] = 0.0 if j == IDLE else 2.0
            else:
                pw[w] = 0.0 if j != IDLE and kitchen.tasks[j].type == "chop" else 1.0
        return Score(sum(pw.values()), pw)


def _mined(text=KITCHEN):
    sc = parse_scenario(text, "gains.toml")
    k = Kitchen(sc)
    m = MinedRules(sc, RuleList([], [], []), 1.0, 1.0, 0, 0, 0.0)
    v = m.vocab
    # rule 0: the server stays idle; otherwise: chop
    m.rules = RuleList([(v.index["me:server"],)], [0, v.actions.index("chop")], [])
    return sc, k, m


def test_frequency_gain_and_top_tip():
    sc, k, m = _mined()
    s = k.initial_state()
    cook0, chop0 = 1, 0
    rnd = PlayedRound(k, [(s, {0: cook0, 1: chop0})])  # Alice cooks (wrong), Carol chops (right)
    scorer = KnownScorer()
    cells = cell_stats(m, scorer, [rnd])
    by = {(c.tip.rule, c.tip.roles): c for c in cells}
    server = by[(0, ("server",))]
    chef = by[(1, ("chef",))]
    assert (server.situations, server.deviations, server.gains) == (1, 1, [2.0])
    assert server.frequency == pytest.approx(0.5) and server.gain == pytest.approx(2.0)
    assert (chef.situations, chef.deviations, chef.gains) == (1, 0, [])
    assert scorer.calls == 2  # the round's one decision, and one re-score for Alice
    top = top_tips(cells)
    assert [t.tip.key for t in top] == ["when me:server then idle"]
    assert top[0].tip.text == "When Alice (server) is free, leave Alice (server) idle"


def test_no_rescore_when_the_worker_lost_nothing():
    sc, k, m = _mined()
    s = k.initial_state()
    m.rules = RuleList([(m.vocab.index["me:chef"],)], [m.vocab.actions.index("cook"), 0], [])  # a wrong rule
    rnd = PlayedRound(k, [(s, {1: 0})])  # Carol chops: her regret is 0, so following "cook" cannot help
    scorer = KnownScorer()
    cells = cell_stats(m, scorer, [rnd])
    chef = next(c for c in cells if c.tip.roles == ("chef",))
    assert chef.deviations == 1 and chef.gains == [0.0] and scorer.calls == 1
    assert top_tips(cells) == []


def test_pooling_and_situations():
    sc, k, m = _mined()
    s = k.initial_state()
    scorer = KnownScorer()
    a = cell_stats(m, scorer, [PlayedRound(k, [(s, {0: 1, 1: 0})])])
    b = cell_stats(m, scorer, [PlayedRound(k, [(s, {1: 0})])])
    pooled = {c.tip.key: c for c in merge([a, b])}
    assert pooled["when me:server then idle"].situations == 2 and pooled["when me:server then idle"].gains == [2.0]
    assert pooled["when me:server then idle"].rounds == 2 and pooled["when me:server then idle"].saved_per_round == pytest.approx(1.0)
    st = situations(m, scorer, pooled["when me:server then idle"].tip, [PlayedRound(k, [(s, {0: 1, 1: 0})])])
    assert st.situations == 1 and st.mean_regret == pytest.approx(2.0)


def test_replaced_decision_stays_legal():
    one_order = KITCHEN.replace("count = 2", "count = 1")
    sc, k, m = _mined(one_order)
    s = k.initial_state()
    chop = m.vocab.actions.index("chop")
    d = {0: 0}                       # Alice has the only chop
    alt = replaced(m, k, s, d, 1, chop)
    assert alt == {1: 0}             # Carol takes it over; Alice is left idle
    k.check(s, alt)
    assert replaced(m, k, s, d, 1, m.vocab.actions.index("plate")) is None  # nothing to plate yet
    assert replaced(m, k, s, {0: 0, 1: 1}, 1, 0) == {0: 0}
