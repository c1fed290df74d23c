"""Issue 15's board items: Backspace with nothing selected takes back the last
assignment, a lane lights up under a dragged task, a waiting task dragged
onto a worker says why, feedback names every worker whose choice cost
something with the expert's alternative and the running total says "so far",
the tips box after a round with nothing to improve does not say "play a
round", and a busy kitchen gets compact cards."""
from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtWidgets import QApplication

from engine.scenario import load_scenario
from engine.simulator import IDLE, Kitchen
from gui.board import BoardView
from gui.board.cards import COMPACT_CARD_WIDTH, task_mime
from gui.feedback import ScoredTick, feedback_line, so_far_line
from gui.tips_source import _no_tips
from tests.gui_helpers import drop, window  # noqa: F401 (fixture)


def test_backspace_takes_back_the_last_assignment_and_lanes_light_up(qtbot, window):
    s = window.start_screen
    s.new_name.setText("Ann")
    qtbot.mouseClick(s.add_button, Qt.LeftButton)
    s.select_scenario("burger")
    qtbot.mouseClick(s.start_button, Qt.LeftButton)
    board, model = window.round_screen.board, window.session.model
    k = model.kitchen
    first, second = k.open_tasks(model.state)[:2]
    drop(board.lanes[0], first)
    drop(board.lanes[1], second)
    assert model.pending == {0: first, 1: second}
    board.select(None)
    qtbot.keyClick(board, Qt.Key_Backspace)          # nothing selected: the last one assigned goes back
    assert model.pending == {0: first}
    qtbot.keyClick(board, Qt.Key_Backspace)
    assert model.pending == {}
    qtbot.keyClick(board, Qt.Key_Backspace)
    assert "nothing to take back" in board.message.text()
    # a lane under a dragged task lights up, and goes back to its own look when the drag leaves
    lane = board.lanes[2]
    mime = task_mime(first)
    QApplication.sendEvent(lane, QDragEnterEvent(QPoint(5, 5), Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier))
    assert lane.highlighted and "#eef4ff" in lane.styleSheet()
    lane.dragLeaveEvent(None)
    assert not lane.highlighted and "#eef4ff" not in lane.styleSheet()
    # a waiting task can be dragged; the drop is refused with the round model's reason
    waiting = next(j for j in range(k.n_tasks) if k.task_state(model.state, j) == "waiting")
    assert board.chips[waiting].draggable
    drop(board.lanes[0], waiting)
    assert "waits for" in board.message.text() and model.pending == {}


def test_feedback_names_every_costly_worker_and_so_far():
    k = Kitchen(load_scenario("burger"))
    s = k.initial_state()
    a, b = k.open_tasks(s)[:2]
    expert = {0: a, 1: b, 2: IDLE}
    score = SimpleNamespace(verdict="blunder", regret=3.0, expert_decision=expert,
                            per_worker={0: 2.0, 1: 1.0, 2: 0.0}, better_than_expert=False)
    line = feedback_line(k, s, {}, score)
    assert line.startswith("Tick 1: blunder, about 3 turns in all.")
    for w in (0, 1):
        assert k.workers[w].label in line and f"having {k.workers[w].name}" in line
    assert "about 2 turns" in line and "about 1 turn." in line
    assert k.workers[2].label not in line                   # same choice as the expert: not named
    good = feedback_line(k, s, {}, SimpleNamespace(verdict="good", regret=0.2, expert_decision=expert,
                                                   per_worker={}, better_than_expert=False))
    assert "good move:" in good and "half a turn" in good
    better = feedback_line(k, s, {}, SimpleNamespace(verdict="best", regret=-1.0, expert_decision=expert,
                                                     per_worker={}, better_than_expert=True))
    assert "this move was better than the expert's" in better
    ticks = [ScoredTick(s, {}, SimpleNamespace(regret=r)) for r in (-1.0, 3.0, 1.0)]
    assert so_far_line(k, ticks) == "So far this round: about 3 turns behind the expert."
    assert so_far_line(k, ticks[:1]) == "So far this round: about 1 turn ahead of the expert."


def test_tips_after_a_round_with_nothing_to_improve(qtbot, window):
    store = window.store
    assert "play a round" in _no_tips(store, "Nobody")
    person = store.person("Pat")
    rid = store.start_round(store.start_session(person, "mined"), load_scenario("taco-demo"), 0)
    store.record_decision(rid, 0, {})
    words = _no_tips(store, "Pat")
    assert "play a round" not in words and "no tip would have saved you anything" in words


def test_a_busy_kitchen_gets_compact_cards(qtbot):
    board = BoardView()
    qtbot.addWidget(board)
    board.set_kitchen(Kitchen(load_scenario("rush")))
    assert board.compact and board.cards[0].width() == COMPACT_CARD_WIDTH and board.lanes[0].height() == 44
    board.set_kitchen(Kitchen(load_scenario("burger")))
    assert not board.compact and board.lanes[0].height() == 60
