"""Studies on the command line and in the records (issue 16): codes balanced
over the arms by seeded permuted blocks, reproducible by seed, unguessable;
`study new|status|export` with --json; the export's columns are the
codebook's, and no person's name is in it; bad input is one line, exit 2,
nothing written."""
import csv
import json
import re
from collections import Counter

import numpy as np
import pytest

from engine.records.access import PASSWORD_ENV
from engine.records.play import play_and_store
from engine.records.store import open_store
from engine.records.studies import CODE_ALPHABET, allocation
from engine.records.study_commands import CONDITIONS
from engine.records.study_export import codebook_columns
from engine.policies import BASELINES
from engine.scenario import load_scenario
from tests.cli_helpers import isolated, run  # noqa: F401  (fixture)
from tests.gui_helpers import FakeScorer

FOUR = ["none", "fixed", "mined", "personalised"]


def test_twelve_codes_over_four_conditions_are_balanced_and_reproducible_by_seed(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as a, open_store(f"sqlite:///{tmp_path / 'b.db'}") as b:
        _, one = a.create_study("s", FOUR, 12, 7, ["burger"])
        _, two = b.create_study("s", FOUR, 12, 7, ["burger"])
        _, other = b.create_study("t", FOUR, 12, 8, ["burger"])
    assert Counter(p.condition for p in one) == {c: 3 for c in FOUR}
    assert [p.condition for p in one] == [p.condition for p in two]          # same seed, same list
    assert [p.condition for p in one] != [p.condition for p in other]        # another seed, another list
    # every block of four holds each arm once, so the arms stay balanced as codes are handed out
    for i in range(0, 12, 4):
        assert sorted(p.condition for p in one[i:i + 4]) == sorted(FOUR)
    codes = [p.code for p in one + two + other]
    assert len(set(codes)) == 36                                              # codes do not follow the seed
    assert all(re.fullmatch(f"[{CODE_ALPHABET}]{{5}}-[{CODE_ALPHABET}]{{5}}", c) for c in codes)
    # an uneven number: arms differ by at most one
    counts = Counter(allocation(FOUR, 13, 1)).values()
    assert max(counts) - min(counts) <= 1 and sum(counts) == 13


def test_the_commands_conditions_are_the_tips_layers():
    from tips.conditions import CONDITIONS as TIPS_CONDITIONS

    assert tuple(CONDITIONS) == tuple(TIPS_CONDITIONS)


def _json(capsys, argv):
    code, out, err = run(argv, capsys)
    assert code == 0, err
    return json.loads(out.strip().splitlines()[-1])


def _play_participant(store, participant, seed=0):
    """The participant's whole plan, played by the greedy policy and scored by a
    quick stand-in scorer, each round stored as the app stores it."""
    session = store.study_session(participant)
    for i, key in enumerate(participant.study.plan):
        scenario = load_scenario(key)
        info = play_and_store(store, scenario, seed + i, BASELINES["greedy"], "greedy", participant.code,
                              scorer=FakeScorer(), rng=np.random.default_rng(seed + i), session=session)
        if i < len(participant.study.sequence) and participant.condition != "none":
            store.record_tip(info.id, 0, "fixed:0", "Keep the chef at the stove")
    store.note_progress(participant)


def test_new_status_export_with_json(tmp_path, capsys, isolated):  # noqa: F811
    db = f"sqlite:///{tmp_path / 'study.db'}"
    consent = tmp_path / "consent.txt"
    consent.write_text("We study kitchens.\nYou may stop at any time.\n")
    made = _json(capsys, ["study", "new", "pilot", "--conditions", "none,fixed", "--participants", "4",
                          "--seed", "1", "--db", db, "--sequence", "taco-demo,burger", "--post-test", "taco-demo",
                          "--consent", str(consent), "--json"])
    assert made["participants"] == 4 and made["per_condition"] == {"none": 2, "fixed": 2}
    assert made["sequence"] == ["taco-demo", "burger"] and made["post_test"] == "taco-demo"
    # the first code in the arm with tips, then one without, then the rest
    ordered = sorted(made["codes"], key=lambda c: c["condition"] != "fixed")
    codes = [ordered[0]["code"], ordered[-1]["code"]] + [c["code"] for c in ordered[1:-1]]
    with open_store(db) as store:
        assert store.study("pilot").consent == "We study kitchens.\nYou may stop at any time."
        store.person("Ann Smith")                                  # a trainee outside the study plays
        play_and_store(store, load_scenario("taco-demo"), 0, BASELINES["greedy"], "greedy", "Ann Smith")
        first = store.join_study(codes[0])
        _play_participant(store, first)
        second = store.join_study(codes[1])
        play_and_store(store, load_scenario("taco-demo"), 5, BASELINES["greedy"], "greedy", second.code,
                       scorer=FakeScorer(), session=store.study_session(second))
        store.drop_out(second)
        boss = store.person("Boss Person", role="supervisor")
    status = _json(capsys, ["study", "status", "pilot", "--db", db, "--json"])
    by_code = {p["code"]: p for p in status["participants"]}
    assert by_code[codes[0]]["status"] == "finished" and by_code[codes[0]]["finished"] == 3
    assert by_code[codes[1]]["status"] == "dropped" and by_code[codes[1]]["finished"] == 1
    assert status["counts"] == {"not started": 2, "started": 0, "finished": 1, "dropped": 1}
    out = tmp_path / "export"
    done = _json(capsys, ["study", "export", "pilot", "--db", db, "--out", str(out), "--json"])
    assert sorted(p.name for p in out.iterdir()) == ["codebook.md", "events.csv", "participants.csv"]
    book = codebook_columns((out / "codebook.md").read_text())
    for name in ("events.csv", "participants.csv"):
        with open(out / name, newline="") as f:
            assert next(csv.reader(f)) == book[name], name   # the CSV columns are the codebook's
    text = {name: (out / name).read_text() for name in ("events.csv", "participants.csv", "codebook.md")}
    with open_store(db) as store:
        names = [p.name for p in store.people() if p.name not in store.study_codes()]
    assert set(names) == {"Ann Smith", "Boss Person"} and boss.name in names
    for name in names:
        assert all(name not in t for t in text.values()), name     # no person's name in the export
    events = list(csv.DictReader(open(out / "events.csv", newline="")))
    assert done["events"] == len(events) and {e["code"] for e in events} == {codes[0], codes[1]}
    mine = [e for e in events if e["code"] == codes[0]]
    assert {e["condition"] for e in mine} == {first.condition}
    assert [e["round_kind"] for e in mine][-1] == "post-test"
    tips = [e for e in mine if e["event"] == "tip"]
    assert tips and all(e["round_kind"] == "sequence" for e in tips)
    people = {r["code"]: r for r in csv.DictReader(open(out / "participants.csv", newline=""))}
    assert len(people) == 4 and people[codes[0]]["rounds"] == "3"
    for place, prefix in ((1, "round1"), (2, "round2"), (3, "post_test")):
        rows = [e for e in mine if e["round"] == str(place) and e["event"] == "decision"]
        bad = sum(e["suboptimal"] == "True" for e in rows)
        assert people[codes[0]][f"{prefix}_suboptimal_pct"] == str(round(100.0 * bad / len(rows), 2))
        assert people[codes[0]][f"{prefix}_turns"] != ""
    assert people[codes[2]]["status"] == "not started" and people[codes[2]]["round1_turns"] == ""


def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, isolated):  # noqa: F811
    path = tmp_path / "s.db"
    db = f"sqlite:///{path}"
    for name, argv, words in (
            ("x", ["--conditions", "none,tipsy"], "unknown condition 'tipsy'"),
            ("x", ["--conditions", "none,none"], "twice"),
            ("x", ["--conditions", "none", "--sequence", "burger,no-such-kitchen"], "no-such-kitchen"),
            ("x", ["--conditions", "none", "--consent", str(tmp_path / "missing.txt")], "consent"),
            ("x", ["--conditions", "none", "--participants", "0"], "1 to 10000 participants"),
            ("x", ["--conditions", "none", "--participants", "10001"], "1 to 10000 participants"),
            ("x" * 201, ["--conditions", "none"], "1 to 200 characters")):
        argv = ["study", "new", name, "--seed", "1", "--db", db, *argv]
        if "--participants" not in argv:
            argv += ["--participants", "4"]
        code, out, err = run(argv, capsys)
        assert code == 2 and words in err and "Traceback" not in err, (argv, err)
        assert not path.exists()
    assert _json(capsys, ["study", "new", "x", "--conditions", "none", "--participants", "2", "--seed", "1",
                          "--db", db, "--json"])["participants"] == 2
    code, _, err = run(["study", "new", "x", "--conditions", "none", "--participants", "2", "--seed", "1",
                        "--db", db], capsys)
    assert code == 2 and "already exists" in err
    code, _, err = run(["study", "status", "nope", "--db", db], capsys)
    assert code == 2 and "no study named 'nope'" in err and "x" in err
    (tmp_path / "file").write_text("")
    code, _, err = run(["study", "export", "x", "--db", db, "--out", str(tmp_path / "file")], capsys)
    assert code == 2 and "it is a file" in err
    code, _, err = run(["study", "export", "x", "--db", db, "--out", str(tmp_path / "no" / "dir")], capsys)
    assert code == 2 and "does not exist" in err and not (tmp_path / "no").exists()
    code, _, err = run(["study", "status", "x", "--db", str(tmp_path / "typo.db")], capsys)
    assert code == 2 and not (tmp_path / "typo.db").exists()


