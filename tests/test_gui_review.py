"""Issue 15's learning loop through the widgets: a trainee plays a round with
a mistake, opens the review from the summary, steps to the mistake with "next
mistake", retries it (hint first, the expert's answer hidden), answers right
and sees it leave the due queue; a wrong answer keeps it due."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from engine.optimum import decisions_from, solve
from engine.policies import dispatch_policy
from gui.retry_judge import judge_retry
from gui.review import MyRoundsDialog
from tests.gui_helpers import drop, window  # noqa: F401 (fixture)


def play_round_with_a_mistake(qtbot, w, name="Ann", key="burger"):
    """The dispatch rule (the stand-in expert) everywhere but one tick after the
    first where it acts, where everyone is left idle: a costly decision at a later tick."""
    s = w.start_screen
    s.new_name.setText(name)
    qtbot.mouseClick(s.add_button, Qt.LeftButton)
    s.select_scenario(key)
    qtbot.mouseClick(s.start_button, Qt.LeftButton)
    screen, session = w.round_screen, w.session
    if getattr(screen, "start_button", None) is not None and screen.start_button.isVisible():
        qtbot.mouseClick(screen.start_button, Qt.LeftButton)
    model, kitchen = session.model, session.model.kitchen
    decided = 0
    mistake_tick = None
    while not model.done:
        expert = dispatch_policy(kitchen, model.state)
        if decided >= 1 and mistake_tick is None and expert:
            mistake_tick = model.tick      # everyone idle where the stand-in expert acts: costly
        else:
            for wk, j in expert.items():
                drop(screen.board.lanes[wk], j)
        qtbot.keyClick(screen.board, Qt.Key_Return)
        decided += 1
    qtbot.waitUntil(lambda: session._closed, timeout=10000)
    qtbot.waitUntil(lambda: w.store.mistake(session.round_id, mistake_tick) is not None, timeout=5000)
    return session, mistake_tick


def optimal_decision(kitchen, state):
    sol = solve(kitchen, state, time_limit=10)
    assert sol.proven
    return decisions_from(kitchen, state, sol.schedule).get(state.tick, {})


def open_review_at_mistake(qtbot, w, session, tick):
    summary = w.summary_screen
    assert w.stack.currentWidget() is summary
    assert summary.accuracy.text() not in ("–", "100")
    qtbot.mouseClick(summary.review_button, Qt.LeftButton)
    review = w.learning.review
    assert w.stack.currentWidget() is review
    viewer = review.viewer
    assert viewer.index == 0 and not viewer.retry_button.isVisibleTo(viewer)
    qtbot.mouseClick(viewer.next_mistake_button, Qt.LeftButton)
    assert viewer.states[viewer.index].tick == tick
    assert viewer.retry_button.isVisibleTo(viewer)
    assert not viewer.next_mistake_button.isEnabled()       # the only costly decision of the round
    qtbot.keyClick(viewer, Qt.Key_Left)                       # arrow keys still step one tick
    assert viewer.index == tick - 1
    qtbot.keyClick(viewer, Qt.Key_N)                          # and N is "next mistake"
    assert viewer.index == tick
    qtbot.mouseClick(viewer.retry_button, Qt.LeftButton)
    dialog = w.learning.dialogs[-1]
    qtbot.addWidget(dialog)
    return review, dialog


def test_review_next_mistake_retry_right_leaves_the_due_queue(qtbot, window):
    session, tick = play_round_with_a_mistake(qtbot, window)
    store, person = window.store, window.store.find_person("Ann")
    item = store.mistake(session.round_id, tick)
    assert [m.tick for m in store.due_mistakes(person)] == [tick]
    # tagged, off the GUI thread, with the tip rule it broke (mined from the shipped expert)
    qtbot.waitUntil(lambda: store.mistake(session.round_id, tick).rule != "", timeout=60000)
    item = store.mistake(session.round_id, tick)
    assert item.rule.startswith("when ") and item.rule_text and item.worker

    review, dialog = open_review_at_mistake(qtbot, window, session, tick)
    panel = dialog.panel
    state = panel.position.state
    assert state == review.viewer.states[tick] and state.tick == tick
    # the expert's answer is hidden: the board shows nothing assigned and no expert words
    assert panel.board.pending == {} and "expert:" not in panel.verdict.text().lower()
    qtbot.mouseClick(panel.hint_button, Qt.LeftButton)
    assert panel.verdict.text().startswith("<b>Hint:</b>") and item.rule_text.rsplit(", ", 1)[0] in panel.verdict.text()
    kitchen = panel.position.kitchen
    best = optimal_decision(kitchen, state)
    for w, j in best.items():
        drop(panel.board.lanes[w], j)
    assert panel.model.pending == best
    with qtbot.waitSignal(panel.answered, timeout=60000) as answer:
        qtbot.mouseClick(panel.board.end_button, Qt.LeftButton)
    assert answer.args[0] is True and answer.args[1] == 0
    assert panel.result.exact and "Right" in panel.verdict.text() and "The expert:" in panel.verdict.text()
    assert item.rule_text in panel.verdict.text()
    qtbot.mouseClick(panel.expert_button, Qt.LeftButton)       # the expert's decision on the board
    assert panel.board.pending == {w: j for w, j in panel.position.expert.items() if j >= 0}
    # right: out of the due queue, on the schedule a day out
    assert store.due_mistakes(person) == []
    assert store.mistake(session.round_id, tick).streak == 1
    dialog.close()
    qtbot.mouseClick(review.back_button, Qt.LeftButton)
    assert window.stack.currentWidget() is window.summary_screen


def test_a_wrong_retry_keeps_it_due(qtbot, window):
    window.learning.rules = None        # no tags needed here
    session, tick = play_round_with_a_mistake(qtbot, window, "Bo")
    # the summary offers the same retry beside the costly decision
    summary = window.summary_screen
    assert len(summary.retry_buttons) == 1
    qtbot.mouseClick(summary.retry_buttons[0], Qt.LeftButton)
    from_summary = window.learning.dialogs[-1]
    qtbot.addWidget(from_summary)
    assert from_summary.panel.position.state.tick == tick
    from_summary.close()
    review, dialog = open_review_at_mistake(qtbot, window, session, tick)
    panel = dialog.panel
    assert not panel.hint_button.isEnabled()                 # untagged: no tip, so no hint
    p = panel.position
    assert not judge_retry(p.kitchen, p.state, {}, p.expert).correct   # everyone idle is wrong here too
    with qtbot.waitSignal(panel.answered, timeout=60000) as answer:
        qtbot.keyClick(panel.board, Qt.Key_Return)            # Enter checks: everyone idle again
    assert answer.args[0] is False and answer.args[1] >= 1
    assert "Not quite" in panel.verdict.text()
    person = window.store.find_person("Bo")
    due = window.store.due_mistakes(person)
    assert [m.tick for m in due] == [tick] and due[0].lapses == 1


def test_my_rounds_lists_the_round_and_opens_its_review(qtbot, window):
    window.learning.rules = None
    session, tick = play_round_with_a_mistake(qtbot, window, "Cy")
    qtbot.mouseClick(next(b for b in window.summary_screen.findChildren(QPushButton) if b.text() == "Back to start"),
                     Qt.LeftButton)
    assert window.start_screen.drill_button.text() == "Drill my mistakes (1 due)"
    qtbot.mouseClick(window.start_screen.my_rounds_button, Qt.LeftButton)
    dialog = window.findChildren(MyRoundsDialog)[-1]
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 4).text() == "1"
    assert dialog.table.item(0, 3).text() == window.summary_screen.accuracy.text()
    qtbot.mouseClick(dialog.review_button, Qt.LeftButton)
    review = window.learning.review
    assert window.stack.currentWidget() is review and review.round_id == session.round_id
    qtbot.mouseClick(review.back_button, Qt.LeftButton)
    assert window.stack.currentWidget() is window.start_screen


def test_a_round_stored_elsewhere_joins_the_queue_when_reviewed(qtbot, window):
    """Rounds played with `kitchen-coach play`, or stored before revision 0006."""
    from engine.scenario import load_scenario
    from engine.simulator import Kitchen

    window.learning.rules = None
    store = window.store
    person = store.person("Dee")
    rid = store.start_round(store.start_session(person, "none"), load_scenario("burger"), 0)
    k = Kitchen(load_scenario("burger"))
    s = k.initial_state()
    store.record_decision(rid, s.tick, {}, {"regret": 2.0, "verdict": "mistake", "expert_decision": dispatch_policy(k, s)})
    store.finish_round(rid)
    assert store.mistakes(person) == []
    review = window.learning.open_review(rid)
    assert [m.tick for m in store.due_mistakes(person)] == [0]
    assert review.viewer.retry_button.isVisibleTo(review.viewer)     # tick 0 is the mistake


def test_the_judge_is_exact_where_it_can_be_and_the_scorer_elsewhere():
    from engine.scenario import load_scenario
    from engine.simulator import Kitchen
    from gui.retry_judge import hint_of
    from tests.gui_helpers import FakeScorer

    k = Kitchen(load_scenario("taco-demo"))
    s = k.initial_state()
    expert = dispatch_policy(k, s)
    best = optimal_decision(k, s)
    exact = judge_retry(k, s, best, expert)
    assert exact.exact and exact.correct and exact.regret == 0 and exact.mine_value == 4
    idle = judge_retry(k, s, {}, expert)
    assert idle.exact and not idle.correct and idle.regret >= 1 and idle.mine_value == 4 + idle.regret
    # not exact (asked so, or a stochastic round): the scorer's regret, against the same "good" line
    by_scorer = judge_retry(k, s, expert, expert, FakeScorer, exact=False)
    assert not by_scorer.exact and by_scorer.correct and by_scorer.regret == 0
    noisy = Kitchen(load_scenario("dinner-service"), 3)
    s = noisy.initial_state()
    while not noisy.has_decision(s):
        s, _ = noisy.step(s, {})
    got = judge_retry(noisy, s, {}, dispatch_policy(noisy, s), FakeScorer)
    from engine.expert.scoring import Thresholds

    assert not got.exact and got.correct == (got.regret < Thresholds.for_scenario(noisy.scenario).good)
    with pytest.raises(ValueError):
        judge_retry(noisy, s, {}, {}, None)
    assert hint_of("When no plate task is open, leave Alice (server) idle") == \
        "When no plate task is open: what does that call for?"
    assert hint_of("") == ""
