"""install.sh for real, as root, in a fresh Debian 12 made with debootstrap: the
packages, the kiosk's user, the venv, the site file, the units, the tmpfiles and
udev rules and the journal's drop-in; then a second run that changes nothing,
every installed file compared byte for byte.

Minutes, not seconds: debootstrap (about 30 s), then apt and pip inside the new
root. The root reaches the machine's Debian mirror and Python package folders
(pip's configuration and its local indexes, bound read-only), and its own CA
certificates from the host's (PLATFORM.md: this machine's network intercepts TLS).
Needs root and Debian's debootstrap: as a user with sudo (the README's case),
the test runs itself again through ``sudo -n``. The new root is unmounted and
removed afterwards (left in /tmp, its gigabytes would be searched by every
later wipe check)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIRROR = "http://deb.debian.org/debian"
#: What pip on this machine reads, bound into the new root read-only where present.
PIP_PLACES = ("/opt/wheels", "/opt/pypi", "/opt/pypi-more", "/etc/xdg/pip")


def sh(*argv: str, timeout: float = 1200) -> subprocess.CompletedProcess:
    out = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{argv}:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def installed(root: Path) -> dict[str, str]:
    """What install.sh puts in place: each file's hash (links as their target), bytecode aside."""
    found = {}
    for top in ("opt/pointnum", "etc/pointnum", "etc/systemd/system", "etc/tmpfiles.d", "etc/udev/rules.d"):
        for path in sorted((root / top).rglob("*")):
            if "__pycache__" in path.parts or (path.is_dir() and not path.is_symlink()):
                continue
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            found[str(path.relative_to(root))] = hashlib.sha256(data).hexdigest()
    drop_in = root / "etc/systemd/journald.conf.d/pointnum.conf"
    found[str(drop_in.relative_to(root))] = hashlib.sha256(drop_in.read_bytes()).hexdigest()
    return found


def mounted_below(root: Path) -> list[str]:
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        places = [line.split()[1] for line in mounts]
    return [place for place in places if place == str(root) or place.startswith(f"{root}/")]


@pytest.fixture(scope="module")
def fresh_root(tmp_path_factory):
    if os.geteuid() != 0:
        yield None  # the test runs itself again as root
        return
    if not Path("/usr/sbin/debootstrap").exists():
        pytest.fail("/usr/sbin/debootstrap missing: install Debian's debootstrap")
    root = tmp_path_factory.mktemp("debian12") / "root"
    mounts: list[Path] = []
    try:
        sh("debootstrap", "--variant=minbase", "bookworm", str(root), MIRROR)
        sh("mount", "-t", "proc", "proc", str(root / "proc"))
        mounts.append(root / "proc")
        shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
        (root / "usr/local/share/ca-certificates").mkdir(parents=True, exist_ok=True)
        for cert in Path("/usr/local/share/ca-certificates").glob("*"):
            shutil.copy(cert, root / "usr/local/share/ca-certificates" / cert.name)
        for place in PIP_PLACES:
            if Path(place).is_dir():
                (root / place.lstrip("/")).mkdir(parents=True, exist_ok=True)
                sh("mount", "--bind", "-o", "ro", place, str(root / place.lstrip("/")))
                mounts.append(root / place.lstrip("/"))
        if Path("/etc/pip.conf").exists():
            shutil.copy("/etc/pip.conf", root / "etc/pip.conf")
        sh("chroot", str(root), "apt-get", "update", "-q")
        sh("chroot", str(root), "apt-get", "install", "-y", "-q", "--no-install-recommends", "ca-certificates")
        sh("chroot", str(root), "update-ca-certificates")
        listed = sh("git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
        for name in filter(None, listed.split("\0")):
            if (ROOT / name).is_file():
                (root / "src" / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, root / "src" / name)
        yield root
    finally:
        for mount in reversed(mounts):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=60)
        left = mounted_below(root)
        assert not left, f"still mounted, {root} kept: {left}"
        shutil.rmtree(root.parent, ignore_errors=True)


def install(root: Path) -> subprocess.CompletedProcess:
    return sh("chroot", str(root), "/bin/bash", "-c", "cd /src && ./install.sh --site sous-prefecture --no-enable")


def as_root() -> None:
    """This test again, as root, through sudo (which ./test.sh has already checked may be used)."""
    done = subprocess.run(
        ["sudo", "-n", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{Path(__file__)}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3000,
    )
    assert done.returncode == 0, f"sudo -n pytest {Path(__file__).name}:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"
    assert "1 passed" in done.stdout, done.stdout[-2000:]


def test_install_sh_in_a_fresh_debian_12_then_again_changes_nothing(fresh_root):
    if fresh_root is None:
        as_root()
        return
    root = fresh_root
    first = install(root)
    assert "==> systemd is not running here: units installed, not enabled." in first.stdout
    passwd = (root / "etc/passwd").read_text()
    (user,) = [line for line in passwd.splitlines() if line.startswith("pointnum:")]
    assert user.split(":")[6] == "/usr/sbin/nologin"
    groups = (root / "etc/group").read_text()
    assert any(line.startswith("scanner:") and "pointnum" in line for line in groups.splitlines())
    assert (root / "opt/pointnum/venv/bin/kiosk").is_file() and (root / "opt/pointnum/venv/bin/kioskctl").is_file()
    site = (root / "etc/pointnum/kiosk.toml").read_text()
    assert site == (ROOT / "config/sites/sous-prefecture.toml").read_text()
    assert sorted(p.name for p in (root / "etc/systemd/system").glob("pointnum-*")) == sorted(
        p.name for p in (ROOT / "systemd").glob("*.service")
    )
    unit = (root / "etc/systemd/system/pointnum-kiosk.service").read_text()
    assert unit == (ROOT / "systemd/pointnum-kiosk.service").read_text()
    assert (root / "etc/udev/rules.d/70-pointnum.rules").is_file()
    assert (root / "etc/tmpfiles.d/pointnum.conf").is_file()
    # The installed kioskctl reads the installed site file, in the root, and says what is missing.
    doctor = subprocess.run(
        ["chroot", str(root), "/opt/pointnum/venv/bin/kioskctl", "doctor", "--only", "disk"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert doctor.stdout.splitlines()[0].startswith("OK     configuration    /etc/pointnum/kiosk.toml"), doctor
    before = installed(root)
    install(root)
    after = installed(root)
    changed = sorted(name for name in after if after.get(name) != before.get(name))
    # pip notes where it installed from (install.sh's temporary copy, new each run) and that note's hash.
    assert [Path(name).name for name in changed] == ["RECORD", "direct_url.json"], changed
    assert sorted(set(after) ^ set(before)) == []