def test_a_database_with_a_supervisor_asks_for_the_password(tmp_path, capsys, isolated, monkeypatch):  # noqa: F811
    db = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(db) as store:
        store.set_password(store.person("Boss", role="supervisor"), "correct horse")
    argv = ["study", "new", "x", "--conditions", "none", "--participants", "2", "--seed", "1", "--db", db]
    code, _, err = run(argv, capsys)
    assert code == 2 and "password" in err
    with open_store(db) as store:
        assert store.study("x") is None
    monkeypatch.setenv(PASSWORD_ENV, "correct horse")
    assert run(argv, capsys)[0] == 0
    monkeypatch.delenv(PASSWORD_ENV)
    for action in (["status", "x"], ["export", "x", "--out", str(tmp_path / "out")]):
        code, _, err = run(["study", *action, "--db", db], capsys)
        assert code == 2 and "password" in err
        assert run(["study", *action, "--db", db, "--password", "correct horse"], capsys)[0] == 0


def test_joining_twice_is_carrying_on_and_a_code_is_one_person(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(url) as a, open_store(url) as b:
        _, (p, q) = a.create_study("s", ["none", "mined"], 2, 0, ["burger"])
        one = a.join_study(p.code)
        two = b.join_study(p.code.replace("-", " ").lower())   # another seat, typed loosely
        assert one.person_id == two.person_id is not None
        assert a.find_person(p.code).id == one.person_id
        assert b.participant(q.code).person_id is None
        with pytest.raises(Exception, match="no study has this code"):
            a.join_study("AAAAA-AAAAA")
        a.drop_out(one)
        with pytest.raises(Exception, match="left the study"):
            b.join_study(p.code)


def test_conditions_by_person_for_the_desk(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(url) as store:
        ann = store.person("Ann")
        store.start_session(ann, "mined")
        store.start_session(ann, "fixed")                   # her latest sitting's condition counts
        _, (p,) = store.create_study("s", ["personalised"], 1, 0, ["burger"])
        joined = store.join_study(p.code)
        assert store.conditions_by_person() == {ann.id: "fixed", joined.person_id: "personalised"}


def test_a_database_of_revision_0004_is_upgraded_with_the_study_tables(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from engine.records.database import connect
    from engine.records.models import Base

    url = f"sqlite:///{tmp_path / 'old.db'}"
    connect(url, target="0004").dispose()
    with open_store(url) as store:
        _, people = store.create_study("s", FOUR, 4, 0, ["burger"])
        assert store.join_study(people[0].code).person_id is not None
        store.set_fixed_tip("h", "burger", 0, "Plate early", "Sam")
        with store.engine.connect() as c:  # the migration makes the tables the models describe
            diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    mine = {"studies", "study_participants", "fixed_tips"}
    assert [d for d in diff if mine & set(re.findall(r"'(\w+)'", repr(d)))] == []
