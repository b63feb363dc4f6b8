"""Helpers shared by the tests (fixtures are in conftest.py).

Import them as ``from support import ...``: ``from conftest import ...`` finds
whichever ``conftest`` pytest loaded last once a subfolder has its own."""

import os
import random
import socket
import string
import threading
import time
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02, message: str = "condition"):
    """Poll ``predicate`` until it is true, at most ``timeout`` seconds; its true value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        threading.Event().wait(interval)


def make_canary(prefix: str = "") -> str:
    """A name made up for this run only: letters, so every validator takes it,
    and found in no file unless the kiosk wrote it there."""
    letters = "".join(random.choice(string.ascii_lowercase) for _ in range(12))
    return (prefix + letters).capitalize()


def fill_permis_perte_to_pieces(wizard, code_photo: str) -> None:
    """Answer the four first steps of "permis perdu" through the wizard (the
    touch path is covered by the whole-flow test)."""
    assert wizard.next({"motif": "perte"})
    assert wizard.next(
        {"nom_naissance": "Durand", "sexe": "M", "prenom1": "Paul", "prenom2": "", "date_naissance": "01/02/1970"}
    )
    assert wizard.next(
        {
            "numero_voie": "",
            "nom_voie": "rue Haute",
            "complement": "",
            "code_postal": "44000",
            "commune": "Nantes",
            "email": "paul@exemple.fr",
            "mobile": "",
        }
    )
    assert wizard.next({"code_photo": code_photo})


def tmpfs_folder() -> Path:
    """A folder of this user's on tmpfs (RAM), as ``session.workspace`` judges it:
    /dev/shm, then the user's runtime folder, then any other writable tmpfs mount.
    Fails, saying so, when the machine has none."""
    from session.workspace import _is_tmpfs

    candidates = [
        Path("/dev/shm"),
        Path(os.environ.get("XDG_RUNTIME_DIR") or "/nonexistent"),
        Path(f"/run/user/{os.getuid()}"),
    ]
    try:
        with open("/proc/mounts") as mounts:
            candidates += [Path(line.split()[1]) for line in mounts if line.split()[2] in ("tmpfs", "ramfs")]
    except OSError:
        pass
    for folder in candidates:
        if folder.is_dir() and os.access(folder, os.W_OK | os.X_OK) and _is_tmpfs(folder.resolve()):
            return folder
    pytest.fail(
        "no writable tmpfs for the workspaces: /dev/shm is missing or read-only "
        "(on Debian it is mounted at boot; in a chroot: mount -t tmpfs tmpfs /dev/shm)"
    )
