"""The engine thread: the board keeps handling events while a slow scoring
request runs, and answers for requests that went stale are dropped."""
import threading
import time

import pytest

from PySide6.QtCore import QTimer

from engine.scenario import load_scenario
from engine.simulator import Kitchen
from gui.board import BoardView
from gui.engine_thread import EngineClient
from tests.gui_helpers import FakeScorer, drop


class SlowScorer(FakeScorer):
    """Holds each request until the test lets it go, and notes the thread it ran on."""

    def __init__(self, scenario=None):
        super().__init__(scenario)
        self.gate = threading.Event()
        self.threads = set()

    def score(self, kitchen, state, decision):
        self.threads.add(threading.get_ident())
        self.gate.wait(5)
        return super().score(kitchen, state, decision)


@pytest.fixture
def clients():
    """Every client made in a test is shut down, its held requests let go first."""
    made = []
    yield made
    for client, scorer in made:
        if scorer is not None:
            scorer.gate.set()
        client.shutdown()
    

def make_client(qtbot, clients, scorer):
    client = EngineClient(lambda scenario: scorer)
    clients.append((client, scorer))
    client.load(load_scenario("burger"))
    qtbot.waitUntil(lambda: client.expert_ready, timeout=5000)
    return client


def test_board_stays_responsive_while_scoring(qtbot, clients):
    scorer = SlowScorer()
    client = make_client(qtbot, clients, scorer)
    kitchen = Kitchen(load_scenario("burger"))
    board = BoardView()
    qtbot.addWidget(board)
    board.set_kitchen(kitchen)
    board.render_state(kitchen.initial_state())
    answers, drops = [], []
    client.scoreReady.connect(lambda rid, score: answers.append((rid, score)))
    board.assignRequested.connect(lambda t, w: drops.append((t, w)))
    rid = client.request(kitchen, kitchen.initial_state(), {})
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    # while the request is held on the engine thread, the GUI thread handles timers and drops
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=2000)
    drop(board.lanes[0], 0)
    assert drops == [(0, 0)] and answers == []
    assert scorer.threads and threading.get_ident() not in scorer.threads
    scorer.gate.set()
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert answers[0][0] == rid and answers[0][1].regret == 2.0  # all idle where the rule works two (the server waits)
    assert time.monotonic() - started < 5
    timer.stop()


def test_stale_answers_are_dropped(qtbot, clients):
    scorer = SlowScorer()
    client = make_client(qtbot, clients, scorer)
    kitchen = Kitchen(load_scenario("burger"))
    s0 = kitchen.initial_state()
    answers = []
    client.scoreReady.connect(lambda rid, score: answers.append(rid))
    old = client.request(kitchen, s0, {})          # being scored when the round changes
    queued = client.request(kitchen, s0, {})       # not started yet: skipped, never scored
    qtbot.waitUntil(lambda: bool(scorer.threads), timeout=2000)
    client.forget_all()                             # a new round: every earlier id is stale
    new = client.request(kitchen, s0, {0: 0})
    scorer.gate.set()
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    qtbot.wait(100)
    assert answers == [new]
    assert client.dropped == 1                      # the old answer arrived and was thrown away
    assert scorer.calls == 2                        # the queued stale request was never scored
    assert not client.is_live(old) and not client.is_live(queued)


def test_missing_expert_is_reported_not_raised(qtbot, clients):
    def broken(scenario):
        raise FileNotFoundError("no shipped expert for burger")

    client = EngineClient(broken)
    clients.append((client, None))
    with qtbot.waitSignal(client.unavailable, timeout=5000) as blocker:
        client.load(load_scenario("burger"))
    assert "no shipped expert" in blocker.args[0] and client.failure


def test_leaving_a_round_stores_pending_decisions_unscored_and_drops_their_answers(qtbot, clients, tmp_path):
    from engine.records.store import open_store
    from gui.round_model import RoundModel
    from gui.round_session import RoundSession

    scorer = SlowScorer()
    client = make_client(qtbot, clients, scorer)
    scenario = load_scenario("burger")
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    rid = store.start_round(store.start_session(store.person("Ann")), scenario, 0)
    session = RoundSession(RoundModel(Kitchen(scenario)), client, store, rid)
    session.assign(0, 2)
    session.end_tick()
    assert session.pending_scores == 1
    qtbot.waitUntil(lambda: bool(scorer.threads), timeout=2000)   # the engine is working on it
    session.close()                       # the trainee leaves while the move is being scored
    record = store.load_round(rid)
    assert [d.decision for d in record.decisions] == [{2: 0}] and record.decisions[0].verdict is None
    scorer.gate.set()
    qtbot.waitUntil(lambda: client.dropped == 1, timeout=3000)   # the late answer came back and was dropped
    assert session.scored == []
    store.close()


