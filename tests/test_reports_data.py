"""Report figures and the CSV against the database they come from, and the
supervisor password on headless `kitchen-coach report`."""
from __future__ import annotations

import csv

import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario
from gui.cli import main
from gui.reports.data import gather
from gui.reports.sample_data import seed_trainees

OK = ("best", "good")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("reports") / "records.db"
    with open_store(str(path)) as store:
        seed_trainees(store, load_scenario("burger"), trainees=3, rounds=4, seed=11)
        seed_trainees(store, load_scenario("pasta"), names=["Trainee 01"], rounds=2, seed=12, tips=False)
    return path


def _expected(store, info):
    rec = store.load_round(info.id)
    scored = [d for d in rec.decisions if d.verdict is not None]
    return {"value": info.value, "optimum": info.optimum, "decisions": len(rec.decisions),
            "scored": len(scored), "suboptimal": sum(d.verdict not in OK for d in scored),
            "expert_value": scored[0].score["expert_value"] if scored else None,
            "tips": len(rec.tips), "regret": sum(d.regret for d in scored)}


def test_figures_equal_the_database(db):
    with open_store(str(db)) as store:
        report = gather(store)
        assert [t.name for t in report.trainees] == ["Trainee 01", "Trainee 02", "Trainee 03"]
        for t in report.trainees:
            history = store.history(store.find_person(t.name))
            assert [r.id for r in t.rounds] == [h.id for h in history]
            assert [r.number for r in t.rounds] == list(range(1, len(history) + 1))
            for row, info in zip(t.rounds, history):
                e = _expected(store, info)
                assert (row.value, row.optimum, row.decisions, row.scored, row.suboptimal, row.tips) == \
                    (e["value"], e["optimum"], e["decisions"], e["scored"], e["suboptimal"], e["tips"])
                assert row.expert_value == pytest.approx(e["expert_value"])
                assert row.total_regret == pytest.approx(e["regret"])
                if row.scored:
                    assert row.suboptimal_pct == pytest.approx(100 * e["suboptimal"] / e["scored"])
            assert t.latest.id == [h for h in history if h.finished][-1].id
            assert len(t.tips) == sum(r.tips for r in t.rounds)
        assert set(report.trainees[0].scenarios()) == {"burger", "pasta"}
        assert len(report.rounds) == 3 * 4 + 2
        one = gather(store, "Trainee 02")
        assert [t.name for t in one.trainees] == ["Trainee 02"]


def test_mistakes_count_each_costly_worker_choice(db):
    with open_store(str(db)) as store:
        report = gather(store, mistakes=10_000)
        for t in report.trainees:
            expected = 0
            for info in store.history(store.find_person(t.name)):
                for d in store.load_round(info.id).decisions:
                    if d.verdict and d.verdict not in OK:
                        expected += sum(1 for r in (d.per_worker or {}).values() if r and r > 1e-6)
            assert sum(m.count for m in t.mistakes) == expected
            assert all(m.kind == "worker" and " instead of " in m.label for m in t.mistakes)
            counts = [m.count for m in t.mistakes]
            assert counts == sorted(counts, reverse=True)
        top = gather(store, mistakes=2).trainees[0].mistakes
        assert len(top) <= 2


def test_csv_figures_equal_the_database(db, tmp_path, capsys):
    out = tmp_path / "all.csv"
    assert main(["report", "--all", "--out", str(out), "--db", str(db)]) == 0
    assert "wrote" in capsys.readouterr().out
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    with open_store(str(db)) as store:
        infos = [i for p in store.people("trainee") for i in store.history(p)]
        assert len(rows) == len(infos)
        by_id = {int(r["round"]): r for r in rows}
        for info in infos:
            row, e = by_id[info.id], _expected(store, info)
            assert row["trainee"] == info.person and row["scenario"] == info.scenario
            assert float(row["value"]) == e["value"]
            assert float(row["optimum"]) == e["optimum"]
            assert float(row["expert_value"]) == pytest.approx(e["expert_value"])
            assert (int(row["decisions"]), int(row["scored"]), int(row["suboptimal"]), int(row["tips_shown"])) == \
                (e["decisions"], e["scored"], e["suboptimal"], e["tips"])
            assert float(row["suboptimal_pct"]) == pytest.approx(100 * e["suboptimal"] / e["scored"], abs=0.006)
            assert float(row["total_regret"]) == pytest.approx(e["regret"])
    one = tmp_path / "one.csv"
    assert main(["report", "--trainee", "Trainee 03", "--out", str(one), "--db", str(db)]) == 0
    assert {r["trainee"] for r in csv.DictReader(open(one, encoding="utf-8"))} == {"Trainee 03"}


