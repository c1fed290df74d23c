"""The worker rule `cannot = ["plate"]` (GAME.md): the scenario loader reads
it, the kitchen's rulebook enforces it, the solver models respect it, and
everything that asks the kitchen -- the board, the baselines, the expert's
features, the gym env, simulated trainees, the tips -- follows it unchanged."""
import json

import numpy as np
import pytest

from engine.exhaustive import exhaustive_optimum
from engine.expert.trained import Expert, shipped_expert, ExpertError
from engine.expert.features import TickView
from engine.game_identity import game_hash
from engine.gym_env import KitchenEnv
from engine.optimum import replay, solve
from engine.policies import BASELINES
from engine.expert.network import PolicyNet
from engine.rounds import play_round
from engine.scenario import ScenarioError, load_scenario, parse_scenario
from engine.simulator import IDLE, IllegalDecision, Kitchen
from engine.trainee_sim import HabitTrainee, TraineeModel, worst_habits
from gui.round_model import AssignRefused, RoundModel
from tips.trainees import costly_habits
from tips.vocabulary import Vocabulary

BURGER = load_scenario("burger").text
ALICE_PLATES = 'role = "server"\nchop = 12\ncook = 12\nplate = 1\n'


def no_plating(text=BURGER, keep_duration=False, orders=None):
    """Burger where Alice, the quickest plater, may not plate."""
    alice = 'role = "server"\ncannot = ["plate"]\nchop = 12\ncook = 12\n' + ("plate = 1\n" if keep_duration else "")
    assert ALICE_PLATES in text
    text = text.replace(ALICE_PLATES, alice)
    if orders is not None:
        text = text.replace("count = 4", f"count = {orders}")
    return parse_scenario(text, "no-plating.toml")


def is_plate_by_alice(kitchen, w, j):
    return w == 0 and j != IDLE and kitchen.tasks[j].type == "plate"


# -- the loader --------------------------------------------------------------
def test_loader_reads_cannot_and_needs_no_duration_for_it():
    sc = no_plating()
    alice = sc.workers[0]
    assert alice.cannot == {"plate"} and not alice.can("plate") and alice.can("chop")
    assert "plate" not in alice.durations and alice.ticks("plate") is None
    # a duration given for a type the worker may not take is accepted and never used
    assert no_plating(keep_duration=True).workers[0].durations == alice.durations


@pytest.mark.parametrize("cannot, message", [
    ('"plate"', r"workers\[0\] \(Alice\)\.cannot: must be a list of task types"),
    ('["grill"]', r"workers\[0\] \(Alice\)\.cannot: unknown task type 'grill'"),
    ('[1]', r"workers\[0\] \(Alice\)\.cannot: must be a list"),
])
def test_loader_refuses_a_bad_cannot_in_one_line(cannot, message):
    text = BURGER.replace(ALICE_PLATES, f'role = "server"\ncannot = {cannot}\nchop = 12\ncook = 12\n')
    with pytest.raises(ScenarioError, match=message) as e:
        parse_scenario(text, "bad.toml")
    assert "\n" not in str(e.value)


def test_a_type_nobody_may_do_is_refused_naming_it():
    text = BURGER
    for role in ("server", "sous-chef", "chef"):
        text = text.replace(f'role = "{role}"\n', f'role = "{role}"\ncannot = ["cook"]\n')
    with pytest.raises(ScenarioError, match="no worker can do task type 'cook'"):
        parse_scenario(text, "nobody-cooks.toml")


def test_other_durations_are_still_required():
    text = BURGER.replace(ALICE_PLATES, 'role = "server"\ncannot = ["plate"]\nchop = 12\n')
    with pytest.raises(ScenarioError, match=r"Alice\).*missing duration for task type 'cook'"):
        parse_scenario(text, "x.toml")


# -- the kitchen and the board ------------------------------------------------
def test_kitchen_and_board_refuse_with_the_reason():
    k = Kitchen(no_plating())
    s = k.initial_state()
    board = RoundModel(k)
    chop0, cook0 = k.choices(s, 2)[1], k.choices(s, 1)[2]
    board.assign(chop0, 2)
    board.assign(cook0, 1)
    board.end_tick()
    while not any(k.tasks[j].type == "plate" for j in k.open_tasks(board.state)):
        board.end_tick()
    s = board.state
    plate = next(j for j in k.open_tasks(s) if k.tasks[j].type == "plate")
    assert k.why_not(s, 0, plate).kind == "cannot"
    assert plate not in k.choices(s, 0) and plate in k.choices(s, 1) + k.choices(s, 2) + [plate]
    with pytest.raises(AssignRefused, match=r"Alice \(server\) never does plate tasks"):
        board.assign(plate, 0)
    with pytest.raises(IllegalDecision, match=r"Alice \(server\) cannot do plate tasks"):
        k.check(s, {0: plate})


# -- policies, expert, gym env, trainees: through the kitchen, unchanged ---------
def never_plates(kitchen, policy, seeds=range(8)):
    for seed in seeds:
        record = []
        final = play_round(kitchen, policy, np.random.default_rng(seed), record, check=True)
        assert final.done
        assert not any(is_plate_by_alice(kitchen, w, j) for _, d in record for w, j in d.items())
    return final


