import os
import sys
from pathlib import Path

# Qt tests run without a screen; a test that needs a real X server sets DISPLAY itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402 (after the environment above, which Qt reads on import)


@pytest.fixture
def one_torch_thread():
    """Tiny networks: extra threads only contend with the rest of the suite."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def fresh_pg_url():
    """A new database on the test PostgreSQL server (KITCHEN_COACH_TEST_PG, which
    scripts/postgres sets), dropped afterwards; the test is skipped without one."""
    import uuid

    from sqlalchemy import create_engine, text

    server = os.environ.get("KITCHEN_COACH_TEST_PG")
    if not server:
        pytest.skip("KITCHEN_COACH_TEST_PG is not set (scripts/postgres starts a server)")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"kc_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def gc_on_the_gui_thread(request):
    """In tests with Qt, Python's garbage collection runs on the GUI thread only,
    as in the app (gui/gui_thread_gc.py): a collection on a background task's
    thread could deadlock against the GUI thread."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("qapp")
    from gui.gui_thread_gc import GuiThreadGC

    if app.findChild(GuiThreadGC) is not None:  # make_app (gui/app.py) started one for good
        yield
        return
    collector = GuiThreadGC()
    try:
        yield
    finally:
        collector.stop()
        collector.deleteLater()
