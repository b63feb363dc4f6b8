"""The wipe's verification: after a user's workspace is deleted, look in
every place the kiosk may have written for anything of that user.

What is looked for are the user's own values (the "needles": what they
typed, their numéro de demande, the names of their workspace files), kept in
memory only for the time of the check. Where it is looked: the workspace
root, the data directory, KIVY_HOME, the temporary directories, the log
files and whatever log output the caller captured.

What is read, and why no more:

- Each place is searched on its own filesystem: a folder on another one (a
  mount point: a procfs, a user's FUSE mount, another tmpfs) is listed as
  "other filesystem" and not entered. A procfs mounted under /tmp made the
  search block forever on ``kmsg``, which stat calls a regular file. A place
  that is itself on another filesystem (the workspaces' tmpfs) is searched:
  places are named on purpose. Only folders are compared: on an overlayfs
  whose layers sit on several filesystems, files do not share their folder's
  ``st_dev``.
- Regular files only, never through a symbolic link (the target, when it is
  in a place, is searched there): ``lstat`` first, then ``open`` with
  ``O_NONBLOCK | O_NOFOLLOW`` and ``fstat`` again, because a FIFO put in the
  file's place between the two would block ``open`` forever. FIFOs, sockets
  and devices hold nothing the kiosk left at rest and are passed over.
- Only what the kiosk's user could have written (:func:`kiosk_writers`): a
  file it owns, or one whose mode lets one of its groups or anyone write.
  Files are made with their maker's uid, and giving one away takes root.
- Each file and folder once, by ``(st_dev, st_ino)``: a place inside another
  (``/tmp`` and ``/tmp/pointnum-tmp-…``) is not walked twice, and a file is
  reported once.
- Bounded: a deadline and a budget of bytes read (``time_limit``,
  ``max_bytes``) and a largest file (``max_file``). What a bound left out is
  listed in :attr:`CheckReport.not_searched`, and such a report is not
  :attr:`~CheckReport.complete`: "nothing found" then means nothing found in
  what was read.
- One pass over the bytes for all the needles: an Aho-Corasick automaton
  (``ahocorasick_rs``, a Rust extension). A session has some 60 needles
  (20 values, 3 forms each); searching them one by one reads each chunk 60
  times, and a regular expression alternating them is slower still in
  CPython's ``re`` (benchmarks/bench_verify_clean.py measures the three).
"""

from __future__ import annotations

import errno
import os
import pwd
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ahocorasick_rs import BytesAhoCorasick, Implementation

#: Values shorter than this are too common to point to a person ("Paris", "M").
MIN_NEEDLE = 4
#: Files larger than this are not read (scans belong to the workspace only).
MAX_FILE = 64 * 1024 * 1024
#: Bytes read at once; needles are searched across chunk boundaries.
CHUNK = 1 << 20
#: Default deadline of one check, in seconds.
TIME_LIMIT = 60.0
#: Default budget of bytes read by one check.
BYTE_BUDGET = 1_000_000_000

#: Why something was not searched (:attr:`NotSearched.reason`).
OTHER_FILESYSTEM = "other filesystem"
TIME_OUT = "time limit"
OUT_OF_BUDGET = "byte budget"
TOO_LARGE = "too large"
UNREADABLE = "unreadable"


@dataclass
class Finding:
    place: str
    what: str  # "workspace" | "needle"

    def __str__(self) -> str:  # never says which value was found: that would log it
        return f"{self.what} in {self.place}"


