"""The leftovers search on a real machine: mount points, special files,
other users' files, overlapping places, its bounds, and the technician's
``kioskctl verify-clean`` report of them.

Mounts are made in a private mount namespace (``unshare``), so that a test
killed half-way leaves no procfs under /tmp: as root it is root's own
namespace (``/proc/kmsg`` readable, and blocking, as on a kiosk), as another
user a user namespace where that user is root."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

import session.wipe as wipe
from session.wipe import OTHER_FILESYSTEM, CheckReport, NotSearched, check_leftovers, kiosk_writers, needles_of
from support import make_canary, wait_until

ROOT = Path(__file__).resolve().parents[2]
CANARY = make_canary()
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"

# Run by the child in the namespace: the check's report as JSON.
CHECK = """
import json, sys
from pathlib import Path
from session.wipe import check_leftovers, needles_of
report = check_leftovers([Path(p) for p in sys.argv[2:]], needles_of([sys.argv[1]]))
print(json.dumps({"found": [f.place for f in report.findings], "files_read": report.files_read,
                  "not_searched": [[n.place, n.reason] for n in report.not_searched],
                  "complete": report.complete}))
"""


def in_mount_namespace(setup: str, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the shell commands ``setup`` (mounts), then ``argv``, in a private
    mount and pid namespace; fails the test if that takes over ``timeout``."""
    unshare = shutil.which("unshare", path=SYSTEM_PATH)
    if unshare is None:
        pytest.fail("unshare is missing: apt-get install util-linux")
    namespace = [unshare, "--mount", "--propagation", "private", "--pid", "--fork"]
    if os.geteuid() != 0:
        namespace.insert(1, "--map-root-user")
    script = setup + ' && exec "$@"'
    try:
        done = subprocess.run(
            [*namespace, "sh", "-c", script, "sh", *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env={**os.environ, "PATH": SYSTEM_PATH},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still searching after {timeout} s: it blocked")
    assert done.returncode in (0, 1, 3), f"{script} failed ({done.returncode}):\n{done.stderr}"
    return done


def check_in_namespace(setup: str, places: list[Path]) -> dict:
    done = in_mount_namespace(setup, [sys.executable, "-c", CHECK, CANARY, *map(str, places)])
    return json.loads(done.stdout)


def test_a_procfs_under_a_place_is_not_entered(tmp_path):
    (tmp_path / "x" / "proc").mkdir(parents=True)
    (tmp_path / "notes.txt").write_text(f"rendez-vous de {CANARY}")
    result = check_in_namespace(f"mount -t proc proc {tmp_path / 'x' / 'proc'}", [tmp_path])
    assert result["found"] == [str(tmp_path / "notes.txt")]
    assert result["files_read"] == 1
    assert result["not_searched"] == [[str(tmp_path / "x" / "proc"), OTHER_FILESYSTEM]]
    assert result["complete"]


def test_kioskctl_verify_clean_with_a_procfs_under_tmp(tmp_path, workspace_root):
    """The reproduction as the issue told it: ``kioskctl verify-clean`` with a
    procfs mounted under /tmp blocked on ``kmsg``."""
    assert str(tmp_path).startswith("/tmp/"), "pytest's folder is expected under /tmp, a place searched"
    site = tmp_path / "site.toml"
    site.write_text(
        f'config_version = 1\n[workspace]\nroot = "{workspace_root}"\n'
        f'[stats]\npath = "{tmp_path / "data" / "stats.db"}"\n'
    )
    mount_point = tmp_path / "x" / "proc"
    mount_point.mkdir(parents=True)
    canary = make_canary()  # CANARY is in the other tests' folders, under /tmp too
    done = in_mount_namespace(
        f"mount -t proc proc {mount_point}",
        [sys.executable, "-m", "kioskctl", "--config", str(site), "verify-clean", "--canary", canary],
        timeout=120,
    )
    assert f"NOT SEARCHED {mount_point} (other filesystem)\n" in done.stdout
    assert "FOUND" not in done.stdout
    # Clean, or incomplete for what else this machine keeps in /tmp (a file over 64 MiB): never a finding.
    assert done.returncode in (0, 3), done.stdout
    assert done.stdout.rstrip().splitlines()[-1].endswith("clean") == (done.returncode == 0)


def test_a_place_on_another_filesystem_is_searched_on_its_own(tmp_path):
    mounted = tmp_path / "mnt"
    mounted.mkdir()
    setup = f"mount -t tmpfs pointnum-test {mounted} && printf %s {CANARY} > {mounted / 'left.txt'}"
    outer = check_in_namespace(setup, [tmp_path])
    assert outer["found"] == [] and outer["files_read"] == 0
    assert outer["not_searched"] == [[str(mounted), OTHER_FILESYSTEM]]
    both = check_in_namespace(setup, [tmp_path, mounted])
    assert both["found"] == [str(mounted / "left.txt")]


def released(fifo: Path) -> None:
    """Give a reader blocked in open() on ``fifo`` the writer it waits for."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # nobody is blocked on it


def finishes(fn, fifo: Path, timeout: float = 10.0):
    """``fn()``'s result, or a failure if it blocks; a reader stuck on ``fifo`` is released after."""
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("result", fn()), daemon=True)
    worker.start()
    try:
        wait_until(lambda: not worker.is_alive(), timeout=timeout, message="the search to end")
    finally:
        if worker.is_alive():
            released(fifo)
            worker.join(timeout)
    return out["result"]


def test_fifos_sockets_devices_and_links_are_not_opened(tmp_path):
    place = tmp_path / "place"
    place.mkdir()
    fifo = place / "fifo"
    os.mkfifo(fifo)
    (place / "link-to-fifo").symlink_to(fifo)
    outside = tmp_path / "outside.txt"
    outside.write_text(CANARY)
    (place / "link-to-a-file").symlink_to(outside)  # not followed: the target is searched where it lies
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(place / "sock"))
        if os.geteuid() == 0:
            os.mknod(place / "zero", stat.S_IFCHR | 0o666, os.makedev(1, 5))  # as /dev/zero: endless
        (place / "kept.txt").write_text(CANARY)
        report = finishes(lambda: check_leftovers([place], needles_of([CANARY])), fifo)
    assert [f.place for f in report.findings] == [str(place / "kept.txt")]
    assert report.files_read == 1 and report.not_searched == []


