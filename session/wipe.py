"""The wipe's verification: after a user's workspace is deleted, look in
every place the kiosk may have written for anything of that user.

What is looked for are the user's own values (the "needles": what they
typed, their numéro de demande, the names of their workspace files), kept in
memory only for the time of the check. Where it is looked: the workspace
root, the data directory, KIVY_HOME, the temporary directories, the log
files and whatever log output the caller captured.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

#: Values shorter than this are too common to point to a person ("Paris", "M").
MIN_NEEDLE = 4
#: Files larger than this are not read (scans belong to the workspace only).
MAX_FILE = 64 * 1024 * 1024
#: Bytes read at once; needles are searched across chunk boundaries.
CHUNK = 1 << 20


@dataclass
class Finding:
    place: str
    what: str  # "workspace" | "needle"

    def __str__(self) -> str:  # never says which value was found: that would log it
        return f"{self.what} in {self.place}"


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return not self.findings


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


def _contains(path: Path, needles: set[bytes], longest: int) -> bool:
    try:
        with open(path, "rb") as fh:
            tail = b""
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    return False
                window = tail + chunk
                if any(n in window for n in needles):
                    return True
                tail = window[-(longest - 1):] if longest > 1 else b""
    except OSError:
        return False


def check_leftovers(places: Iterable[Path], needles: set[bytes], *, since: float | None = None,
                    workspace_dirs: Iterable[Path] = (), texts: Iterable[str] = (),
                    exclude: Iterable[Path] = ()) -> CheckReport:
    """Look for the needles in files under ``places`` (only those changed
    since ``since`` when given) and in ``texts`` (captured log output); report
    any of ``workspace_dirs`` that still exists.

    ``exclude`` names folders that are not the kiosk's: the store of the
    bundled mock ANTS backend, which stands for the remote service and holds
    the dossiers sent to it, as ANTS does.
    """
    started = time.perf_counter()
    excluded = tuple(str(Path(e).resolve()) + os.sep for e in exclude)
    report = CheckReport()
    for d in workspace_dirs:
        if Path(d).exists():
            report.findings.append(Finding(str(d), "workspace"))
    longest = max((len(n) for n in needles), default=0)
    if needles:
        for text in texts:
            data = text.encode("utf-8", "replace")
            if any(n in data for n in needles):
                report.findings.append(Finding("log output", "needle"))
                break
        for place in places:
            place = Path(place)
            if not place.exists():
                continue
            candidates = [place] if place.is_file() else _walk(place)
            for path in candidates:
                if excluded and str(path.resolve()).startswith(excluded):
                    continue
                try:
                    st = path.stat()
                except OSError:
                    continue
                if st.st_size > MAX_FILE or (since is not None and st.st_mtime < since):
                    continue
                report.files_read += 1
                if _contains(path, needles, longest):
                    report.findings.append(Finding(str(path), "needle"))
    report.seconds = time.perf_counter() - started
    return report


def _walk(root: Path):
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _e: None):
        # Another user's private folders are not ours to read, and not ours to have written.
        dirnames[:] = [d for d in dirnames if os.access(os.path.join(dirpath, d), os.R_OK | os.X_OK)]
        for name in filenames:
            p = Path(dirpath, name)
            if p.is_file() and not p.is_symlink():
                yield p


def system_places() -> list[Path]:
    """Shared places searched by ``kioskctl verify-clean`` too: anything a
    library wrote outside the kiosk's own folders would be found there."""
    home = Path.home()
    return [Path("/tmp"), Path("/var/tmp")] + [home / d for d in (".kivy", ".cache", ".config", ".local/share")]


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
