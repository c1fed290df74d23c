"""File dialogs must never cost a decision (issue 11).

The sequence that lost rounds: the app holds its SQLite database; a file
dialog lists the folder holding it (Settings → Browse…, or a path typed in the
desk's report dialog) and sniffs the files to pick icons, and each close() of
such a descriptor dropped the app's POSIX locks on the database; then another
process opened and closed the database, took itself for the last user,
checkpointed and deleted the -wal/-shm files, and the app went on committing
into the deleted log until it exited.

The app runs in a child process (this file, run as a script) so that it can
exit the way a killed app does, without closing its connections: what was
committed must be on disk by then.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "chef's secret"
# the second process: any SQLite client that opens the database and closes it
OPEN_AND_CLOSE = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                  "c.execute('SELECT count(*) FROM decisions').fetchone(); c.close()")

posix_locks = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads POSIX locks from /proc/locks")


@posix_locks
@pytest.mark.parametrize("dialog", ["settings-browse", "report-typed-path"])
def test_a_file_dialog_on_the_database_folder_loses_no_decision(tmp_path, dialog):
    folder, home = tmp_path / "records", tmp_path / "home"
    folder.mkdir()
    home.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), KITCHEN_COACH_CONFIG=str(home / "s.json"))
    env.pop("KITCHEN_COACH_DB", None)
    run = subprocess.run([sys.executable, __file__, dialog, str(folder)], env=env, capture_output=True,
                         text=True, timeout=180)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    from engine.records.store import open_store

    with open_store(str(folder / "records.db"), create=False) as store:
        kept = len(store.load_round(seen["round"]).decisions)
    assert kept == 10, f"{10 - kept} of 10 committed decisions lost"
    # and not by luck: listing the folder left the app's locks on the database alone
    assert seen["db_inode"] in seen["locks_before"]
    assert seen["locks_after"] == seen["locks_before"]


def test_a_report_is_never_written_over_the_database(qtbot, tmp_path, monkeypatch):
    """A report is written beside its file and renamed over it: chosen as the
    report's file, the database would be replaced by the report."""
    from engine.records.models import SUPERVISOR
    from engine.records.store import open_store
    from engine.scenario import load_scenario
    from gui.supervisor import window

    db = tmp_path / "records.db"
    with open_store(str(db)) as store:
        rid = store.start_round(store.start_session(store.person("ada")), load_scenario("burger"), 0)
        store.record_decision(rid, 0, {})
        store.set_password(store.person("boss", SUPERVISOR), PASSWORD)
        desk = window.SupervisorWindow(store, "boss", PASSWORD)
        qtbot.addWidget(desk)
        for chosen in (db, f"{db}-wal"):
            monkeypatch.setattr(window, "save_file_name", lambda *args, **kwargs: str(chosen))
            desk._ask_export(None)
            assert desk.job is None and "is the records database itself" in desk.status.text()
        desk.close()
        assert len(store.load_round(rid).decisions) == 1


def test_every_file_dialog_in_gui_is_built_by_the_helper():
    """A dialog made any other way would sniff file contents again."""
    offenders = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        if path.name == "file_dialog.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("QFileDialog", "QFileSystemModel", "QCompleter"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not offenders, "build file dialogs with gui/file_dialog.py: " + ", ".join(offenders)


# -- the app, run as a child process ------------------------------------------------------------------

def _child(dialog: str, folder: Path) -> None:
    import time

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import (
        QApplication,
        QFileDialog,
        QFileSystemModel,
        QLineEdit,
        QPushButton,
    )

    from engine.records.models import SUPERVISOR
    from engine.scenario import load_scenario
    from gui.app import make_app
    from gui.main_window import MainWindow
    from tests.cli_helpers import locked_inodes
    from tests.gui_helpers import FakeScorer

    app = make_app()
    deadline = time.monotonic() + 120

    def wait(cond):
        while not cond():
            if time.monotonic() > deadline:
                print("timed out", file=sys.stderr)
                os._exit(3)
            QApplication.processEvents()
            time.sleep(0.02)

    def when(cond, then):
        """Call `then` once `cond` holds, from the event loop (a modal dialog's exec() runs it)."""
        def poll():
            if time.monotonic() > deadline:
                print("timed out", file=sys.stderr)
                os._exit(3)
            if cond():
                then()
            else:
                QTimer.singleShot(20, poll)
        QTimer.singleShot(0, poll)

    db = folder / "records.db"
    # the database chosen in Settings, so that Browse… opens on its folder
    settings = folder.parent / "settings.json"
    settings.write_text(json.dumps({"condition": "none", "database": str(db)}))
    w = MainWindow(settings_path=settings, scorer_factory=FakeScorer)
    w.show()
    wait(lambda: w.store is not None)
    store = w.store
    session = store.start_session(store.person("ada"))
    rid = store.start_round(session, load_scenario("burger"), 0)
    for tick in range(5):
        store.record_decision(rid, tick, {})
    result = {"round": rid, "db_inode": db.stat().st_ino, "locks_before": locked_inodes()}

    def list_folder_and_close(d: QFileDialog) -> None:
        """Wait until the dialog has listed the folder, draw it, ask for every icon and type, close."""
        model = d.findChild(QFileSystemModel)
        if dialog == "report-typed-path":
            QTest.keyClicks(d.findChild(QLineEdit, "fileNameEdit"), str(folder) + "/rec")
        loaded = []
        model.directoryLoaded.connect(loaded.append)

        def done():
            d.grab()
            parent = model.index(str(folder))
            for i in range(model.rowCount(parent)):
                idx = model.index(i, 0, parent)
                idx.data(Qt.DecorationRole)
                model.type(idx)
            d.reject()
        when(lambda: str(folder) in loaded, done)

    def modal_file_dialog():
        return isinstance(QApplication.activeModalWidget(), QFileDialog)

    if dialog == "settings-browse":
        def browse():
            settings = QApplication.activeModalWidget()
            when(modal_file_dialog, lambda: list_folder_and_close(QApplication.activeModalWidget()))
            next(b for b in settings.findChildren(QPushButton) if b.text() == "Browse…").click()
            settings.reject()
        when(lambda: QApplication.activeModalWidget() is not None, browse)
        w.open_settings()
    else:
        store.set_password(store.person("boss", SUPERVISOR), PASSWORD)
        from gui.supervisor.window import SupervisorWindow

        desk = SupervisorWindow(store, "boss", PASSWORD, w)
        desk.show()
        when(modal_file_dialog, lambda: list_folder_and_close(QApplication.activeModalWidget()))
        desk._ask_export(None)
        desk.close()
    result["locks_after"] = locked_inodes()

    subprocess.run([sys.executable, "-c", OPEN_AND_CLOSE, str(db)], check=True, timeout=60)
    for tick in range(5, 10):
        store.record_decision(rid, tick, {})
    w.close()
    QApplication.processEvents()
    print(json.dumps(result), flush=True)
    # like an app that is killed, or exits without closing its connections
    os._exit(0)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _child(sys.argv[1], Path(sys.argv[2]))
