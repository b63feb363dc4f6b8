"""Real parts the tests start themselves: the mock ANTS backend as its own
process, SANE's ``test`` backend through ``SANE_CONFIG_DIR``, and a TCP
listener standing where a network receipt printer would be."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from support import free_port, tmpfs_folder, wait_until  # noqa: F401  (tests import them from support)

ROOT = Path(__file__).resolve().parent.parent

# Kivy reads these at import: keep it out of ~/.kivy, away from pytest's
# arguments, and writing no log file of its own.
_KIVY_HOME = Path(os.environ.get("TMPDIR", "/tmp")) / f"pointnum-tests-kivy-{os.getuid()}"
_KIVY_HOME.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("KIVY_HOME", str(_KIVY_HOME))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")

from kivy.config import Config  # noqa: E402  (after the environment above)

from kiosk import _cutbuffer  # noqa: E402

_cutbuffer.disable()  # as the kiosk does: no X cut buffer (kiosk/_cutbuffer.py)

# The kiosk's screen size, before any test module creates Kivy's window.
Config.set("graphics", "width", "1280")
Config.set("graphics", "height", "800")
Config.set("kivy", "exit_on_escape", "0")
Config.set("kivy", "log_enable", "0")
Config.set("input", "mouse", "mouse,disable_multitouch")


class MockBackend:
    """The bundled mock ANTS backend running as its own process."""

    def __init__(self, db: Path, port: int | None = None, extra_args: tuple[str, ...] = ()):
        self.db = db
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = extra_args
        self.proc: subprocess.Popen | None = None
        self.log = db.with_suffix(".log")

    def start(self) -> MockBackend:
        import requests

        self._log_file = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ants.mock",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--db",
                str(self.db),
                *self.extra_args,
            ],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("ants-mock exited:\n" + self.log.read_text(errors="replace"))
            try:
                return requests.get(self.url + "/health", timeout=0.5).ok
            except requests.RequestException:
                return False

        wait_until(up, timeout=20, message="ants-mock to answer /health")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log_file", None):
            self._log_file.close()


@pytest.fixture(scope="session")
def mock_backend(tmp_path_factory):
    backend = MockBackend(tmp_path_factory.mktemp("ants") / "ants.db").start()
    yield backend
    backend.stop()


@pytest.fixture
def start_backend(tmp_path):
    """Start private mock backends (one a test may stop and restart); all stopped at the end."""
    started: list[MockBackend] = []

    def start(name: str = "private", port: int | None = None, extra_args: tuple[str, ...] = ()) -> MockBackend:
        folder = tmp_path / "ants-mock"  # apart from the kiosk's files: it stands for ANTS
        folder.mkdir(exist_ok=True)
        backend = MockBackend(folder / f"{name}.db", port=port, extra_args=extra_args).start()
        started.append(backend)
        return backend

    yield start
    for backend in started:
        backend.stop()


@pytest.fixture(scope="session")
def sane_config_dir(tmp_path_factory) -> Path:
    """A SANE configuration that only loads the ``test`` backend, A4 not clipped."""
    missing = {
        path: package
        for path, package in (("/usr/bin/scanimage", "sane-utils"), ("/etc/sane.d/test.conf", "libsane-common"))
        if not Path(path).exists()
    }
    if missing:
        pytest.fail(
            f"SANE is missing ({', '.join(missing)}): install Debian's {' '.join(missing.values())} "
            f"(sudo apt-get install {' '.join(missing.values())})",
            pytrace=False,
        )
    folder = tmp_path_factory.mktemp("sane.d")
    (folder / "dll.conf").write_text("test\n")
    lines = []
    for line in Path("/etc/sane.d/test.conf").read_text().splitlines():
        if line.strip().startswith("geometry_max"):
            line = "geometry_max 300.0"
        lines.append(line)
    (folder / "test.conf").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture
def sane_env(sane_config_dir, monkeypatch) -> Path:
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_config_dir))
    monkeypatch.setenv("PYINSANE_SINGLE_THREAD", "1")
    return sane_config_dir


#: What an Epson printer answers to a real-time status request DLE EOT n (n = 1 printer,
#: 2 offline cause, 3 error cause, 4 roll paper sensor), by state: one byte whose bits 1
#: and 4 are always set (Epson's ESC/POS reference). "silent": no answer at all, as from a
#: print server or a printer set to ignore status requests.
PRINTER_STATES: dict[str, dict[int, int]] = {
    "ok": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    "paper-low": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},  # near-end sensor: still prints
    "paper-out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72},  # offline, stopped by paper end, no paper
    "cover-open": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},  # offline, cover open
    "silent": {},
}
_DLE_EOT = b"\x10\x04"
_CUT = b"\x1dV"


class TcpPrinterListener:
    """Stands where a network ESC/POS printer listens; keeps every byte of the jobs received.

    It answers status requests (DLE EOT n) as a printer in ``status`` would (a name
    of PRINTER_STATES, or such a mapping; settable at any time) and keeps them out of
    :attr:`data`, in :attr:`requests`. ``after_cut``: the state it goes to once a job's
    cut (GS V) is received, as a printer whose paper ends with that job."""

    def __init__(self, status: str | dict[int, int] = "ok", after_cut: str | None = None):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.status = status
        self.after_cut = after_cut
        self._data = bytearray()
        self.requests: list[int] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _answers(self) -> dict[int, int]:
        return PRINTER_STATES[self.status] if isinstance(self.status, str) else self.status

    def _serve(self):
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            pending = b""  # the start of a status request split across reads
            with conn:
                conn.settimeout(0.1)
                while not self._stop.is_set():
                    try:
                        chunk = conn.recv(65536)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not chunk:
                        break
                    pending = self._take(conn, pending + chunk)

    def _take(self, conn, chunk: bytes) -> bytes:
        """Keep the job's bytes, answer status requests; returns an unfinished request's start."""
        i = 0
        while i < len(chunk):
            if chunk[i] == _DLE_EOT[0]:
                if len(chunk) - i < 3 and _DLE_EOT.startswith(chunk[i : i + 2]):
                    return chunk[i:]
                if chunk[i : i + 2] == _DLE_EOT and 1 <= chunk[i + 2] <= 4:
                    n = chunk[i + 2]
                    with self._lock:
                        self.requests.append(n)
                    answer = self._answers().get(n)
                    if answer is not None:
                        try:
                            conn.sendall(bytes([answer]))
                        except OSError:
                            pass
                    i += 3
                    continue
            with self._lock:
                self._data.append(chunk[i])
                cut = self._data.endswith(_CUT)
            if cut and self.after_cut is not None:
                self.status = self.after_cut
            i += 1
        return b""

    @property
    def data(self) -> bytes:
        with self._lock:
            return bytes(self._data)

    def wait_for(self, needle: bytes, timeout: float = 10.0) -> bytes:
        wait_until(lambda: needle in self.data, timeout=timeout, message=f"{needle!r} at the printer")
        return self.data

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def tcp_printer():
    listener = TcpPrinterListener()
    yield listener
    listener.close()


@pytest.fixture
def workspace_root() -> Path:
    """A per-test workspace root on tmpfs, as on a kiosk."""
    root = tmpfs_folder() / f"pointnum-test-{os.getpid()}-{free_port()}"
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def canary() -> str:
    from support import make_canary

    return make_canary()


# --- the end of the test process ------------------------------------------------
# The suite loads native libraries whose exit handlers can deadlock once the
# interpreter is gone (seen once: libp11-kit's destructor waiting forever for
# glibc's locale lock, with Mesa's llvmpipe threads still alive). Every result is
# reported by then; the process ends at once with pytest's own exit status.
_EXIT_STATUS = [0]


def pytest_sessionfinish(session, exitstatus):
    _EXIT_STATUS[0] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS[0])
