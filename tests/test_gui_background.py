"""gui/background.py: tasks report progress and partial answers on the GUI
thread, stop when cancelled, drop stale answers; Background runs its jobs one
after another in order."""
from __future__ import annotations

import threading

import pytest

pytest.importorskip("pytestqt")

from gui.background import Background, Cancelled, Tasks  # noqa: E402


def test_a_task_reports_then_answers_on_the_gui_thread(qtbot):
    tasks = Tasks()
    seen, threads = [], []

    def work(state, n):
        threads.append(threading.get_ident())
        for i in range(n):
            state.partial(i)
            state.progress(i + 1, n, "counting")
        return "done"
    task = tasks.start(work, 3)
    task.partial.connect(lambda v: seen.append(("part", v, threading.get_ident())))
    task.progress.connect(lambda d, t, w: seen.append(("progress", d, threading.get_ident())))
    with qtbot.waitSignal(task.finished, timeout=5000) as done:
        pass
    assert done.args == ["done"] and not task.running
    gui = threading.get_ident()
    assert threads and threads[0] != gui
    assert all(t == gui for *_, t in seen)
    assert [v for kind, v, _ in seen if kind == "part"] == [0, 1, 2]


def test_cancel_stops_the_work_and_drops_its_answer(qtbot):
    tasks = Tasks()
    started, stopped = threading.Event(), threading.Event()
    answers = []

    def work(state):
        started.set()
        while True:
            if state.wait(0.01):
                stopped.set()
                state.check()
    task = tasks.start(work)
    task.finished.connect(answers.append)
    task.failed.connect(answers.append)
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=1000):
        task.cancel()
    assert task.wait(5) and stopped.is_set()
    qtbot.wait(50)
    assert answers == [] and not task.running


def test_a_newer_task_in_the_slot_drops_the_older(qtbot):
    tasks = Tasks()
    gate = threading.Event()
    answers = []

    def slow(state):
        gate.wait(5)
        return "old"
    old = tasks.start(slow, slot="list")
    old.finished.connect(answers.append)
    new = tasks.start(lambda state: "new", slot="list")
    new.finished.connect(answers.append)
    assert not old.running and tasks.current("list") is new
    qtbot.waitUntil(lambda: answers == ["new"], timeout=5000)
    gate.set()
    assert old.wait(5)
    qtbot.wait(50)
    assert answers == ["new"]


def test_a_failing_task_says_one_line(qtbot):
    tasks = Tasks()

    def broken(state):
        raise ValueError("bad input\nmore detail")
    task = tasks.start(broken)
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        pass
    assert failed.args == ["bad input"]
    with pytest.raises(Cancelled):
        task.state._stop.set()
        task.state.check()


def test_background_jobs_run_in_order_and_forgotten_ones_are_dropped(qtbot):
    bg = Background()
    order, answers = [], []
    bg.finished.connect(lambda job, result, error: answers.append((job, result, error)))
    gate = threading.Event()
    first = bg.submit(lambda: (gate.wait(5), order.append(1))[1] or 1)
    second = bg.submit(lambda: order.append(2) or 2)
    third = bg.submit(lambda: order.append(3) or 3)
    bg.forget(second)
    gate.set()
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=5000)
    assert order == [1, 3]
    assert [(j, r) for j, r, _ in answers] == [(first, 1), (third, 3)]
