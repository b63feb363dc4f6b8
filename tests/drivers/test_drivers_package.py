"""The drivers package: its boundaries and how it reports missing libraries."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "PYINSANE_SINGLE_THREAD"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, env={**environ, **env}
    )


def test_drivers_never_import_the_ui_or_the_session():
    for path in (ROOT / "drivers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in ("kivy", "session", "kiosk"), f"{path}: imports {name}"


def test_importing_drivers_loads_no_scanner_or_udev_library():
    # (python-escpos itself imports pyusb and pyserial when present)
    done = run(
        "import sys, drivers.scanner, drivers.printer, drivers.devices\n"
        "print(sorted(m for m in ('pyinsane2', 'kivy', 'pyudev') if m in sys.modules))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_missing_pyinsane2_makes_the_scanner_unavailable_with_a_reason():
    done = run(
        "import sys; sys.modules['pyinsane2'] = None\n"
        "from drivers.scanner import SaneScanner, ScannerUnavailable, sane_is_usable\n"
        "s = SaneScanner('test:0')\n"
        "assert not sane_is_usable() and not s.is_available()\n"
        "try:\n    list(s.scan())\nexcept ScannerUnavailable as e:\n    print(e)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("pyinsane2 cannot be imported")


def test_pyinsane2_gets_its_single_thread_mode():
    done = run(
        "import os\n"
        "from drivers.scanner import sane_is_usable\n"
        "assert sane_is_usable()\n"
        "import pyinsane2\n"
        "print(os.environ['PYINSANE_SINGLE_THREAD'], pyinsane2.SINGLE_THREAD)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1 True"


def test_pyinsane2_imported_out_of_process_is_refused_with_a_reason():
    done = run(
        "import pyinsane2\n"
        "from drivers.scanner import SaneScanner, ScannerUnavailable\n"
        "try:\n    list(SaneScanner('test:0').scan())\nexcept ScannerUnavailable as e:\n    print(e)\n"
    )
    assert done.returncode == 0, done.stderr
    assert "PYINSANE_SINGLE_THREAD=1" in done.stdout
