"""A scripted tour of the app for the README: the start screen, a round in
progress, the round summary, the review of that round at its first mistake,
a retry of it (answered with the hint shown) and a drill session, grabbed at
1280x800 on whatever X display this process has (the `screenshots` command
gives it a fresh Xvfb). Runs against a throwaway database, never the
trainee's own records.

Run as `python -m gui.screenshots OUT_DIR` with DISPLAY set."""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

SIZE = (1280, 800)
PEOPLE = ("Ann Lee", "Ben Ortiz", "Chloe Park")


def _wait(app, cond, timeout: float) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not cond() and time.monotonic() < deadline:
        # sleep outside Qt: QTest.qWait keeps the GIL and starves the background threads
        QApplication.processEvents()
        time.sleep(0.03)
    return cond()


def _grab(window, path: Path) -> Path:
    from PySide6.QtTest import QTest

    QTest.qWait(300)  # let the last layout pass and repaint land on the X server
    pixmap = window.screen().grabWindow(window.winId())
    if pixmap.isNull() or pixmap.width() < 10:
        pixmap = window.grab()
    pixmap.save(str(path))
    return path


def take(out: Path, scenario: str = "burger") -> list[Path]:
    import numpy as np

    from engine.policies import greedy_policy
    from gui.app import make_app
    from gui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    tmp = Path(tempfile.mkdtemp(prefix="kitchen-coach-shots-"))
    settings = tmp / "settings.json"
    settings.write_text(json.dumps({"seconds_per_tick": None, "condition": "mined"}))
    window = MainWindow(db=f"sqlite:///{tmp / 'records.db'}", settings_path=settings, seed=0)
    window.setGeometry(0, 0, *SIZE)
    window.setFixedSize(*SIZE)
    window.show()
    _wait(app, lambda: window.store is not None, 20)
    for name in PEOPLE:
        window.store.person(name)
    window._store_opened(window.store, "")
    window.start_screen.set_people(list(PEOPLE), PEOPLE[0])
    window.start_screen.select_scenario(scenario)
    files = [_grab(window, out / "start.png")]

    window.start_round(PEOPLE[0], scenario)
    screen, session = window.round_screen, window.session
    model, kitchen = session.model, session.model.kitchen
    _wait(app, lambda: window.engine.expert_ready or window.engine.failure, 120)
    screen.begin()  # the trainee presses Start
    rng = np.random.default_rng(0)
    for _ in range(2):  # two ticks of a habit the research wanted to break: nobody left idle
        for w, j in greedy_policy(kitchen, model.state, rng).items():
            session.assign(j, w)
        screen.end_tick()
        _wait(app, lambda: not session.outstanding, 60)
    tips = screen.tips
    _wait(app, lambda: tips.tips or not tips.empty_text.startswith("Working"), 120)
    decision = greedy_policy(kitchen, model.state, rng)
    if decision:
        w, j = next(iter(decision.items()))
        session.assign(j, w)
    open_now = [j for j in kitchen.open_tasks(model.state) if j not in model.pending.values()]
    if open_now:
        screen.board.select(open_now[0])
    screen.stop()
    screen.board.set_countdown(2.6, kitchen.scenario.seconds_per_tick or 4)
    screen.redraw()
    files.append(_grab(window, out / "round.png"))

    while not model.done:
        model.clear()
        for w, j in greedy_policy(kitchen, model.state, rng).items():
            session.assign(j, w)
        screen.end_tick()
    _wait(app, lambda: session._closed, 180)
    after = window.summary_screen.tips
    _wait(app, lambda: after.tips or not after.empty_text.startswith("Working"), 120)
    window.summary_screen.refresh()
    files.append(_grab(window, out / "summary.png"))
    files += _learning(app, window, out, session.round_id)
    window.close()
    return files


def _learning(app, window, out: Path, round_id: int) -> list[Path]:
    """review.png, drill.png and retry.png: the learning loop after the round above
    (the drill before the retry, which answers the mistake and takes it out of the
    due queue). A round without a mistake retries its first decision instead."""
    from engine.optimum import decisions_from, solve

    learning, store = window.learning, window.store
    record = store.load_round(round_id)
    costly = [d.tick for d in record.decisions if d.verdict in ("mistake", "blunder")]
    if costly:  # queued after the round, tagged off the GUI thread
        _wait(app, lambda: (store.mistake(round_id, costly[0]) or SimpleNamespace(rule_text="")).rule_text, 60)
    learning.open_review(round_id)
    viewer = learning.review.viewer
    viewer.next_mistake()
    files = [_grab(window, out / "review.png")]
    drill = learning.drill()
    drill.setFixedSize(*SIZE)
    drill.move(0, 0)
    drill.fresh.setChecked(True)
    if drill.start_button.isEnabled():
        drill.start()
        drill.panel.show_hint()
    files.append(_grab(drill, out / "drill.png"))
    drill.close()
    tick = costly[0] if costly else (record.decisions[0].tick if record.decisions else None)
    if tick is not None:
        dialog = learning.retry(round_id, tick)
        panel = dialog.panel
        dialog.setFixedSize(*SIZE)
        dialog.move(0, 0)
        if panel.hint_button.isEnabled():
            panel.show_hint()
        p = panel.position
        sol = solve(p.kitchen, p.state, time_limit=10)
        best = decisions_from(p.kitchen, p.state, sol.schedule).get(p.state.tick, {}) if sol.proven else {}
        for w, j in best.items():
            panel.model.assign(j, w)
        panel._redraw()
        panel.check()
        _wait(app, lambda: panel.result is not None, 60)
        if panel.result is not None:
            panel.expert_button.click()
        files.append(_grab(dialog, out / "retry.png"))
        dialog.close()
    return files

if __name__ == "__main__":
    for f in take(Path(sys.argv[1]), *(sys.argv[2:3])):
        print(f)
