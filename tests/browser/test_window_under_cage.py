"""The locked window's own command line (what browser.LockedWindow starts) run as the
kiosk's is, under cage's headless backend, as a user that is not root: it shows the
page it is given and says so on its stdout, and goes when its stdin closes (the
kiosk gone)."""

from __future__ import annotations

import http.server
import json
import os
import select
import shlex
import shutil
import signal
import subprocess
import threading
import time

import pytest

from browser._process import WINDOW

PAGE = b"<!doctype html><html lang=fr><meta charset=utf-8><title>ANTS</title><a id=x href=/ autofocus>ok</a></html>"


@pytest.fixture
def page():
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_window_shows_its_page_under_headless_cage_and_goes_with_its_stdin(page, tmp_path):
    cage = shutil.which("cage")
    if not cage:
        pytest.fail("cage missing: apt-get install cage xwayland", pytrace=False)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    profile = tmp_path / "navigateur"
    profile.mkdir(mode=0o700)
    os.chmod(tmp_path, 0o755)
    config = {"url": f"http://{page}/", "allow": [page, "127.0.0.1:9"], "redirect": "http://127.0.0.1:9/"}
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(profile),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CACHE_HOME": str(profile),
        "GSETTINGS_BACKEND": "memory",
        "MESA_SHADER_CACHE_DISABLE": "true",
        "NO_AT_BRIDGE": "1",
        "LANG": "C.UTF-8",
        "WLR_BACKENDS": "headless",
        "WLR_RENDERER": "pixman",
        "WLR_LIBINPUT_NO_DEVICES": "1",
    }
    argv = [cage, "--", "/usr/bin/python3", str(WINDOW), json.dumps(config)]
    shell = (
        "mkdir -p /tmp/.X11-unix && mount -t tmpfs -o mode=1777 tmpfs /tmp/.X11-unix && "
        "exec unshare --user --map-user=1000 --map-group=1000 env -i "
        + shlex.join([f"{k}={v}" for k, v in env.items()] + argv)
    )
    proc = subprocess.Popen(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", shell],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=tmp_path,
    )
    events = []
    try:
        deadline = time.monotonic() + 60
        while not any(e.get("event") == "ready" for e in events):
            left = deadline - time.monotonic()
            assert left > 0 and proc.poll() is None, f"no page under cage (exit {proc.poll()}): {events}"
            if select.select([proc.stdout], [], [], min(left, 1))[0]:
                line = proc.stdout.readline()
                if line:
                    events.append(json.loads(line))
        assert [e["event"] for e in events][:1] == ["ready"]
        proc.stdin.close()  # the kiosk is gone: the window goes too
        rest = proc.stdout.read().decode()
        assert proc.wait(timeout=30) is not None
        assert '"event": "closed"' in rest
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