@pytest.mark.parametrize("name", ["random", "greedy", "dispatch"])
def test_baselines_never_give_alice_a_plate(name):
    k = Kitchen(no_plating())
    final = never_plates(k, BASELINES[name])
    plates = [j for j in range(k.n_tasks) if k.tasks[j].type == "plate"]
    assert all(final.task_worker[j] not in (-1, 0) for j in plates)


def test_expert_features_offer_alice_no_plate():
    import torch
    torch.manual_seed(0)
    expert = Expert(PolicyNet())
    k = Kitchen(no_plating())
    never_plates(k, expert, seeds=[0])
    never_plates(k, expert.with_rollout(), seeds=[0])
    record = []
    play_round(k, BASELINES["random"], np.random.default_rng(3), record, decided_only=True)
    offered = 0
    for s, _ in record:
        view = TickView(k, s)
        if 0 in view.idle:
            _, opts = view.rows(0)
            assert not any(is_plate_by_alice(k, 0, j) for j in opts)
            offered += len(opts)
    assert offered


def test_gym_env_slots_follow_the_rule():
    env = KitchenEnv(no_plating())
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(200):
        w = env._current
        assert not any(is_plate_by_alice(env.kitchen, w, j) for j in env._slot_tasks())
        legal = np.flatnonzero(env.action_masks())
        _, _, done, _, info = env.step(int(rng.choice(legal)))
        assert not info["illegal"]
        if done:
            env.reset(seed=0)


def test_simulated_trainees_and_tip_words_follow_the_rule():
    sc = no_plating()
    k = Kitchen(sc)
    assert ("server", "plate") not in [(h.role, h.task_type) for h in worst_habits(sc) + costly_habits(sc)]
    trainee = HabitTrainee("t", sc, TraineeModel(habits=tuple(worst_habits(sc))), seed=1)
    never_plates(k, trainee, seeds=[0, 1])
    vocab = Vocabulary(sc)
    plate_class = 1 + vocab.types.index("plate")
    s = k.initial_state()
    while not any(k.tasks[j].type == "plate" for j in k.open_tasks(s)):
        s, _ = k.step(s, BASELINES["greedy"](k, s, None))
    assert vocab.task_for(k, s, plate_class) is not None
    assert vocab.task_for(k, s, plate_class, worker=0) is None
    assert vocab.features(k, s, 0).shape == (len(vocab.predicates),)


# -- the exact optimum and the game's identity -----------------------------------
@pytest.mark.parametrize("objective, orders", [("makespan", 2), ("reward", 1)])
def test_exact_optimum_respects_the_rule(objective, orders):
    text = BURGER.replace("ticks = 36", "ticks = 12")
    if objective == "reward":
        text = text.replace('objective = "makespan"', 'objective = "reward"\nwait_cost = 1')
    sc = no_plating(text, orders=orders)
    k = Kitchen(sc)
    for model in ("intervals", "ticks"):  # both CP-SAT models, against brute force over the simulator
        sol = solve(k, time_limit=30, model=model)
        assert sol.proven
        assert not any(a.worker == 0 and k.tasks[a.task].type == "plate" for a in sol.schedule)
        assert k.value(replay(k, sol.schedule)) == sol.value  # the simulator, checking every decision, agrees
        assert sol.value == exhaustive_optimum(k)[0]
    free = Kitchen(parse_scenario(text.replace("count = 4", f"count = {orders}"), "free.toml"))
    worse = sol.value > solve(free).value if objective == "makespan" else sol.value < solve(free).value
    assert worse  # Alice plates in 1 tick: forbidding it costs something


def test_the_rule_is_part_of_the_game():
    assert game_hash(no_plating()) != game_hash(load_scenario("burger"))
    with pytest.raises(ExpertError):
        shipped_expert(no_plating())


def test_scenario_show_marks_what_a_worker_never_does(tmp_path, capsys):
    from gui.cli import main
    path = tmp_path / "no-plating.toml"
    path.write_text(no_plating().text)
    assert main(["scenario", "show", str(path)]) == 0
    alice = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("Alice"))
    assert alice.split()[-1] == "never"
    assert main(["scenario", "show", str(path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert shown["workers"][0]["cannot"] == ["plate"] and "plate" not in shown["workers"][0]


def test_a_worker_who_may_take_nothing_only_ever_idles():
    sc = parse_scenario(BURGER.replace(ALICE_PLATES, 'role = "server"\ncannot = ["chop", "cook", "plate"]\n'),
                        "alice-watches.toml")
    k = Kitchen(sc)
    assert k.choices(k.initial_state(), 0) == [IDLE]
    assert "server" not in [h.role for h in worst_habits(sc) + costly_habits(sc)]
    assert Vocabulary(sc).features(k, k.initial_state(), 0).any()
    final = never_plates(k, BASELINES["greedy"], seeds=[0])
    assert all(w != 0 for w in final.task_worker)
    best = solve(k)
    assert best.proven and best.value <= k.value(final)
    assert all(a.worker != 0 for a in best.schedule)
