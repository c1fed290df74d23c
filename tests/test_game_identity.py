"""An expert judges a game, not a file (engine/game_identity.py): a copy of a
bundled scenario under other names, another seconds per tick and a longer
horizon is scored by the shipped expert everywhere (play, traces import, the
app's lookup), and the expert plays it exactly as it was trained; a file whose
game differs is refused in one line saying how to train an expert for it."""
import re

import numpy as np
import pytest

from engine.expert.trained import ExpertError, load_expert, save_expert, shipped_expert, EXPERTS_DIR
from engine.game_identity import game_hash
from engine.policies import BASELINES, greedy_policy
from engine.expert.network import PolicyNet
from engine.records.store import open_store
from engine.scenario import load_scenario
from engine.expert.scoring import MoveScorer
from engine.simulator import Kitchen
from engine.traces.format import write_trace
from engine.traces.generate import simulate_rows
from gui.cli import main

BUNDLED = "research-normal"


def copy_of(tmp_path, name="lab.toml", ticks=90, change=None):
    """The bundled research kitchen as another lab would write it: other
    scenario and worker names, a comment, another pace, a longer horizon."""
    text = load_scenario(BUNDLED).text
    text = text.replace('name = "Research kitchen (normal)"', 'name = "Our lab kitchen"')
    text = re.sub(r"(?m)^ticks = \d+$", f"ticks = {ticks}", text)
    text = re.sub(r"(?m)^seconds_per_tick = \d+$", "seconds_per_tick = 10", text)
    text = "# run in our lab, 2024\n" + text.replace('name = "Carol"', 'name = "Chef Ana"')
    if change:
        text = text.replace(*change)
    path = tmp_path / name
    path.write_text(text)
    return path


def test_names_pace_and_a_longer_horizon_keep_the_game_and_a_duration_does_not(tmp_path):
    sc = load_scenario(BUNDLED)
    assert game_hash(load_scenario(copy_of(tmp_path))) == game_hash(sc)
    other = load_scenario(copy_of(tmp_path, "other.toml", change=("cook = 9", "cook = 8")))
    assert game_hash(other) != game_hash(sc)
    role = load_scenario(copy_of(tmp_path, "role.toml", change=('role = "chef"', 'role = "cook"')))
    assert game_hash(role) != game_hash(sc)


def test_the_reward_objective_keeps_its_horizon_in_the_game(tmp_path):
    text = load_scenario("dinner-service").text
    longer = tmp_path / "longer.toml"
    longer.write_text(re.sub(r"(?m)^ticks = \d+$", "ticks = 31", text))
    assert game_hash(load_scenario(longer)) != game_hash(load_scenario("dinner-service"))


def test_the_shipped_expert_plays_a_longer_copy_exactly_as_it_was_trained(tmp_path):
    a, b = load_scenario(BUNDLED), load_scenario(copy_of(tmp_path))
    ea, eb = shipped_expert(a), shipped_expert(b)
    assert eb.path == ea.path and eb.horizon == ea.horizon
    sa, sb = MoveScorer(ea), MoveScorer(eb)
    ka, kb = Kitchen(a), Kitchen(b)
    rng = np.random.default_rng(4)
    compared = 0
    for _ in range(6):
        s, t = ka.initial_state(), kb.initial_state()
        while not s.done:
            d = BASELINES["random"](ka, s, rng) if ka.has_decision(s) else {}
            if ka.has_decision(s):
                assert eb(kb, t) == ea(ka, s)
                x, y = sa.score(ka, s, d), sb.score(kb, t, d)
                assert (y.value, y.expert_value, y.verdict) == (x.value, x.expert_value, x.verdict)
                compared += 1
            s, _ = ka.step(s, d)
            t, _ = kb.step(t, d)
    assert compared > 40


