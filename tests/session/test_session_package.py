"""The session package's boundaries: the core never imports the UI or the CLI
that follow it (Kivy, kiosk, kioskctl)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SESSION = ROOT / "session"
FORBIDDEN = {"kivy", "kiosk", "kioskctl"}


def imported_names(path: Path) -> list[str]:
    """Every absolute import in the file, at its top or inside a function."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_session_never_imports_the_ui_or_the_cli():
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in SESSION.rglob("*.py")
        for name in imported_names(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert found == set()


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def show():\n    from kivy.clock import Clock\n    import kiosk.app\n", encoding="utf-8")
    assert imported_names(module) == ["kivy.clock", "kiosk.app"]


def test_importing_every_session_module_loads_no_kivy():
    code = (
        "import importlib, pkgutil, sys, session\n"
        "for m in pkgutil.walk_packages(session.__path__, 'session.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('kivy', 'kiosk', 'kioskctl')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
