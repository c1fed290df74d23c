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
