"""Garbage collection on the GUI thread only (gui/gui_thread_gc.py): cyclic
garbage made anywhere is collected by the GUI thread's timer, never by a
background thread that happens to allocate."""
import gc
import threading
import weakref


class Node:
    pass


def test_cycles_are_collected_on_the_gui_thread_not_on_a_worker(qtbot):
    from gui.gui_thread_gc import GuiThreadGC

    # the autouse fixture already runs one collector; this one is checked alone
    threads = []
    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the cyclic collector frees it
    ref = weakref.ref(a, lambda _: threads.append(threading.current_thread().name))
    del a, b
    collector = GuiThreadGC(interval_ms=20)
    try:
        assert not gc.isenabled()

        def allocate():  # plenty of allocations: would trigger automatic collections
            junk = [[Node() for _ in range(100)] for _ in range(2000)]
            for xs in junk:
                xs.append(xs)
        worker = threading.Thread(target=allocate, name="worker")
        worker.start()
        worker.join()
        assert ref() is not None and threads == []  # nothing collected on the worker
        qtbot.waitUntil(lambda: ref() is None, timeout=5000)
        assert threads == [threading.main_thread().name]
    finally:
        collector.stop()