def test_report_needs_the_supervisor_password(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("KITCHEN_COACH_SUPERVISOR_PASSWORD", raising=False)
    path = tmp_path / "locked.db"
    with open_store(str(path)) as store:
        seed_trainees(store, load_scenario("burger"), trainees=1, rounds=1, seed=5, tips=False)
    out = tmp_path / "r.csv"
    # no supervisor yet: nobody to ask
    assert main(["report", "--all", "--out", str(out), "--db", str(path)]) == 0
    out.unlink()
    with open_store(str(path)) as store:
        store.set_password(store.person("Sam", "supervisor"), "kitchen-boss-1")
    capsys.readouterr()
    assert main(["report", "--all", "--out", str(out), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "supervisor password" in err and "KITCHEN_COACH_SUPERVISOR_PASSWORD" in err and len(err.splitlines()) == 1
    assert not out.exists()
    assert main(["report", "--all", "--out", str(out), "--db", str(path), "--password", "wrong-one"]) == 2
    assert "wrong" in capsys.readouterr().err and not out.exists()
    # a trainee's name is no password either
    assert main(["report", "--all", "--out", str(out), "--db", str(path), "--password", "Trainee 01"]) == 2
    assert not out.exists()
    assert main(["report", "--all", "--out", str(out), "--db", str(path), "--password", "kitchen-boss-1"]) == 0
    out.unlink()
    monkeypatch.setenv("KITCHEN_COACH_SUPERVISOR_PASSWORD", "kitchen-boss-1")
    assert main(["report", "--trainee", "Trainee 01", "--out", str(out), "--db", str(path)]) == 0
    assert out.exists()


def test_report_refuses_bad_requests(db, tmp_path, capsys):
    assert main(["report", "--trainee", "Nobody", "--out", str(tmp_path / "x.csv"), "--db", str(db)]) == 2
    assert "no trainee named 'Nobody'" in capsys.readouterr().err
    assert main(["report", "--all", "--out", str(tmp_path / "x.txt"), "--db", str(db)]) == 2
    assert "FILE.pdf or FILE.csv" in capsys.readouterr().err
    assert main(["report", "--all", "--out", str(tmp_path / "missing" / "x.csv"), "--db", str(db)]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--all", "--trainee", "Trainee 01", "--out", str(tmp_path / "x.csv"), "--db", str(db)])
    with pytest.raises(SystemExit):
        main(["report", "--out", str(tmp_path / "x.csv"), "--db", str(db)])


def test_mistakes_named_by_tip_rules_when_the_tips_cache_has_them(tmp_path, monkeypatch):
    from engine.policies import dispatch_policy
    from tips.mining import cached_mine

    class Expert:
        """The dispatch rule standing in for a trained expert with a known weights hash."""
        record = {"weights_sha256": "d" * 64}

        def __call__(self, kitchen, state, rng=None):
            return dispatch_policy(kitchen, state)

    monkeypatch.setenv("KITCHEN_COACH_CACHE", str(tmp_path / "cache"))
    scenario = load_scenario("burger")
    with open_store(str(tmp_path / "rules.db")) as store:
        seed_trainees(store, scenario, trainees=2, rounds=3, seed=41, expert=Expert())
        by_worker = gather(store, mistakes=10_000)  # nothing mined yet: by worker, and nothing mined by the report
        assert not (tmp_path / "cache" / "tips").exists() or not any((tmp_path / "cache" / "tips").iterdir())
        assert all(m.kind == "worker" for t in by_worker.trainees for m in t.mistakes)
        mined = cached_mine(scenario, Expert())
        by_rule = gather(store, mistakes=10_000)
        texts = {f"Went against: {mined.text(i)}" for i in range(len(mined.rules))}
        for w, r in zip(by_worker.trainees, by_rule.trainees):
            assert r.mistakes and all(m.kind == "rule" and m.label in texts for m in r.mistakes)
            assert sum(m.count for m in r.mistakes) == sum(m.count for m in w.mistakes)
            assert sum(m.regret for m in r.mistakes) == pytest.approx(sum(m.regret for m in w.mistakes))