def test_dev_is_searched_without_opening_a_device(tmp_path):
    fifo = tmp_path / "fifo"  # nothing in /dev to release: a stand-in, should a read block
    os.mkfifo(fifo)
    report = finishes(lambda: check_leftovers([Path("/dev")], needles_of([CANARY])), fifo, timeout=30)
    regular = [
        p
        for p in Path("/dev").rglob("*")
        if p.is_file() and not p.is_symlink() and os.stat(p).st_dev == os.stat("/dev").st_dev
    ]
    assert report.files_read <= len(regular)
    if os.path.ismount("/dev/shm"):
        assert NotSearched("/dev/shm", OTHER_FILESYSTEM) in report.not_searched
    assert report.clean and report.complete


def test_a_file_turned_into_a_fifo_after_it_was_listed_is_not_waited_for(tmp_path):
    """The race between the listing (lstat) and the opening: without
    O_NONBLOCK, open() on a FIFO without a writer never returns."""
    path = tmp_path / "page.txt"
    path.write_text(CANARY)
    listed = os.lstat(path)
    path.unlink()
    os.mkfifo(path)
    report = CheckReport()
    search = wipe._Search(
        wipe._Needles(needles_of([CANARY])),
        report,
        since=None,
        writers=wipe.Writers.of([os.geteuid()]),
        excluded=set(),
        deadline=float("inf"),
        max_bytes=wipe.BYTE_BUDGET,
        max_file=wipe.MAX_FILE,
    )
    finishes(lambda: search.file(str(path), listed), path)
    assert report.findings == [] and report.files_read == 0


