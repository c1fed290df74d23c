"""One drag with real mouse events (xdotool) on a real X server (Xvfb)."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gui.xserver import Xvfb

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
                       reason="needs Xvfb and xdotool (scripts/system-deps installs them)"),
]


def test_real_mouse_drag_assigns_the_task(tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"seconds_per_tick": 0, "condition": "none"}))
    child = Path(__file__).with_name("gui_xvfb_child.py")
    with Xvfb(1280, 800) as x:
        run = subprocess.run([sys.executable, str(child), f"sqlite:///{tmp_path / 'r.db'}", str(settings)],
                             env=x.env(), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["pending"] == {str(result["worker"]): result["task"]}
    assert result["chip_state"] == "pending"
