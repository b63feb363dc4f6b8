"""install.sh, staged under a temporary folder (--dest) from a copy of this checkout:
it writes nothing into the checkout (root running it from a user's checkout would
leave root-owned files there), installs files with its own ownership and mode,
checks the installed package, not the checkout's, and says the right things."""

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OWNER = 12345  # a checkout's owner who is not the installer (when the test can make one: as root)


def _copy_checkout(dest: Path) -> None:
    """This checkout as a fresh clone of it would hold it, with the work in progress."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        )
        .stdout.decode()
        .split("\0")
    )
    files = [f for f in listed if f and (ROOT / f).is_file()]
    assert "install.sh" in files, "not a git checkout?"
    for name in files:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)


def _snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry with what a write would change (a file created then deleted changes its folder)."""
    entries = {}
    for path in [folder, *folder.rglob("*")]:
        st = path.lstat()
        entries[str(path.relative_to(folder))] = (st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime_ns)
    return entries


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("install")
    checkout, dest = tmp / "checkout", tmp / "dest"
    _copy_checkout(checkout)
    (checkout / "README.md").chmod(0o600)  # a user whose umask is 077
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{OWNER}:{OWNER}", str(checkout)], check=True, timeout=60)
    # The venv install.sh would make, made first and seeing this test run's packages:
    # install.sh then installs the project into it without fetching its dependencies.
    venv = dest / "opt/pointnum/venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    site = Path(
        subprocess.run(
            [venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # What an earlier version installed: a purge unit of its own.
    units = dest / "etc/systemd/system"
    units.mkdir(parents=True)
    (units / "pointnum-purge.service").write_text("[Service]\nRemainAfterExit=yes\n")
    before = _snapshot(checkout)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONSAFEPATH")
    }
    run = subprocess.run(
        ["bash", "./install.sh", "--dest", str(dest), "--no-enable"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return checkout, dest, before, run


def test_install_writes_nothing_into_the_checkout(staged):
    """No build/, no *.egg-info, no __pycache__ (the import check ran from the checkout,
    on its config), nothing changed."""
    checkout, _, before, _ = staged
    after = _snapshot(checkout)
    assert sorted(set(after) - set(before)) == []
    assert sorted(set(before) - set(after)) == []
    assert [p for p in before if before[p] != after[p]] == []
    if os.geteuid() == 0:
        assert [p for p, entry in after.items() if entry[1] != OWNER] == []


def test_installed_files_have_the_installers_ownership_and_mode(staged):
    checkout, dest, _, _ = staged
    readme = dest / "opt/pointnum/README.md"
    st = readme.stat()
    assert (oct(st.st_mode & 0o7777), st.st_uid, st.st_gid) == ("0o644", os.geteuid(), os.getegid())
    assert readme.read_bytes() == (checkout / "README.md").read_bytes()
    for path in (dest / "etc").rglob("*"):
        assert path.stat().st_uid == os.geteuid(), path


def test_the_units_read_the_site_file_install_writes_and_the_old_purge_unit_is_gone(staged):
    _, dest, _, _ = staged
    units = dest / "etc/systemd/system"
    assert sorted(p.name for p in units.iterdir()) == [
        "pointnum-ants-mock.service",
        "pointnum-broker.service",
        "pointnum-console.service",
        "pointnum-kiosk.service",
    ]
    kiosk = (units / "pointnum-kiosk.service").read_text()
    assert kiosk.count("--config /etc/pointnum/kiosk.toml") == 3  # the purge's, the kiosk's, the stop's metrics
    assert (dest / "etc/pointnum/kiosk.toml").read_text() == (ROOT / "config/sites/prefecture.toml").read_text()


def test_install_says_what_it_installs_and_the_hint_works(staged, tmp_path):
    """No "Python packages ()", and the closing hint is a command that runs: a procedure
    named, nothing sent to ANTS (it points at a closed port here), the printer used."""
    _, dest, _, run = staged
    lines = run.stdout.splitlines()
    assert "==> Python packages" in lines and "()" not in run.stdout
    hint = shlex.split(lines[-1])
    assert hint[:3] == ["sudo", "-u", "pointnum"] and hint[3] == f"{dest}/opt/pointnum/venv/bin/kioskctl"
    assert hint[4:] == ["simulate", "--procedure", "permis-releve", "--sessions", "1"]
    ram = Path("/dev/shm") / f"pointnum-install-{os.getpid()}"  # a workspace must be on tmpfs
    site = tmp_path / "site.toml"
    site.write_text(f"""config_version = 1
[ants]
base_url = "http://127.0.0.1:9"
[scanner]
driver = "simulated"
[printer]
driver = "capture"
[workspace]
root = "{ram}/sessions"
[stats]
path = "{tmp_path}/stats.db"
""")
    try:
        out = subprocess.run([hint[3], "--config", str(site), *hint[4:]], capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(ram, ignore_errors=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines() == ["session 1: (explications imprimées)"]


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file's bytes (links as their target), __pycache__ aside (Python rewrites it at will)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts or path.is_dir():
            continue
        found[str(path.relative_to(folder))] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return found


def test_a_second_run_changes_nothing(staged):
    """Idempotent: the same site file (the technician's, kept), units, rules and code, byte for byte."""
    checkout, dest, _, _ = staged
    before = _contents(dest)
    (dest / "etc/pointnum/kiosk.toml").write_text(
        "# the technician's own\n" + (dest / "etc/pointnum/kiosk.toml").read_text()
    )
    kept = (dest / "etc/pointnum/kiosk.toml").read_bytes()
    again = subprocess.run(
        ["bash", "./install.sh", "--dest", str(dest), "--no-enable", "--site", "mairie"],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    after = _contents(dest)
    assert after.pop("etc/pointnum/kiosk.toml") == kept  # never overwritten, whatever --site says
    before.pop("etc/pointnum/kiosk.toml")
    assert sorted(set(after) ^ set(before)) == []
    changed = [name for name in after if after[name] != before[name]]
    # pip notes where it installed from (install.sh's temporary copy, new each run) and that note's hash.
    assert sorted(Path(name).name for name in changed) == ["RECORD", "direct_url.json"], changed
    assert all("/pointnum-0" in name and ".dist-info/" in name for name in changed), changed


def test_the_installed_site_file_says_the_backend_is_still_to_name(staged):
    _, _, _, run = staged
    assert "==> To do before the kiosk can serve: " in run.stdout
    assert "[ants.base_url] = ''" in run.stdout
    assert "    sudo -u pointnum " in run.stdout and "kioskctl doctor" in run.stdout


def test_site_by_template_name_and_an_unknown_one(tmp_path):
    out = subprocess.run(
        ["bash", "./install.sh", "--dest", str(tmp_path / "d"), "--site", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "install.sh: no site file config/sites/nope.toml "
        "(templates: demo france-services mairie prefecture sous-prefecture)"
    )
