"""The app's pipeline with the real MoveScorer (an untrained policy network
stands in for a shipped expert): scores come back from the engine thread,
are stored with their decisions, and the summary gets the expert's round and
the optimum."""
import pytest

torch = pytest.importorskip("torch")

from engine.expert.trained import Expert  # noqa: E402
from engine.optimum import optimal_value  # noqa: E402
from engine.expert.network import PolicyNet  # noqa: E402
from engine.policies import greedy_policy  # noqa: E402
from engine.records.store import open_store  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402
from engine.expert.scoring import MoveScorer  # noqa: E402
from engine.simulator import Kitchen  # noqa: E402
from gui.engine_thread import EngineClient  # noqa: E402
from gui.round_model import RoundModel  # noqa: E402
from gui.round_session import RoundSession  # noqa: E402


def untrained_scorer(scenario):
    torch.manual_seed(0)
    return MoveScorer(Expert(PolicyNet(hidden=8)), episodes=2)


def test_scores_are_stored_and_the_round_closed(qtbot, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    scenario = load_scenario("burger")
    engine = EngineClient(untrained_scorer)
    try:
        engine.load(scenario)
        sitting = store.start_session(store.person("Ann"), "none")
        rid = store.start_round(sitting, scenario, 0)
        model = RoundModel(Kitchen(scenario))
        session = RoundSession(model, engine, store, rid)
        lines = []
        session.feedback.connect(lambda verdict, text: lines.append((verdict, text)))
        decided = 0
        while not model.done:
            for w, j in greedy_policy(model.kitchen, model.state).items():
                assert session.assign(j, w) is None
            session.end_tick()
            decided += 1
        qtbot.waitUntil(lambda: session._closed, timeout=60000)
        record = store.load_round(rid)
        assert len(record.decisions) == decided == len(session.scored)
        assert all(d.verdict in ("best", "good", "inaccuracy", "mistake", "blunder") for d in record.decisions)
        assert all(d.score and "expert_value" in d.score for d in record.decisions)
        assert record.info.finished and record.info.value == model.value()
        best = optimal_value(scenario)
        assert record.info.optimum == best == session.benchmarks["optimum"]
        assert session.benchmarks["expert"] >= best
        assert lines and all(text.startswith("Tick ") for _, text in lines)
    finally:
        engine.shutdown()
        store.close()
