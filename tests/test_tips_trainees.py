"""The simulated trainee: learns durations from what it sees, keeps its habit,
follows tips it is shown, and a followed tip weakens the habit it went against."""
from engine.scenario import parse_scenario
from engine.simulator import IDLE, Kitchen
from tips.trainees import Habit, SimulatedTrainee, TraineeModel, worst_habits
from tests.test_tips_vocabulary import KITCHEN

BURGER = KITCHEN.replace("cook = 6", "cook = 8").replace("count = 2", "count = 4")


def _choices(trainee, sc, rounds, tips=()):
    picks = []
    for _ in range(rounds):
        k = Kitchen(sc)
        for s, d in trainee.play(k, tips):
            open_types = {k.tasks[j].type for j in k.open_tasks(s)}
            for w in k.idle_workers(s):
                j = d.get(w, IDLE)
                picks.append((k.workers[w].role, "idle" if j == IDLE else k.tasks[j].type, open_types))
    return picks


def test_beliefs_start_equal_and_move_to_what_was_seen():
    sc = parse_scenario(BURGER, "t.toml")
    t = SimulatedTrainee("t", sc, seed=1)
    start = dict(t.belief)
    assert len(set(start.values())) == 1  # everyone equally fast at first
    _choices(t, sc, 3)
    moved = [(key, start[key], t.belief[key]) for key in start if t.seen[key] > 1]
    assert moved
    for (w, k), before, after in moved:
        true = sc.workers[w].durations[k]
        assert abs(after - true) < abs(before - true) or before == true


def test_shown_durations_are_known_from_the_start():
    sc = parse_scenario(BURGER.replace('name = "Vocab"', 'name = "Vocab"\nshow_durations = true'), "t.toml")
    t = SimulatedTrainee("t", sc)
    assert t.belief[(0, "plate")] == 1 and t.belief[(1, "cook")] == 2


def test_habit_makes_the_mistake_more_often():
    sc = parse_scenario(BURGER, "t.toml")
    rate = {}
    for name, habits in [("plain", ()), ("habit", (Habit("server", "cook", 4.0),))]:
        picks = [p for seed in range(4)
                 for p in _choices(SimulatedTrainee(name, sc, TraineeModel(habits=habits), seed=seed), sc, 2)]
        server = [p for p in picks if p[0] == "server" and "cook" in p[2]]
        rate[name] = sum(p[1] == "cook" for p in server) / len(server)
    assert rate["habit"] > rate["plain"] + 0.25


def test_follows_an_applicable_tip():
    sc = parse_scenario(BURGER, "t.toml")

    class StayIdle:  # a tip for the server, always applicable
        def applies(self, kitchen, state, worker):
            return kitchen.workers[worker].role == "server"

        def choice(self, kitchen, state, worker, taken=()):
            return IDLE

    t = SimulatedTrainee("t", sc, TraineeModel(follow=1.0, habits=(Habit("server", "cook", 4.0),)), seed=0)
    picks = _choices(t, sc, 2, tips=[StayIdle()])
    assert {p[1] for p in picks if p[0] == "server"} == {"idle"}
    assert any(p[1] != "idle" for p in picks if p[0] == "chef")


class _StayIdle:  # a tip for the server, always applicable
    def applies(self, kitchen, state, worker):
        return kitchen.workers[worker].role == "server"

    def choice(self, kitchen, state, worker, taken=()):
        return IDLE


def test_a_followed_tip_weakens_the_habit_so_it_stays_weaker_without_the_tip():
    sc = parse_scenario(BURGER, "t.toml")
    habit = (Habit("server", "cook", 4.0),)
    plain = SimulatedTrainee("plain", sc, TraineeModel(habits=habit, learn=0.3), seed=0)
    _choices(plain, sc, 2)  # no advice: experience alone leaves the habit as it was
    assert set(plain._bias.values()) == {4.0}
    learner = SimulatedTrainee("learner", sc, TraineeModel(follow=1.0, habits=habit, learn=0.3), seed=0)
    _choices(learner, sc, 1, tips=[_StayIdle()])
    after = set(learner._bias.values())
    assert len(after) == 1 and after.pop() < 4.0 * 0.7  # taken more than once, each time 30% less
    # the tip gone, the weaker habit sends the server to cook less often than before
    rate = {}
    for name, t in (("before", SimulatedTrainee("b", sc, TraineeModel(habits=habit), seed=3)), ("after", learner)):
        server = [p for p in _choices(t, sc, 4) if p[0] == "server" and "cook" in p[2]]
        rate[name] = sum(p[1] == "cook" for p in server) / len(server)
    assert rate["after"] < rate["before"]
    fixed = SimulatedTrainee("never", sc, TraineeModel(follow=1.0, habits=habit, learn=0.0), seed=0)
    _choices(fixed, sc, 1, tips=[_StayIdle()])
    assert set(fixed._bias.values()) == {4.0}  # a learning rate of 0 is the old model


def test_worst_habits_are_each_roles_slowest_task():
    sc = parse_scenario(BURGER, "t.toml")
    assert [h.label for h in worst_habits(sc)] == ["server:cook", "chef:plate"]
    assert Habit.parse("chef: plate").label == "chef:plate"
