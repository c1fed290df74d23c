"""Adherence (issue 13 item 6): for each shown tip, per decision, whether the
trainee followed it where its condition arose, decided in tips/adherence.py
from the stored decisions and tips, kept in the records (revision 0004), and
a database of the revision before upgrades to hold it."""
from sqlalchemy import text

from engine.records.database import connect, head_revision
from engine.records.store import open_store
from engine.simulator import IDLE
from tips.adherence import decision_rows, round_adherence
from tests.test_tips_conditions import SERVER_IDLE, CHEF_CHOPS, _list
from tests.test_tips_gains import _mined
from test_records_files import _first_schema_round
from test_records_store import db_url  # noqa: F401  (a fixture)

SERVER_KEY = "when me:server then idle"
COOK, CHOP = 1, 0  # order 1's cook and chop tasks


def _stored_round(store, sc, alice, shown):
    """Alice (0) does `alice` at tick 0 (IDLE follows the server tip), Carol (1) chops."""
    person = store.person("ada")
    rid = store.start_round(store.start_session(person, condition="personalised"), sc, 0)
    for key, words in shown:
        store.record_tip(rid, 0, key, words)
    store.record_decision(rid, 0, {1: CHOP} if alice == IDLE else {0: alice, 1: CHOP})
    return rid


def test_each_shown_tip_counts_where_its_condition_arose_and_whether_it_was_followed(tmp_path):
    sc, k, m = _mined()
    m = _list(m, [SERVER_IDLE, CHEF_CHOPS, "chop"])
    store = open_store(f"sqlite:///{tmp_path / 'records.db'}")
    shown = [(SERVER_KEY, "When Alice is free, leave her idle"), ("fixed:0", "Keep the pass clear")]
    went_against = _stored_round(store, sc, COOK, shown)
    followed = _stored_round(store, sc, IDLE, shown)
    (a, fixed) = round_adherence(store, went_against, m)
    assert (a.rule, a.arose, a.followed) == (SERVER_KEY, 1, 0)
    assert (fixed.arose, fixed.words()) == (0, "its situation did not come up")  # free text: nothing to check
    (b, _) = round_adherence(store, followed, m)
    assert (b.arose, b.followed, b.words()) == (1, 1, "followed 1 of 1 time it applied")
    assert store.adherence(followed) is None  # an open round may still change: not kept yet
    store.close_round(followed)
    round_adherence(store, followed, m)
    assert store.adherence(followed) == [(0, SERVER_KEY, "Alice", True)]  # one row per decision
    # kept rows are what the desk reads, with no mined list to decide them again
    assert round_adherence(store, followed, None)[0].followed == 1
    store.close()


def test_a_tip_counts_from_the_tick_it_was_shown_and_only_for_its_roles():
    sc, k, m = _mined()
    m = _list(m, [SERVER_IDLE, CHEF_CHOPS, "chop"])
    s = k.initial_state()
    steps = [(s, {0: COOK, 1: CHOP})]
    assert decision_rows(m, k, steps, [(1, SERVER_KEY)]) == []  # shown after this decision
    # the chef tip's condition holds for Carol only; she chopped, as it says
    assert decision_rows(m, k, steps, [(0, "when me:chef then chop")]) == [(0, "when me:chef then chop", "Carol", True)]


def test_a_database_of_revision_0003_is_upgraded_to_keep_adherence(db_url):  # noqa: F811
    from engine.scenario import load_scenario
    from engine.simulator import Kitchen

    engine = connect(db_url, target="0003")
    sc = load_scenario("burger")
    k = Kitchen(sc, 4)
    named = [{"worker": "Alice", "order": 0, "task": k.tasks[1].name}]
    _first_schema_round(engine, sc, 4, [(0, named)])
    engine.dispose()
    store = open_store(db_url)
    with store.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
    assert store.adherence(1) is None
    store.record_adherence(1, [(0, SERVER_KEY, "Alice", False)])
    assert store.adherence(1) == [(0, SERVER_KEY, "Alice", False)]
    assert [d.named for d in store.load_round(1).decisions] == [named]  # nothing lost in the upgrade
    store.close()
