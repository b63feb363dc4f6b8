"""The mock a kiosk starts for itself (demo, training, ``kioskctl simulate
--demo``): no other process is ever taken for it, it ends with the kiosk even
killed, its store is in RAM, and a run leaves nothing behind (no store, no
folder in the private temp folder, no canary anywhere)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from config import load_settings
from config.factories import BundledMock, start_bundled_mock
from support import free_port, make_canary, wait_until

ROOT = Path(__file__).resolve().parent.parent


class ForeignHealth:
    """Any HTTP server on 127.0.0.1 answering GET /health as the mock does."""

    def __init__(self):
        self.requests: list[str] = []
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.path)
                body = json.dumps({"status": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def foreign():
    server = ForeignHealth()
    yield server
    server.close()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home of its own: the bundled mock looks for an older store beside the data directory."""
    folder = tmp_path / "home"
    (folder / ".local" / "share").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / ".local" / "share"))
    return folder


def _settings(port: int, **ants):
    return load_settings(overrides={"ants": {"base_url": f"http://127.0.0.1:{port}", **ants}})


def test_a_foreign_server_on_the_port_is_not_taken_for_the_mock(foreign, home):
    settings = _settings(foreign.port)
    assert not BundledMock(settings).answers()  # it answers /health, but cannot prove it is ours
    foreign.requests.clear()
    mock = start_bundled_mock(settings)
    try:
        assert mock.port != foreign.port
        assert settings.ants.base_url == mock.url == f"http://127.0.0.1:{mock.port}"
        assert mock.answers()
        assert requests.post(mock.url + "/api/v1/sessions", timeout=5).status_code == 201
    finally:
        mock.stop()
    assert foreign.requests == []  # never asked anything, not even /health


def test_a_mock_of_another_run_is_not_reused(home):
    port = free_port()
    first = BundledMock(_settings(port)).start()
    try:
        second = BundledMock(_settings(port)).start()
        try:
            assert second.port != first.port
            assert second.proc.pid != first.proc.pid
            assert not BundledMock(_settings(first.port)).answers()  # another secret
        finally:
            second.stop()
    finally:
        first.stop()


def _state(pid: int) -> str | None:
    """The process's state letter (Z: dead, not yet reaped), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return None
    return next(line.split()[1] for line in status.splitlines() if line.startswith("State:"))


def test_the_mock_ends_when_its_parent_is_killed(tmp_path, home):
    port = free_port()
    script = textwrap.dedent(f"""
        import sys
        from config import load_settings
        from config.factories import start_bundled_mock
        mock = start_bundled_mock(load_settings(overrides={{"ants": {{"base_url": "http://127.0.0.1:{port}"}}}}))
        print(mock.proc.pid, mock.url, flush=True)
        sys.stdin.read()  # until killed
        """)
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        pid, url = parent.stdout.readline().split()
        pid = int(pid)
        assert requests.get(url + "/health", timeout=5).status_code == 200
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        # "Z" alone is not the end: a thread group's leader shows Z while its other
        # threads (uvicorn's) still run and hold the socket. The port must close too.
        mock_port = int(url.rsplit(":", 1)[1])

        def ended() -> bool:
            with socket.socket() as probe:
                return _state(pid) in (None, "Z") and probe.connect_ex(("127.0.0.1", mock_port)) != 0

        wait_until(ended, timeout=15, message="the mock to end with its parent and its port to close")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)


def test_an_older_stores_file_is_wiped_and_the_new_one_is_in_ram(home, tmp_path):
    settings = _settings(free_port())
    legacy = settings.legacy_mock_db_path()
    assert legacy == home / ".local" / "share" / "pointnum-ants-mock" / "ants-mock.db"
    legacy.parent.mkdir(parents=True)
    with sqlite3.connect(legacy) as db:
        db.execute("CREATE TABLE demandes (nom TEXT)")
        db.execute("INSERT INTO demandes VALUES ('Dupont-Canary')")
    db.close()
    mock = start_bundled_mock(settings)
    try:
        assert not legacy.parent.exists()
        assert requests.post(mock.url + "/api/v1/sessions", timeout=5).status_code == 201
        # The child holds no store file: its open files are sockets, pipes and its own code.
        files = [os.readlink(f) for f in Path(f"/proc/{mock.proc.pid}/fd").iterdir()]
        assert not [f for f in files if f.endswith((".db", "-journal", "-wal"))], files
    finally:
        mock.stop()
    assert settings.mock_store_excluded() == []


def _demo_site(tmp_path: Path, workspace_root: Path, port: int) -> Path:
    site = tmp_path / "site.toml"
    site.write_text(f"""config_version = 1
[ants]
base_url = "http://127.0.0.1:{port}"
[scanner]
resolution = 50
[workspace]
root = "{workspace_root / "sessions"}"
temp_dir = "{workspace_root / "tmp"}"
[stats]
path = "{tmp_path / "home" / "data" / "stats.db"}"
""")
    return site


def _files_with(root: Path, needle: bytes) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_simulate_demo_leaves_no_canary_no_store_and_no_temp_folder(tmp_path, home, workspace_root, foreign):
    # The demo's port is taken: the run starts its own mock elsewhere and never asks this one.
    site = _demo_site(tmp_path, workspace_root, foreign.port)
    canary = make_canary()
    env = {**os.environ, "XDG_CACHE_HOME": str(home / ".cache")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kioskctl",
            "--demo",
            "--config",
            str(site),
            "simulate",
            "--sessions",
            "2",
            "--canary",
            canary,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.count("session ") == 2 and "PC" in run.stdout
    assert canary not in run.stdout + run.stderr
    assert foreign.requests == []
    # Nothing of the user in any file: home (data, cache), the run's folder, the RAM folders.
    for place in (tmp_path, workspace_root):
        assert _files_with(place, canary.encode()) == []
    assert not (home / ".local" / "share" / "pointnum-ants-mock").exists()
    # The private temp folder is left as found: empty (python-escpos made a folder there each run).
    assert list((workspace_root / "tmp").iterdir()) == []
    clean = subprocess.run(
        [sys.executable, "-m", "kioskctl", "--demo", "--config", str(site), "verify-clean", "--canary", canary],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert clean.returncode == 0, clean.stdout[-3000:]