@dataclass(frozen=True)
class NotSearched:
    """A file or folder left out; for a folder, what is under it too (a
    folder cut short by a bound may have been read in part)."""

    place: str
    reason: str  # one of OTHER_FILESYSTEM, TIME_OUT, OUT_OF_BUDGET, TOO_LARGE, UNREADABLE

    def __str__(self) -> str:
        return f"{self.place} ({self.reason})"


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    not_searched: list[NotSearched] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing found in what was searched; see :attr:`complete`."""
        return not self.findings

    @property
    def complete(self) -> bool:
        """Everything the kiosk's user could have written was searched: only
        other filesystems, left out by design, are missing."""
        return all(n.reason == OTHER_FILESYSTEM for n in self.not_searched)


def needles_of(values: Iterable[str]) -> set[bytes]:
    """The byte strings to look for: each value as UTF-8, and its UTF-16 form
    (as a widget's text might sit in a dump), long enough to mean something."""
    out: set[bytes] = set()
    for value in values:
        value = (value or "").strip()
        if len(value) < MIN_NEEDLE:
            continue
        out.add(value.encode("utf-8"))
        out.add(value.encode("utf-16-le"))
        lowered = value.lower()
        if lowered != value:
            out.add(lowered.encode("utf-8"))
    return out


def default_places(workspace_root: Path, data_dir: Path, temp_dir: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """The kiosk's own places: its workspaces, its data, Kivy's home and the
    temporary folder it runs with (a private one on tmpfs, see
    :func:`use_private_tmp`; on an appliance /tmp is private to the unit too)."""
    places = [Path(workspace_root), Path(data_dir), Path(temp_dir)]
    if os.environ.get("KIVY_HOME"):
        places.append(Path(os.environ["KIVY_HOME"]))
    places += [Path(p) for p in extra]
    seen, unique = set(), []
    for p in places:
        key = str(p.resolve()) if p.exists() else str(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


@dataclass(frozen=True)
class Writers:
    """The users whose files are searched, and their groups."""

    uids: frozenset[int]
    gids: frozenset[int]

    @classmethod
    def of(cls, uids: Iterable[int]) -> Writers:
        uids = frozenset(uids)
        gids: set[int] = set()
        for uid in uids:
            try:
                user = pwd.getpwuid(uid)
            except KeyError:  # a uid without an account has no groups to speak of
                continue
            gids.update(os.getgrouplist(user.pw_name, user.pw_gid))
        if os.geteuid() in uids:
            gids.update(os.getgroups())
            gids.add(os.getegid())
        return cls(uids, frozenset(gids))

    def could_have_written(self, st: os.stat_result) -> bool:
        mode = st.st_mode
        return (
            st.st_uid in self.uids or bool(mode & stat.S_IWOTH) or bool(mode & stat.S_IWGRP and st.st_gid in self.gids)
        )


def kiosk_writers(own_places: Iterable[Path]) -> frozenset[int]:
    """Who can have written what a user left: the user running the check
    (the kiosk itself, at the end of a session). When that is root (a
    technician's ``sudo kioskctl verify-clean``), also the owners of
    ``own_places``, the kiosk's own folders: they belong to its user (install.sh
    makes them for ``pointnum``). Root stays in: a kiosk run by root (a test, a
    demo) writes root's files. A file of any other user is not read, unless
    its mode lets one of these users or their groups write to it."""
    uids = {os.geteuid()}
    if os.geteuid() == 0:
        for place in own_places:
            try:
                uids.add(os.stat(place).st_uid)
            except OSError:
                continue
    return frozenset(uids)


class _Needles:
    """All the needles at once, in one pass over the bytes."""

    def __init__(self, needles: Iterable[bytes]):
        ordered = sorted({n for n in needles if n}, key=len, reverse=True)
        self.overlap = len(ordered[0]) - 1 if ordered else 0  # kept from one chunk to the next
        # A DFA: for some 60 needles it is small, and it matched 1.4x faster here than the default NFA.
        self._automaton = BytesAhoCorasick(ordered, implementation=Implementation.DFA) if ordered else None

    def __bool__(self) -> bool:
        return self._automaton is not None

    def found_in(self, data: bytes) -> bool:
        return self._automaton is not None and bool(self._automaton.find_matches_as_indexes(data))


class _Stop(Exception):
    """A bound was reached; ``left`` gathers what was being searched."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.left: list[str] = []


class _Search:
    def __init__(
        self,
        needles: _Needles,
        report: CheckReport,
        *,
        since: float | None,
        writers: Writers,
        excluded: set[tuple[int, int]],
        deadline: float,
        max_bytes: int,
        max_file: int,
    ):
        self.needles = needles
        self.report = report
        self.since = since
        self.writers = writers
        self.excluded = excluded
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_file = max_file
        self.seen: set[tuple[int, int]] = set()  # folders and files already searched

    def skip(self, place: str, reason: str) -> None:
        self.report.not_searched.append(NotSearched(place, reason))

    def place(self, place: Path) -> None:
        try:
            st = os.stat(place)  # a place itself may be a link (KIVY_HOME, /var/tmp): followed
        except FileNotFoundError:
            return  # not there: nothing to search
        except OSError:
            self.skip(str(place), UNREADABLE)
            return
        if (st.st_dev, st.st_ino) in self.excluded:
            return
        if stat.S_ISDIR(st.st_mode):
            self.tree(str(place), st)
        elif stat.S_ISREG(st.st_mode):
            self.file(os.path.realpath(place), st)  # opened without following links

    def tree(self, root: str, root_st: os.stat_result) -> None:
        if (root_st.st_dev, root_st.st_ino) in self.seen:
            return  # inside a place searched already
        self.seen.add((root_st.st_dev, root_st.st_ino))
        device = root_st.st_dev
        stack = [(root, root_st)]
        while stack:
            folder, folder_st = stack.pop()
            try:
                self.in_time()
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
                subfolders = []
                for entry in entries:
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue  # gone meanwhile
                    if stat.S_ISDIR(st.st_mode):
                        key = (st.st_dev, st.st_ino)
                        if st.st_dev != device:
                            self.skip(entry.path, OTHER_FILESYSTEM)
                        elif key not in self.seen and key not in self.excluded:
                            self.seen.add(key)
                            subfolders.append((entry.path, st))
                    elif stat.S_ISREG(st.st_mode):
                        self.file(entry.path, st)
            except _Stop as stop:  # this folder (read in part) and those not yet entered
                stop.left += [folder] + [p for p, _ in reversed(stack)]
                raise
            except OSError:
                if self.writers.could_have_written(folder_st):
                    self.skip(folder, UNREADABLE)
                continue
            stack.extend(reversed(subfolders))

    def in_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Stop(TIME_OUT)

    def file(self, path: str, st: os.stat_result) -> None:
        if (self.since is not None and st.st_mtime < self.since) or not self.writers.could_have_written(st):
            return
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            return
        self.seen.add(key)
        if st.st_size > self.max_file:
            self.skip(path, TOO_LARGE)
            return
        self.in_time()
        if self.report.bytes_read + st.st_size > self.max_bytes:
            raise _Stop(OUT_OF_BUDGET)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            return
        except OSError as exc:
            if exc.errno != errno.ELOOP:  # ELOOP: a link put in its place meanwhile
                self.skip(path, UNREADABLE)
            return
        try:
            now = os.fstat(fd)
            if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != key:
                return  # no longer the file listed: what is there now is searched next time
            self.report.files_read += 1
            if self.contains(fd, now.st_size):
                self.report.findings.append(Finding(path, "needle"))
        except OSError:
            self.skip(path, UNREADABLE)
        finally:
            os.close(fd)

    def contains(self, fd: int, size: int) -> bool:
        overlap = self.needles.overlap
        tail = b""
        got = 0
        while True:
            # Sized to the file and one byte more, to see its end in the same read (a small file
            # is read at once, and a 1 MiB buffer for each would cost an mmap).
            want = min(CHUNK, max(size - got + 1, 1 << 16))
            chunk = os.read(fd, want)
            got += len(chunk)
            self.report.bytes_read += len(chunk)
            window = tail + chunk
            if chunk and self.needles.found_in(window):
                return True
            if len(chunk) < want and got >= size:  # the end, as fstat said
                return False
            if not chunk:
                return False  # shrunk while read
            if self.report.bytes_read > self.max_bytes:  # grew past the budget while read
                raise _Stop(OUT_OF_BUDGET)
            self.in_time()
            tail = window[-overlap:] if overlap else b""


def check_leftovers(
    places: Iterable[Path],
    needles: set[bytes],
    *,
    since: float | None = None,
    workspace_dirs: Iterable[Path] = (),
    texts: Iterable[str] = (),
    exclude: Iterable[Path] = (),
    writers: Iterable[int] | None = None,
    time_limit: float = TIME_LIMIT,
    max_bytes: int = BYTE_BUDGET,
    max_file: int | None = None,
) -> CheckReport:
    """Look for the needles in files under ``places`` (only those changed
    since ``since`` when given) and in ``texts`` (captured log output); report
    any of ``workspace_dirs`` that still exists.

    ``exclude`` names folders that are not the kiosk's: the store of the
    bundled mock ANTS backend, which stands for the remote service and holds
    the dossiers sent to it, as ANTS does.

    ``writers``: the uids whose files are read (default: :func:`kiosk_writers`
    of ``places``). ``time_limit`` (seconds), ``max_bytes`` (read in all) and
    ``max_file`` (one file's size, default :data:`MAX_FILE`) bound the
    search; what they left out is in the report's ``not_searched``, with
    the folders on other filesystems (see the module's docstring).
    """
    started = time.perf_counter()
    places = [Path(p) for p in places]
    report = CheckReport()
    for d in workspace_dirs:
        if Path(d).exists():
            report.findings.append(Finding(str(d), "workspace"))
    matcher = _Needles(needles)
    if matcher:
        for text in texts:
            if matcher.found_in(text.encode("utf-8", "replace")):
                report.findings.append(Finding("log output", "needle"))
                break
        excluded, excluded_paths = set(), []
        for e in exclude:
            try:
                st = os.stat(e)
            except OSError:
                continue
            excluded.add((st.st_dev, st.st_ino))
            excluded_paths.append(Path(e).resolve())
        search = _Search(
            matcher,
            report,
            since=since,
            writers=Writers.of(kiosk_writers(places) if writers is None else writers),
            excluded=excluded,
            deadline=time.monotonic() + time_limit,
            max_bytes=max_bytes,
            max_file=MAX_FILE if max_file is None else max_file,
        )
        for i, place in enumerate(places):
            if any(place.resolve().is_relative_to(e) for e in excluded_paths):
                continue
            try:
                search.place(place)
            except _Stop as stop:
                report.not_searched += [NotSearched(p, stop.reason) for p in stop.left or [str(place)]]
                report.not_searched += [NotSearched(str(p), stop.reason) for p in places[i + 1 :] if p.exists()]
                break
    report.seconds = time.perf_counter() - started
    return report


def system_places(users: Iterable[int] | None = None) -> list[Path]:
    """Shared places searched by ``kioskctl verify-clean`` too: anything a
    library wrote outside the kiosk's own folders would be found there. The
    folders of each of ``users``' home (default: the current user's)."""
    homes = []
    for uid in sorted(users) if users is not None else [None]:
        try:
            home = Path.home() if uid is None or uid == os.geteuid() else Path(pwd.getpwuid(uid).pw_dir)
        except (KeyError, RuntimeError):
            continue
        if home not in homes:
            homes.append(home)
    return [Path("/tmp"), Path("/var/tmp")] + [
        home / d for home in homes for d in (".kivy", ".cache", ".config", ".local/share")
    ]


def use_private_tmp(folder: Path) -> Path:
    """Make ``folder`` (on tmpfs, mode 0700) this process's temporary folder and
    its children's, so that whatever a library writes there is in RAM and in a
    place the wipe searches."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)
    return folder


def purge_workspaces(root: Path) -> int:
    """Delete every workspace left under ``root`` (a crash, a kill): the
    first thing a kiosk does when it starts. Returns how many were found."""
    root = Path(root)
    if not root.exists():
        return 0
    count = 0
    for child in root.iterdir():
        count += 1
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    return count
