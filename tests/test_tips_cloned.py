"""`kitchen-coach experiment --population db`: one clone per stored trainee,
fitted to their own decisions, following tips with their own adherence; the
same JSON as the mixed population; one-line refusals."""
import json

import pytest

from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen
from gui.cli import main
from tips.trainees import Habit, SimulatedTrainee, TraineeModel


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("KITCHEN_COACH_CACHE", str(tmp_path_factory.getbasetemp() / "tips-cache"))
    monkeypatch.setenv("KITCHEN_COACH_CONFIG", str(tmp_path_factory.getbasetemp() / "config" / "settings.json"))


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """Two trainees with opposite habits, two rounds each, and an empty database."""
    from engine.records.store import open_store

    from tips.coach import expert_for, rules_for
    from tips.gains import mined_tips

    sc = load_scenario("burger")
    # a tip of the list that says to leave someone idle: the trainee with no habit about it follows it often
    tip = next(t for t in mined_tips(rules_for(sc, expert_for(sc, progress=False))) if t.key.endswith("then idle"))
    folder = tmp_path_factory.mktemp("cloned")
    db = f"sqlite:///{folder / 'records.db'}"
    with open_store(db) as store:
        for name, habit in (("ann", Habit("server", "cook", 6.0)), ("bo", Habit("chef", "plate", 6.0))):
            person = store.person(name)
            session = store.start_session(person, condition="none")
            t = SimulatedTrainee(name, sc, TraineeModel(habits=(habit,), tau=0.2), seed=3)
            for _ in range(2):
                rid = store.start_round(session, sc, 0)
                if name == "ann":  # shown a tip: her adherence comes from it
                    store.record_tip(rid, 0, tip.key, tip.text)
                for s, d in t.play(Kitchen(sc)):
                    store.record_decision(rid, s.tick, d)
                store.finish_round(rid)
    empty = f"sqlite:///{folder / 'empty.db'}"
    open_store(empty).close()
    return sc, db, empty


def _share(trainee, sc, role, task_type, rounds=3, tips=()):
    """How often a free worker of `role` with a `task_type` task open took one."""
    took = arose = 0
    for _ in range(rounds):
        k = Kitchen(sc)
        for s, d in trainee.play(k, tips):
            for w in k.idle_workers(s):
                if k.workers[w].role == role and any(k.tasks[j].type == task_type for j in k.for_worker(w, k.open_tasks(s))):
                    arose += 1
                    j = d.get(w, IDLE)
                    took += j != IDLE and k.tasks[j].type == task_type
    return took / arose


def test_clones_decide_as_their_person_and_follow_tips(records):
    from engine.records.store import open_store
    from tips.cloned import cloned_population, people_to_clone
    from tips.coach import expert_for, rules_for

    sc, db, _ = records
    mined = rules_for(sc, expert_for(sc, progress=False))
    with open_store(db) as store:
        clones = cloned_population(store, sc, mined, 1, people_to_clone(store, sc))
    assert [c.name for c in clones] == ["ann", "bo"]
    ann, bo = clones
    assert bo.follow == pytest.approx(0.5)  # never shown a tip: the prior's half
    with open_store(db) as store:
        rounds = [i for i in store.history(store.find_person("ann"))]
        from tips.adherence import round_adherence

        rows = [a for i in rounds for a in round_adherence(store, i.id, mined, keep=False)]
        assert all(store.adherence(i.id) is None for i in rounds), "cloning only reads the records"
    followed, arose = sum(a.followed for a in rows), sum(a.arose for a in rows)
    assert arose > 0 and ann.follow == pytest.approx((followed + 1) / (arose + 2))
    # each clone keeps its own person's habit, not the other's
    assert _share(ann, sc, "server", "cook") > _share(bo, sc, "server", "cook") + 0.2
    assert _share(bo, sc, "chef", "plate") > _share(ann, sc, "chef", "plate") + 0.2

    class ServerIdle:  # a tip whose condition always holds for the server
        def holds(self, kitchen, state, worker):
            return kitchen.workers[worker].role == "server"

        def choice(self, kitchen, state, worker, taken=()):
            return IDLE

    ann.follow = 1.0
    assert _share(ann, sc, "server", "cook", tips=[ServerIdle()]) == 0.0


def test_experiment_with_a_cloned_population(records, capsys):
    sc, db, empty = records
    assert main(["experiment", "burger", "--trainees", "5", "--rounds", "2", "--population", "db",
                 "--db", db, "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["trainees"] == 2 and out["rounds"] == 2 and out["habits"] == []
    assert set(out["conditions"]) == {"none", "fixed", "mined", "personalised"}
    for rows in out["conditions"].values():
        assert len(rows["suboptimal_pct"]) == 2 and len(rows["tips_shown"][0]) == 2
    assert out["conditions"]["none"]["tips_shown"][0] == [[], []]


@pytest.mark.parametrize("argv, says", [
    (["--population", "db", "--db", "{empty}"], "no trainee in the records has decisions on burger"),
    (["--db", "{db}"], "--db is for --population db"),
    (["--population", "db", "--db", "sqlite:////nonexistent/dir/x.db"], "no database"),
])
def test_refusals_are_one_line(records, capsys, argv, says):
    sc, db, empty = records
    argv = [a.format(db=db, empty=empty) for a in argv]
    assert main(["experiment", "burger", "--trainees", "2", "--rounds", "1", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0], err
