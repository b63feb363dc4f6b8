"""scripts/bootstrap.sh, which demo.sh and test.sh source: as an ordinary user,
Debian packages are installed through sudo; without sudo, or a user who may
not use it, one line says what to do and the script stops.

The script runs as an ordinary user (``nobody`` when the tests run as root),
with a PATH of its own: the few tools it needs, and a fake ``sudo`` or none."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What bootstrap.sh runs on the way to sudo (bash's builtins aside).
TOOLS = ("bash", "dirname", "basename", "id", "dpkg-query", "grep", "env")
MISSING = "pointnum-no-such-package"
#: Who runs the script: this user, or nobody when the tests run as root.
USER = "nobody" if os.getuid() == 0 else pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def user_bin():
    """A folder any user can read, with bootstrap.sh and links to TOOLS: a PATH without sudo."""
    folder = Path(tempfile.mkdtemp(prefix="pointnum-bootstrap-"))
    try:
        folder.chmod(0o755)
        (folder / "scripts").mkdir(mode=0o755)
        shutil.copy(ROOT / "scripts/bootstrap.sh", folder / "scripts/bootstrap.sh")
        (folder / "scripts/bootstrap.sh").chmod(0o644)
        (folder / "bin").mkdir(mode=0o755)
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, f"{tool} is not on this machine's PATH"
            (folder / "bin" / tool).symlink_to(found)
        (folder / "log").mkdir(mode=0o777)
        (folder / "log").chmod(0o777)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fake_sudo(folder: Path, status: int) -> Path:
    """A sudo that writes down each command it is given and answers ``status`` (runs nothing)."""
    sudo = folder / "bin/sudo"
    sudo.write_text(f'#!/bin/bash\necho "$*" >> {folder}/log/sudo\nexit {status}\n')
    sudo.chmod(0o755)
    return folder / "log/sudo"


def as_a_user(folder: Path, *packages: str) -> subprocess.CompletedProcess:
    """A test.sh that sources bootstrap.sh and calls ``apt_ensure PACKAGES``, run by USER."""
    script = folder / "test.sh"
    script.write_text(
        f"set -euo pipefail\nsource {folder}/scripts/bootstrap.sh\napt_ensure {' '.join(packages)}\necho done\n"
    )
    script.chmod(0o755)
    drop = []
    if os.getuid() == 0:
        drop = [shutil.which("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
    return subprocess.run(
        [*drop, str(folder / "bin/bash"), "test.sh"],
        cwd=folder,
        env={"PATH": str(folder / "bin"), "HOME": str(folder), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_sudo_one_line_says_what_to_do(user_bin):
    done = as_a_user(user_bin, "bash", MISSING)
    assert done.returncode == 1 and "done" not in done.stdout
    assert done.stdout == f"==> Debian packages: {MISSING}\n"
    assert done.stderr.splitlines() == [
        "test.sh: installing Debian packages needs root, and sudo is not installed: run it as root, or, as root, "
        f"install sudo and add {USER} to the sudo group (apt-get install sudo; adduser {USER} sudo), "
        "then log in again."
    ]


def test_a_user_who_may_not_use_sudo_is_told_and_nothing_runs(user_bin):
    log = fake_sudo(user_bin, status=1)
    done = as_a_user(user_bin, MISSING)
    assert done.returncode == 1 and "done" not in done.stdout
    assert done.stderr.splitlines() == [
        f"test.sh: installing Debian packages needs root, and {USER} may not use sudo: run it as root, or, as root, "
        f"add {USER} to the sudo group (adduser {USER} sudo), then log in again."
    ]
    assert log.read_text().splitlines() == ["true"]  # asked, and apt-get never tried


def test_a_user_with_sudo_installs_through_it(user_bin):
    log = fake_sudo(user_bin, status=0)
    done = as_a_user(user_bin, "bash", MISSING)
    assert done.returncode == 0 and done.stdout.endswith("done\n"), done.stderr
    assert log.read_text().splitlines() == [
        "true",
        "apt-get update -qq",
        f"env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends {MISSING}",
    ]


def test_nothing_missing_needs_no_root(user_bin):
    done = as_a_user(user_bin, "bash", "dpkg")
    assert (done.returncode, done.stdout, done.stderr) == (0, "done\n", "")
