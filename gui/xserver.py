"""A throwaway X server (Xvfb) for screenshots and the real-mouse test, so
both run the same way on a desktop, in CI and on a headless box."""
from __future__ import annotations

import os
import shutil
import subprocess
import time


class XvfbMissing(RuntimeError):
    pass


class Xvfb:
    def __init__(self, width: int = 1280, height: int = 800):
        if shutil.which("Xvfb") is None:
            raise XvfbMissing("Xvfb is not installed (Debian: apt-get install xvfb; scripts/system-deps does it)")
        read, write = os.pipe()
        # -displayfd: the server picks a free display and writes its number, so parallel runs never clash
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24",
                                      "-nolisten", "tcp", "-noreset"], pass_fds=(write,),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        number = b""
        deadline = time.monotonic() + 10
        with os.fdopen(read, "rb") as f:
            while not number.endswith(b"\n") and time.monotonic() < deadline:
                chunk = f.read(1)
                if not chunk:
                    break
                number += chunk
        if not number.strip():
            self.stop()
            raise XvfbMissing("Xvfb did not start")
        self.display = f":{number.decode().strip()}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self) -> "Xvfb":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
