"""drivers/_lazy.py: the packages whose names load on first use (session,
drivers.printer, drivers.scanner) import none of their modules until a name
is asked for, and every name they list is there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["session", "drivers.printer", "drivers.scanner"]

CODE = """
import importlib, json, sys
package = importlib.import_module(sys.argv[1])
before = sorted(m for m in sys.modules if m.startswith(sys.argv[1] + "."))
missing = [name for name in package.__all__ if getattr(package, name, None) is None]
try:
    package.no_such_name
    unknown = None
except AttributeError as exc:
    unknown = str(exc)
print(json.dumps({"before": before, "missing": missing, "unknown": unknown,
                  "dir": sorted(set(package.__all__) - set(dir(package)))}))
"""


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_loads_its_modules_only_when_a_name_is_used(package):
    done = subprocess.run([sys.executable, "-c", CODE, package], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == []  # importing the package loaded none of its modules
    assert seen["missing"] == []  # every name of __all__ resolves
    assert seen["unknown"] == f"module {package!r} has no attribute 'no_such_name'"
    assert seen["dir"] == []  # dir() lists the names not loaded yet


def test_a_renamed_export_is_the_module_attribute_it_names():
    from drivers.scanner import _sane, sane_is_usable

    assert sane_is_usable is _sane.is_usable