def test_only_what_the_kiosks_user_could_have_written_is_read(tmp_path):
    me = os.geteuid()
    other = 4242 if me != 4242 else 4243
    mine = tmp_path / "mine.txt"
    mine.write_text(CANARY)
    os.chmod(mine, 0o644)
    # Someone else's point of view: not their file, not writable by them.
    report = check_leftovers([tmp_path], needles_of([CANARY]), writers=[other])
    assert report.files_read == 0 and report.clean and report.complete
    os.chmod(mine, 0o646)  # anyone may write it: it is read
    assert [f.place for f in check_leftovers([tmp_path], needles_of([CANARY]), writers=[other]).findings] == [str(mine)]
    os.chmod(mine, 0o644)
    assert not check_leftovers([tmp_path], needles_of([CANARY])).clean  # by default: the user running it


def test_root_reads_the_files_of_the_user_owning_the_kiosks_folders(tmp_path):
    place = tmp_path / "kiosk"
    place.mkdir()
    if os.geteuid() != 0:
        assert kiosk_writers([place]) == {os.geteuid()}  # another user's files are out of reach anyway
        return
    os.chown(place, 4242, 4242)
    assert kiosk_writers([place]) == {0, 4242}
    for name, owner in (("kiosk.txt", 4242), ("root.txt", 0), ("someone.txt", 4343)):
        (place / name).write_text(CANARY)
        os.chown(place / name, owner, owner)
    report = check_leftovers([place], needles_of([CANARY]))
    assert sorted(os.path.basename(f.place) for f in report.findings) == ["kiosk.txt", "root.txt"]


