import os
import sys
from pathlib import Path

# Qt tests run without a screen; a test that needs a real X server sets DISPLAY itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
