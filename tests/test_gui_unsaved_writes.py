"""A write the database refuses in the middle of a round (full disk, a lock
held past the busy timeout) is kept and retried: no decision is lost, no
traceback escapes a Qt slot, and the trainee is told."""
import pytest

from engine.records.database import StoreError
from engine.records.store import open_store
from engine.scenario import load_scenario
from engine.simulator import Kitchen


class Refusing:
    """A store whose record_decision fails while `down` is set."""

    def __init__(self, store):
        self.store, self.down = store, False

    def record_decision(self, *args, **kwargs):
        if self.down:
            raise StoreError("could not save to the database: the disk is full")
        return self.store.record_decision(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.store, name)


@pytest.fixture
def session_on(qtbot, tmp_path):
    from gui.round_model import RoundModel
    from gui.round_session import RoundSession

    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    scenario = load_scenario("burger")
    rid = store.start_round(store.start_session(store.person("Ann")), scenario, 0)
    flaky = Refusing(store)
    session = RoundSession(RoundModel(Kitchen(scenario)), None, flaky, rid)
    yield session, flaky, store, rid
    store.close()


def test_a_refused_decision_is_kept_and_saved_at_the_next_tick(session_on, qtbot):
    session, flaky, store, rid = session_on
    problems = []
    session.saveProblem.connect(problems.append)
    flaky.down = True
    session.assign(0, 2)
    session.end_tick()                     # raised out of the slot before
    assert problems and "disk is full" in problems[0] and len(session.unsaved) == 1
    assert store.load_round(rid).decisions == []
    flaky.down = False
    session.end_tick()                     # next tick: the kept one goes in first, in order
    ticks = [d.tick for d in store.load_round(rid).decisions]
    assert ticks[0] == 0 and ticks == sorted(ticks) and session.unsaved == []
    assert store.load_round(rid).decisions[0].decision == {2: 0}


def test_closing_retries_what_is_kept(session_on):
    session, flaky, store, rid = session_on
    flaky.down = True
    session.assign(0, 2)
    session.end_tick()
    flaky.down = False
    session.close()
    assert session.retry_unsaved() and [d.decision for d in store.load_round(rid).decisions] == [{2: 0}]
