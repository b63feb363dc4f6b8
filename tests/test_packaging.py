"""A regular install (install.sh's) must carry every data file the code
reads: procedures, site templates, catalogues, scripts, kv files, samples."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kiosk", "kioskctl", "session", "drivers", "ants", "config", "userfacing")


def test_the_wheel_carries_every_data_file(tmp_path):
    # Built from a copy of the tracked files: setuptools writes build/ and
    # *.egg-info into the folder it builds, which must not be the checkout.
    tracked_all = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    source = tmp_path / "source"
    for rel in tracked_all:
        if (ROOT / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, source / rel)
    before = set(ROOT.iterdir())
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert set(ROOT.iterdir()) == before, "building the wheel wrote into the checkout"
    wheel = next(tmp_path.glob("pointnum-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data = [p for p in tracked if not p.endswith(".py") and not p.endswith(".md")]
    assert data, "no data file found: is this a git checkout?"
    missing = [p for p in data if p not in names]
    assert missing == []
    assert [p for p in PACKAGES if f"{p}/__init__.py" not in names] == []  # every top-level package
