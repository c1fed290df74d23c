"""Can Qt open a window here? Asked before the QApplication exists, because
when it cannot, Qt aborts the whole process (exit 134) with a hint about
libxcb-cursor whatever the real cause: no display at all, a display nobody
can reach, or some other library missing. Nothing here imports Qt.

Only the xcb platform is checked; Wayland, offscreen, vnc and the rest are
left to Qt, which reports those well enough or needs no display server.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import sys
from pathlib import Path

HEADLESS_HINT = "run it on a desktop, or set QT_QPA_PLATFORM=offscreen for a headless check"


def display_problem(env=None) -> str | None:
    """One line saying why no window can open, or None when Qt should manage."""
    env = os.environ if env is None else env
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None  # macOS and Windows always have their own platform plugin and a screen
    platform = env.get("QT_QPA_PLATFORM", "").strip()
    if ";" in platform:
        return None  # a fallback list: Qt tries each in turn
    name = platform.split(":")[0]
    if name not in ("", "xcb") or (name == "" and env.get("WAYLAND_DISPLAY")):
        return None
    display = env.get("DISPLAY", "").strip()
    if not display:
        if name == "xcb":
            return f"no display: QT_QPA_PLATFORM=xcb but DISPLAY is not set; {HEADLESS_HINT}"
        return f"no display: neither DISPLAY nor WAYLAND_DISPLAY is set; {HEADLESS_HINT}"
    plugin = xcb_plugin()
    missing = missing_library(plugin) if plugin is not None else None
    if missing:
        return (f"cannot open a window: Qt's xcb platform needs {missing}, which is not installed "
                f"(Debian/Ubuntu: apt-get install {debian_package(missing)})")
    if not can_connect(display):
        return f"no display: cannot connect to the X display {display!r} (DISPLAY); {HEADLESS_HINT}"
    return None


def xcb_plugin() -> Path | None:
    """PySide6's own xcb platform plugin, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.is_file() else None


def missing_library(path: Path) -> str | None:
    """The shared library that keeps `path` from loading, if one is missing.
    Loading it is what Qt does next anyway, so this costs nothing extra; the
    dynamic loader names the first missing dependency."""
    try:
        ctypes.CDLL(str(path))
    except OSError as e:
        m = re.match(r"([^:\s]+): cannot open shared object file", str(e))
        if m and m[1] != str(path):
            return m[1]
    return None


def debian_package(soname: str) -> str:
    """The usual Debian package of a library: libxcb-cursor.so.0 -> libxcb-cursor0,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0."""
    m = re.fullmatch(r"(lib[\w+.-]*?)\.so\.(\d+).*", soname)
    if not m:
        return soname
    base, major = m[1].lower(), m[2]
    return f"{base}-{major}" if base[-1].isdigit() else f"{base}{major}"


def can_connect(display: str) -> bool:
    """Whether the X server answers, asked the way Qt asks (libxcb), so the
    answer covers a stopped server, a wrong number and a refused cookie alike."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # cannot ask; the plugin check above has named what is missing, if anything
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)  # never NULL: a failed connection carries its error
    try:
        return xcb.xcb_connection_has_error(conn) == 0
    finally:
        xcb.xcb_disconnect(conn)