def test_a_different_game_or_a_shorter_horizon_is_refused_in_one_line(tmp_path):
    other = load_scenario(copy_of(tmp_path, "other.toml", change=("cook = 9", "cook = 8")))
    with pytest.raises(ExpertError) as e:
        shipped_expert(other)
    msg = str(e.value)
    assert "\n" not in msg and f"kitchen-coach train {other.source} --out other.pt" in msg
    with pytest.raises(ExpertError, match="another game"):
        load_expert(EXPERTS_DIR / f"{BUNDLED}.pt", other)
    short = load_scenario(copy_of(tmp_path, "short.toml", ticks=30))
    with pytest.raises(ExpertError, match="40-tick horizon, longer than the 30 ticks") as e:
        shipped_expert(short)
    assert "\n" not in str(e.value)


def test_a_new_expert_records_its_game_and_horizon(tmp_path):
    sc = load_scenario(copy_of(tmp_path))
    path = save_expert(tmp_path / "mine.pt", PolicyNet(hidden=8), sc, {"note": "test"})
    with pytest.raises(ExpertError, match="90-tick horizon"):
        load_expert(path, load_scenario(BUNDLED))  # 60 ticks: shorter than trained
    longer = load_scenario(copy_of(tmp_path, "longer.toml", ticks=120))
    assert load_expert(path, longer).horizon == 90


def _decisions(db):
    with open_store(str(db)) as st:
        infos = [i for p in st.people() for i in st.history(p)]
        return infos, [d for i in infos for d in st.load_round(i.id).decisions]


def test_play_scores_a_longer_copy_with_the_shipped_expert(tmp_path, capsys):
    db = tmp_path / "r.db"
    assert main(["play", str(copy_of(tmp_path)), "--policy", "greedy", "--trainee", "ada",
                 "--db", str(db)]) == 0
    infos, decisions = _decisions(db)
    assert len(infos) == 1 and decisions and all(d.verdict is not None for d in decisions)
    other = copy_of(tmp_path, "other.toml", change=("cook = 9", "cook = 8"))
    assert main(["play", str(other), "--policy", "greedy", "--trainee", "ada", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "kitchen-coach train" in err[0]


def _trace(tmp_path, scenario_path, name="t.csv"):
    rows = simulate_rows(load_scenario(scenario_path), scenario_path.name, {"ann": greedy_policy}, rounds=1)
    path = tmp_path / name
    write_trace(path, rows)
    return path


def test_traces_import_scores_a_longer_copy_with_the_shipped_expert_or_a_named_one(tmp_path, capsys):
    trace = _trace(tmp_path, copy_of(tmp_path))
    assert main(["traces", "import", str(trace), "--db", str(tmp_path / "a.db")]) == 0
    assert "not scored" not in capsys.readouterr().out
    _, decisions = _decisions(tmp_path / "a.db")
    assert decisions and all(d.verdict is not None for d in decisions)
    assert main(["traces", "import", str(trace), "--db", str(tmp_path / "b.db"),
                 "--expert", str(EXPERTS_DIR / f"{BUNDLED}.pt")]) == 0
    _, decisions = _decisions(tmp_path / "b.db")
    assert decisions and all(d.verdict is not None for d in decisions)


def test_traces_import_of_a_different_game(tmp_path, capsys):
    other = copy_of(tmp_path, "other.toml", change=("cook = 9", "cook = 8"))
    trace = _trace(tmp_path, other)
    # a named expert that does not fit: nothing stored, one line
    assert main(["traces", "import", str(trace), "--db", str(tmp_path / "a.db"),
                 "--expert", str(EXPERTS_DIR / f"{BUNDLED}.pt")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "another game" in err[0] and "nothing imported" in err[0]
    # no expert named: stored unscored, with one line saying how to train one
    assert main(["traces", "import", str(trace), "--db", str(tmp_path / "a.db")]) == 0
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("not scored")]
    assert len(lines) == 1 and f"kitchen-coach train {other} --out other.pt" in lines[0]


def test_the_apps_scorer_lookup_finds_the_shipped_expert_for_a_copy(tmp_path):
    from gui.engine_thread import shipped_scorer

    scorer = shipped_scorer(load_scenario(copy_of(tmp_path)))
    assert scorer.expert.path == EXPERTS_DIR / f"{BUNDLED}.pt"
    with pytest.raises(ExpertError, match="kitchen-coach train"):
        shipped_scorer(load_scenario(copy_of(tmp_path, "other.toml", change=("cook = 9", "cook = 8"))))
