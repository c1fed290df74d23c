"""The replay viewer: one index drives the board, the decision list and the
graph; stepping, keys, the slider, a row and a click on the graph all move it,
and the board always shows the stored state of that tick."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402

from engine.records import replay as rp  # noqa: E402
from engine.records.store import open_store  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402
from gui.reports.sample_data import seed_trainees  # noqa: E402


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("replay") / "records.db"))
    seed_trainees(store, load_scenario("burger"), trainees=1, rounds=2, seed=3)
    rid = store.history(store.find_person("Trainee 01"))[0].id
    yield store, rid
    store.close()


def _shown(viewer, i):
    """What the board shows, checked against the stored round folded independently."""
    states = rp.fold(viewer.kitchen, {d.tick: d.decision for d in viewer.record.decisions}, play_out=True)
    assert viewer.board.state == states[i]
    assert viewer.board.tick_label.text().startswith(("Tick", "Done"))
    d = viewer.decisions.get(i)
    assert viewer.board.pending == ({w: j for w, j in d.decision.items()} if d else {})


def test_step_forward_back_keys_slider(qtbot, stored):
    from gui.replay_view import ReplayViewer

    store, rid = stored
    viewer = ReplayViewer(store, rid)
    qtbot.addWidget(viewer)
    viewer.resize(1200, 760)
    viewer.show()
    n = len(viewer.states)
    assert n == len(store.replay(rid)) and viewer.states[-1].done
    _shown(viewer, 0)
    for i in range(1, n):
        qtbot.mouseClick(viewer.next_button, Qt.LeftButton)
        assert viewer.index == i and viewer.slider.value() == i
        _shown(viewer, i)
    assert not viewer.next_button.isEnabled()
    qtbot.mouseClick(viewer.prev_button, Qt.LeftButton)
    assert viewer.index == n - 2
    _shown(viewer, n - 2)
    viewer.setFocus()
    qtbot.keyClick(viewer, Qt.Key_Home)
    assert viewer.index == 0
    qtbot.keyClick(viewer, Qt.Key_Right)
    qtbot.keyClick(viewer, Qt.Key_Right)
    assert viewer.index == 2
    qtbot.keyClick(viewer, Qt.Key_Left)
    assert viewer.index == 1
    _shown(viewer, 1)
    viewer.slider.setValue(n - 1)
    assert viewer.index == n - 1 and viewer.board.state.done
    qtbot.keyClick(viewer, Qt.Key_End)
    assert viewer.index == n - 1


def test_decision_list_and_graph_follow_the_index(qtbot, stored):
    from gui.replay_view import ReplayViewer

    store, rid = stored
    viewer = ReplayViewer(store, rid)
    qtbot.addWidget(viewer)
    viewer.resize(1200, 760)
    viewer.show()
    qtbot.waitExposed(viewer)
    record = store.load_round(rid)
    assert viewer.table.rowCount() == len(record.decisions)
    # a row of the list moves the board to that decision's tick
    d = record.decisions[-1]
    viewer.table.selectRow(len(record.decisions) - 1)
    assert viewer.index == d.tick
    _shown(viewer, d.tick)
    assert viewer.table.item(len(record.decisions) - 1, 4).text() == d.verdict
    # cumulative regret is the running sum of the stored regrets
    total = sum(max(0.0, x.regret or 0.0) for x in record.decisions)
    assert viewer.cumulative[-1] == pytest.approx(total)
    assert viewer.cursor.value() == d.tick + 1
    # a real click on the graph, at tick 3 as drawn, jumps there
    vb = viewer.graph.getPlotItem().getViewBox()
    (_, _), (y0, y1) = vb.viewRange()
    at = viewer.graph.mapFromScene(vb.mapViewToScene(QPointF(3.0, (y0 + y1) / 2)))
    qtbot.mouseClick(viewer.graph.viewport(), Qt.LeftButton, pos=QPoint(int(at.x()), int(at.y())))
    assert viewer.index == 2
    _shown(viewer, 2)
    selected = {i.row() for i in viewer.table.selectedItems()}
    assert selected == ({viewer.row_of_tick[2]} if 2 in viewer.row_of_tick else set())
    # a costly decision's mark jumps to its tick
    costly = [x for x in record.decisions if x.verdict in ("inaccuracy", "mistake", "blunder")]
    assert len(viewer.marks.points()) == len(costly)
    if costly:
        viewer.marks.sigClicked.emit(viewer.marks, [viewer.marks.points()[-1]], None)
        assert viewer.index == costly[-1].tick


def test_expert_choice_and_play(qtbot, stored):
    from gui.replay_view import ReplayViewer

    store, rid = stored
    viewer = ReplayViewer(store, rid)
    qtbot.addWidget(viewer)
    d = next(x for x in viewer.record.decisions if x.expert_decision and x.expert_decision != x.named)
    viewer.set_index(d.tick)
    viewer.show_expert.setChecked(True)
    assert viewer.board.pending == rp.decode(viewer.kitchen, d.expert_decision)
    assert viewer.board.state == viewer.states[d.tick]
    viewer.show_trainee.setChecked(True)
    viewer.set_index(len(viewer.states) - 3)
    viewer.toggle_play()
    assert viewer.timer.isActive()
    qtbot.waitUntil(lambda: viewer.index == len(viewer.states) - 1, timeout=5000)
    qtbot.waitUntil(lambda: not viewer.timer.isActive(), timeout=2000)



def test_every_button_glyph_is_in_the_font(qtbot, stored):
    """A glyph the font lacks draws as an empty box (U+23F8 "pause" did)."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QPushButton

    from gui.replay_view import ReplayViewer

    store, rid = stored
    viewer = ReplayViewer(store, rid)
    qtbot.addWidget(viewer)
    texts = [b.text() for b in viewer.findChildren(QPushButton)]
    viewer.toggle_play()
    texts.append(viewer.play_button.text())   # the playing state's label too
    viewer.toggle_play()
    metrics = QFontMetrics(viewer.play_button.font())
    missing = {ch for text in texts for ch in text if ord(ch) > 127 and not metrics.inFontUcs4(ord(ch))}
    assert not missing, f"drawn as empty boxes: {sorted(missing)}"
