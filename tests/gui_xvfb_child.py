"""Run by test_gui_xvfb.py on a real X server: opens a round and lets xdotool
drag a task chip onto a worker lane with real mouse events; prints what the
round model ended up with, as JSON."""
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.app import make_app  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from tests.gui_helpers import FakeScorer  # noqa: E402


def wait(cond, timeout):
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        # sleep outside Qt: QTest.qWait keeps the GIL and starves the thread opening the store
        QApplication.processEvents()
        time.sleep(0.02)
    return cond()


def main(db: str, settings: str) -> None:
    make_app()
    w = MainWindow(db=db, settings_path=Path(settings), scorer_factory=FakeScorer)
    w.setGeometry(0, 0, 1280, 800)
    w.show()
    QTest.qWaitForWindowExposed(w)
    wait(lambda: w.store is not None, 20)
    w.start_round("Xena", "burger")
    board, model = w.round_screen.board, w.session.model
    QTest.qWait(300)
    task, worker = board.selectable_tasks()[0], 2
    chip, lane = board.chips[task], board.lanes[worker]
    a = chip.mapToGlobal(chip.rect().center())
    b = lane.mapToGlobal(lane.rect().center())
    subprocess.Popen(["xdotool", "mousemove", str(a.x()), str(a.y()), "sleep", "0.3", "mousedown", "1",
                      "sleep", "0.2", "mousemove", str(a.x() + 12), str(a.y() + 12), "sleep", "0.2",
                      "mousemove", str(b.x()), str(b.y()), "sleep", "0.3",
                      "mousemove", str(b.x() + 4), str(b.y() + 2), "sleep", "0.3", "mouseup", "1"])
    wait(lambda: bool(model.pending), 15)
    print(json.dumps({"task": task, "worker": worker, "pending": {str(k): v for k, v in model.pending.items()},
                      "chip_state": board.chips[task].state_key}))
    w.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
