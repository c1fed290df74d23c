"""The layer rules of docs/ARCHITECTURE.md: engine and tips never import Qt or
gui, engine never imports tips, and the command line starts without Qt or torch."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph")
FORBIDDEN = {
    "engine": QT + ("gui", "tips"),
    "tips": QT + ("gui",),
}


def imported_modules(path: Path):
    """Every module an `import` or `from ... import` in the file names (lazy imports inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            yield node.lineno, str(node.args[0].value)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(layer):
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"no sources under {layer}/"
    bad = [f"{f.relative_to(ROOT)}:{line}: {mod}"
           for f in files for line, mod in imported_modules(f)
           if mod.split(".")[0] in FORBIDDEN[layer]]
    assert not bad, "layer rule broken:\n" + "\n".join(bad)


def test_the_checker_sees_a_forbidden_import(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def later():\n    from PySide6.QtCore import QObject\n    import importlib\n"
                 "    importlib.import_module('gui.app')\n")
    assert [m for _, m in imported_modules(f)] == ["PySide6.QtCore", "importlib", "gui.app"]


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return {m.split(".")[0] for m in out.stdout.split()}


def test_engine_and_tips_load_without_qt():
    mods = [f"{layer}.{p.stem}" for layer in ("engine", "tips") for p in sorted((ROOT / layer).glob("*.py"))
            if p.stem != "__init__"]
    loaded = _loaded_after("import importlib\nfor m in %r:\n    importlib.import_module(m)" % mods)
    assert not loaded & set(QT + ("gui",))


def test_command_line_starts_without_qt_or_torch():
    loaded = _loaded_after("from gui.cli import build_parser\nbuild_parser()")
    assert not loaded & set(QT + ("torch",))
