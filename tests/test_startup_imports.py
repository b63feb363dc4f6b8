"""Cold start: the welcome screen must not wait for the libraries a user's
session brings (HTTP, images, PDF, the receipt printer's, the statistics').
Building the services and importing the controller leaves them unloaded; the
app loads them off the UI thread once the first frame is up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = [
    "escpos",
    "numpy",
    "PIL",
    "requests",
    "sqlite_utils",
    "img2pdf",
    "pikepdf",
    "barcode",
    "reportlab",
    "pyinsane2",
    "pyudev",
]

# Run in a fresh process: this one has loaded everything already.
CODE = """
import json, sys
heavy = json.loads(sys.argv[2])
loaded = lambda: sorted(m for m in heavy if m in sys.modules)

from config import load_settings
from config.factories import build_services

services = build_services(load_settings(overrides=json.loads(sys.argv[1])))
with_services = loaded()
import kiosk.controller
if "kivy.core.image.img_pil" in sys.modules:  # Kivy's own image provider, loaded with the window
    heavy.remove("PIL")
with_controller = loaded()
services.close()
print(json.dumps([with_services, with_controller]))
"""


@pytest.mark.parametrize(
    "site",
    [
        {},  # the defaults: simulated scanner, capture printers
        {
            "scanner": {"driver": "sane"},
            "printer": {"driver": "network", "host": "192.0.2.7"},
            "a4": {"driver": "cups"},
        },
    ],
)
def test_starting_loads_no_heavy_library(tmp_path, site):
    overrides = {**site, "workspace": {"root": str(tmp_path / "ws")}, "stats": {"path": str(tmp_path / "stats.db")}}
    done = subprocess.run(
        [sys.executable, "-c", CODE, json.dumps(overrides), json.dumps(HEAVY)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with_services, with_controller = json.loads(done.stdout.strip().splitlines()[-1])
    assert with_services == []
    assert with_controller == []
