"""A full round of the burger scenario played through the widgets: drops,
the keyboard path, the clock running out, undo, refused drops; then the
stored decisions and the final score must equal the engine's."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from engine.policies import dispatch_policy
from engine.scenario import load_scenario
from engine.simulator import Kitchen
from gui.main_window import MainWindow
from gui.summary_screen import ReplayDialog
from tests.gui_helpers import FakeScorer, drop, window  # noqa: F401 (fixture)


def start(qtbot, w, name="Ann", key="burger"):
    s = w.start_screen
    s.new_name.setText(name)
    qtbot.mouseClick(s.add_button, Qt.LeftButton)
    s.select_scenario(key)
    qtbot.mouseClick(s.start_button, Qt.LeftButton)
    assert w.stack.currentWidget() is w.round_screen
    return w.round_screen


def play_with_keys(qtbot, board, decision):
    for w, j in decision.items():
        for _ in range(len(board.chips) + 1):
            if board.selected == j:
                break
            qtbot.keyClick(board, Qt.Key_Tab)
        assert board.selected == j
        qtbot.keyClick(board, getattr(Qt, f"Key_{w + 1}"))


def test_full_burger_round_through_the_widgets(qtbot, window):
    screen = start(qtbot, window)
    board, session = screen.board, window.session
    model, kitchen = session.model, session.model.kitchen
    assert window.windowTitle().startswith("Kitchen Coach")
    intended = {}
    stop = 0
    while not model.done:
        tick, state = model.tick, model.state
        decision = dispatch_policy(kitchen, state)
        if stop == 0:
            # refused: a task that waits for others, shown with its reason
            plate = next(j for j in range(kitchen.n_tasks) if kitchen.task_state(state, j) == "waiting")
            drop(board.lanes[0], plate)
            assert "waits for" in board.message.text() and model.pending == {}
            # undo by dragging back to the orders, and with the lane's button
            some = kitchen.open_tasks(state)[0]
            drop(board.lanes[0], some)
            assert model.pending == {0: some}
            assert board.chips[some].state_key == "pending"
            drop(board.orders_area, some)
            assert model.pending == {}
            drop(board.lanes[1], some)
            qtbot.mouseClick(board.lanes[1].undo, Qt.LeftButton)
            assert model.pending == {}
            for w, j in decision.items():
                drop(board.lanes[w], j)
            qtbot.mouseClick(board.end_button, Qt.LeftButton)
        elif stop == 1:
            busy = next(w for w in range(kitchen.n_workers) if state.worker_free[w] > tick)
            qtbot.keyClick(board, Qt.Key_Tab)
            qtbot.keyClick(board, getattr(Qt, f"Key_{busy + 1}"))
            assert "busy" in board.message.text() and model.pending == {}
            qtbot.keyClick(board, Qt.Key_Escape)
            play_with_keys(qtbot, board, decision)
            qtbot.keyClick(board, Qt.Key_C)           # C clears every assignment of the tick
            assert model.pending == {}
            play_with_keys(qtbot, board, decision)
            assert model.pending == decision
            qtbot.keyClick(board, Qt.Key_Return)
        elif stop == 2:
            for w, j in decision.items():
                drop(board.lanes[w], j)
            screen.seconds_per_tick = 0.3
            screen._restart_clock()
            qtbot.waitUntil(lambda: model.tick > tick, timeout=3000)
            screen.seconds_per_tick = 0
            screen._restart_clock()
        else:
            for w, j in decision.items():
                drop(board.lanes[w], j)
            qtbot.mouseClick(board.end_button, Qt.LeftButton)
        assert model.history[-len([h for h in model.history if h.state.tick >= tick]):][0].decision == decision
        intended[tick] = decision
        stop += 1
    assert stop >= 4
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.summary_screen, timeout=3000)
    qtbot.waitUntil(lambda: session._closed, timeout=10000)

    # the engine, given the same decisions, ends the same way
    fresh = Kitchen(load_scenario("burger"))
    s = fresh.initial_state()
    while not s.done:
        s, _ = fresh.step(s, intended.get(s.tick, {}))
    record = window.store.load_round(session.round_id)
    assert {d.tick: d.decision for d in record.decisions} == intended
    assert all(d.verdict in ("best", "mistake", "blunder") for d in record.decisions)
    assert record.info.finished and record.info.value == fresh.value(s) == model.value()
    assert record.info.turns == s.tick
    # the summary shows the outcome and the verdicts (the dispatch rule always agrees with itself)
    summary = window.summary_screen
    assert summary.you.text() == f"{fresh.value(s):g} turns"
    assert summary.expert.text() == f"{fresh.value(s):g} turns"
    assert summary.verdict_labels["best"].text().startswith(f"<b style='font-size:16pt'>{len(intended)}</b>")
    # back at the start, the trainee's record on the scenario includes this round
    qtbot.mouseClick(next(b for b in summary.findChildren(QPushButton) if b.text() == "Back to start"), Qt.LeftButton)
    start_screen = window.start_screen
    assert window.stack.currentWidget() is start_screen
    assert start_screen.current_scenario() == "burger"   # "Back to start" keeps the scenario just played
    assert f"1 round, best {fresh.value(s):g} turns" in start_screen.summary.text()
    assert "Accuracy, last rounds: 100." in start_screen.summary.text()   # every move was the stand-in expert's
    assert summary.accuracy.text() == "100"


def test_costly_moves_give_feedback_and_replays(qtbot, window):
    screen = start(qtbot, window, "Bo")
    board, session = screen.board, window.session
    kitchen = session.model.kitchen
    expert = dispatch_policy(kitchen, session.model.state)
    # leave everyone idle at the first tick: the stand-in expert counts one turn per worker
    qtbot.keyClick(board, Qt.Key_Return)
    qtbot.waitUntil(lambda: "would have saved" in screen.feedback.text(), timeout=3000)
    w = max(expert)  # culprit ties go to the lowest index; every differing worker costs the same
    assert "stayed idle" in screen.feedback.text()
    assert kitchen.workers[min(expert)].label in screen.feedback.text()
    dialog = ReplayDialog(kitchen, session.scored[0])
    qtbot.addWidget(dialog)
    assert dialog.board.read_only and dialog.board.pending == {}
    qtbot.mouseClick(dialog.theirs, Qt.LeftButton)
    assert dialog.board.pending == expert
    assert kitchen.workers[w].name in dialog.caption.text()


def test_unfinished_round_is_offered_and_resumed(qtbot, tmp_path, window):
    screen = start(qtbot, window, "Cy")
    board, kitchen = screen.board, window.session.model.kitchen
    first = dispatch_policy(kitchen, window.session.model.state)
    for w, j in first.items():
        drop(board.lanes[w], j)
    qtbot.keyClick(board, Qt.Key_Return)
    qtbot.waitUntil(lambda: not window.session.outstanding, timeout=3000)
    state = window.session.model.state
    # a crash: a new window on the same database and nothing closed
    settings = tmp_path / "settings.json"
    again = MainWindow(db=window.store.url, settings_path=settings, scorer_factory=FakeScorer)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.store is not None, timeout=10000)
    again.start_screen.set_people(["Cy"], "Cy")
    assert again.start_screen.resume_box.isVisibleTo(again.start_screen)
    qtbot.mouseClick(again.start_screen.resume_button, Qt.LeftButton)
    assert again.session.model.state == state
    assert again.round_screen.board.state == state
    again.close()