def test_loading_another_expert_still_answers_earlier_requests(qtbot, clients):
    scorer = SlowScorer()
    client = make_client(qtbot, clients, scorer)
    kitchen = Kitchen(load_scenario("burger"))
    answers = []
    client.scoreReady.connect(lambda rid, score: answers.append(rid))
    rid = client.request(kitchen, kitchen.initial_state(), {})
    client.load(load_scenario("pasta"))   # the start screen preloads the next scenario's expert
    scorer.gate.set()
    qtbot.waitUntil(lambda: bool(answers) and client.expert_ready, timeout=5000)
    assert answers == [rid] and scorer.calls == 1


class PreparingScorer(SlowScorer):
    """Notes each state it is asked to prepare, on the thread it runs on; scores at once."""

    def __init__(self, scenario=None):
        super().__init__(scenario)
        self.gate.set()
        self.prepared = []

    def prepare(self, kitchen, state):
        self.threads.add(threading.get_ident())
        self.prepared.append(state)


def test_the_engine_prepares_the_state_on_the_board_while_the_trainee_thinks(qtbot, clients):
    from gui.round_model import RoundModel
    from gui.round_session import RoundSession

    scorer = PreparingScorer()
    client = make_client(qtbot, clients, scorer)
    model = RoundModel(Kitchen(load_scenario("burger")))
    session = RoundSession(model, client, None, None)
    qtbot.waitUntil(lambda: scorer.prepared == [model.state], timeout=3000)
    session.assign(0, 2)
    session.end_tick()
    qtbot.waitUntil(lambda: len(scorer.prepared) == 2 and scorer.calls == 1, timeout=3000)
    assert scorer.prepared[1] == model.state and scorer.prepared[0] != model.state
    assert threading.get_ident() not in scorer.threads
    session.close()


def test_a_preparation_overtaken_by_a_newer_state_is_skipped(qtbot, clients):
    scorer = SlowScorer()
    scorer.prepared = []
    scorer.prepare = lambda kitchen, state: scorer.prepared.append(state)
    client = make_client(qtbot, clients, scorer)
    kitchen = Kitchen(load_scenario("burger"))
    s0 = kitchen.initial_state()
    s1, _ = kitchen.step(s0, {})
    answers = []
    client.scoreReady.connect(lambda rid, score: answers.append(rid))
    client.request(kitchen, s0, {})       # holds the engine
    qtbot.waitUntil(lambda: bool(scorer.threads), timeout=2000)
    client.prepare(kitchen, s0)
    client.prepare(kitchen, s1)           # the board moved on before the engine got to s0
    scorer.gate.set()
    qtbot.waitUntil(lambda: bool(answers) and scorer.prepared == [s1], timeout=3000)
    client.stop_preparing()
    assert scorer.prepared == [s1]


def test_the_apps_scorer_searches_with_a_helper_that_leaves_with_the_engine(qtbot):
    # the shipped scorer on a deterministic kitchen brings a search helper
    # process; loading another scenario stops the old one, and so does shutdown
    from engine.policies import play_round, random_policy
    import numpy as np

    client = EngineClient()
    try:
        client.load(load_scenario("rush"))
        qtbot.waitUntil(lambda: client.expert_ready, timeout=30000)
        first = client.worker.scorer.helper
        assert first is not None and first.wait_ready()
        kitchen = Kitchen(load_scenario("rush"), 0)
        record = []
        play_round(kitchen, random_policy, np.random.default_rng(5), record)
        answers = []
        client.scoreReady.connect(lambda rid, score: answers.append(score))
        moves = [(s, d) for s, d in record if kitchen.has_decision(s)][:6]
        for s, d in moves:
            client.prepare(kitchen, s)
            client.request(kitchen, s, d)
        qtbot.waitUntil(lambda: len(answers) == len(moves), timeout=60000)
        client.load(load_scenario("burger"))
        qtbot.waitUntil(lambda: client.expert_ready, timeout=30000)
        assert not first.alive and client.worker.scorer.helper.alive
        second = client.worker.scorer.helper
    finally:
        client.shutdown()
    assert not second.alive