@pytest.fixture
def open_folder():
    """A folder under /tmp that any user can reach (pytest's own is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="pointnum-test-"))
    os.chmod(folder, 0o755)
    yield folder
    for path, folders, _ in os.walk(folder):
        for name in folders:  # locked by the test: opened before os.walk enters them
            os.chmod(os.path.join(path, name), 0o700)
    shutil.rmtree(folder, ignore_errors=True)


def check_as_nobody(places: list[Path]) -> dict:
    """The check run by an unprivileged user (the kiosk's): as root, through setpriv."""
    if os.geteuid() != 0:
        report = check_leftovers(places, needles_of([CANARY]))
        return {
            "found": [f.place for f in report.findings],
            "complete": report.complete,
            "not_searched": [[n.place, n.reason] for n in report.not_searched],
        }
    setpriv = shutil.which("setpriv", path=SYSTEM_PATH)
    if setpriv is None:
        pytest.fail("setpriv is missing: apt-get install util-linux")
    done = subprocess.run(
        [
            setpriv,
            "--reuid",
            "65534",
            "--regid",
            "65534",
            "--clear-groups",
            sys.executable,
            "-c",
            CHECK,
            CANARY,
            *map(str, places),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_unreadable_file_or_place_of_the_kiosks_user_makes_the_report_incomplete(open_folder):
    place = open_folder / "kiosk"
    place.mkdir()
    (place / "locked.txt").write_text(CANARY)
    os.chmod(place / "locked.txt", 0o200)
    locked = open_folder / "locked-place"
    (locked / "inside").mkdir(parents=True)
    os.chmod(locked, 0o300)  # can be entered, not listed
    hidden = open_folder / "hidden"
    (hidden / "place").mkdir(parents=True)
    os.chmod(hidden, 0o000)  # the place in it cannot be reached
    if os.geteuid() == 0:  # root reads anything: the check runs as the kiosk's user, nobody
        for path in (place, place / "locked.txt", locked, locked / "inside", hidden, hidden / "place"):
            os.chown(path, 65534, 65534)
    result = check_as_nobody([place, locked / "inside"])
    assert result["found"] == [] and not result["complete"]
    assert result["not_searched"] == [[str(place / "locked.txt"), "unreadable"]]
    assert check_as_nobody([locked, hidden / "place", open_folder / "missing"])["not_searched"] == [
        [str(locked), "unreadable"],
        [str(hidden / "place"), "unreadable"],
    ]


def test_a_file_under_two_overlapping_places_is_reported_once(tmp_path):
    inner = tmp_path / "pointnum-xyz"
    inner.mkdir()
    (inner / "page.txt").write_text(CANARY)
    os.link(inner / "page.txt", tmp_path / "same-file.txt")  # one file, two names
    for places in ([tmp_path, inner], [inner, tmp_path]):
        report = check_leftovers(places, needles_of([CANARY]))
        assert len(report.findings) == 1 and report.files_read == 1, places


def test_the_time_limit_reports_what_was_not_searched(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.txt").write_text(CANARY)
    other = tmp_path / "other"
    other.mkdir()
    report = check_leftovers([tmp_path / "a", other, tmp_path / "missing"], needles_of([CANARY]), time_limit=0)
    assert report.files_read == 0 and report.clean and not report.complete
    assert report.not_searched == [
        NotSearched(str(tmp_path / "a"), "time limit"),
        NotSearched(str(other), "time limit"),
    ]


def test_the_byte_budget_and_the_largest_file(tmp_path):
    (tmp_path / "a.txt").write_text("x" * 100)
    (tmp_path / "b.txt").write_text("y" * 100 + CANARY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text(CANARY)
    report = check_leftovers([tmp_path], needles_of([CANARY]), max_bytes=150)
    assert report.files_read == 1 and report.bytes_read == 100 and report.clean and not report.complete
    assert report.not_searched == [NotSearched(str(tmp_path), "byte budget")]
    report = check_leftovers([tmp_path], needles_of([CANARY]), max_file=100)
    assert [f.place for f in report.findings] == [str(tmp_path / "sub" / "c.txt")]
    assert report.not_searched == [NotSearched(str(tmp_path / "b.txt"), "too large")] and not report.complete


def test_a_canary_across_the_real_chunk_boundary(tmp_path):
    for name, encoded in (("utf8", CANARY.encode()), ("utf16", CANARY.encode("utf-16-le"))):
        for cut in (1, len(encoded) // 2, len(encoded) - 1):
            (tmp_path / f"{name}-{cut}").write_bytes(b"\x00" * (wipe.CHUNK - cut) + encoded + b"\x00" * 10)
    (tmp_path / "near-miss").write_bytes(b"\x00" * (wipe.CHUNK - 3) + CANARY.encode()[:-1] + b"\x00")
    report = check_leftovers([tmp_path], needles_of([CANARY]))
    assert len(report.findings) == 6 and report.files_read == 7
    assert str(tmp_path / "near-miss") not in [f.place for f in report.findings]


def test_every_needle_of_a_session_is_found_in_one_pass(tmp_path):
    values = [make_canary() for _ in range(20)]
    forms = (
        [(v, v.encode()) for v in values]
        + [(v, v.encode("utf-16-le")) for v in values]
        + [(v, v.lower().encode()) for v in values]
    )
    for i, (_, encoded) in enumerate(forms):
        (tmp_path / f"f{i:02d}").write_bytes(b"padding " * 50 + encoded + b" end")
    (tmp_path / "nothing").write_bytes(b"padding " * 50)
    report = check_leftovers([tmp_path], needles_of(values))
    assert sorted(f.place for f in report.findings) == [str(tmp_path / f"f{i:02d}") for i in range(60)]


def kioskctl(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_kioskctl_says_plainly_when_a_bound_stopped_it(tmp_path, workspace_root):
    site = tmp_path / "site.toml"
    site.write_text(
        f'config_version = 1\n[workspace]\nroot = "{workspace_root}"\n'
        f'[stats]\npath = "{tmp_path / "data" / "stats.db"}"\n'
    )
    done = kioskctl(site, "verify-clean", "--canary", make_canary(), "--time-limit", "0")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "(time limit)\n" in done.stdout and "FOUND" not in done.stdout
    last = done.stdout.rstrip().splitlines()[-1]
    assert "INCOMPLETE, not a proof that the kiosk is clean" in last and "--time-limit" in last
    assert not last.endswith("clean")
    help_text = kioskctl(site, "verify-clean", "--help").stdout
    assert "3  incomplete" in help_text and "1  a finding" in help_text
