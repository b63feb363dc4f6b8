"""What the locked window does not let a page do: open another window (a target=_blank
link opens in place, window.open makes nothing), download a file, go to a page
off the allow-list by a redirect (blocked and told), or show an address bar, a
menu, the developer tools."""

from __future__ import annotations

import http.server
import subprocess
import threading
from urllib.parse import urlsplit

import pytest

from browser import LockedWindow
from support import wait_until

PAGES = {
    "/": b"<!doctype html><meta charset=utf-8><a id=x href=/nouvelle target=_blank autofocus>nouvelle</a>"
    b"<script>window.open('/popup')</script>",
    "/nouvelle": b"<!doctype html><meta charset=utf-8><a id=x href=/fichier.bin autofocus>fichier</a>",
    "/ailleurs": b"",
}


@pytest.fixture
def site():
    asked: list[str] = []

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            if self.path == "/fichier.bin":
                body, kind = b"\x00" * 2048, "application/octet-stream"
            elif self.path == "/ailleurs":
                self.send_response(302)
                self.send_header("Location", "https://www.example.org/")
                self.end_headers()
                return
            else:
                body, kind = PAGES.get(self.path, b"<!doctype html>autre"), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()


def pages(window):
    return [e["path"] for e in window.events if e.get("event") == "page"]


def windows_of(fingers, pid: int) -> list[str]:
    found = subprocess.run(
        ["xdotool", "search", "--pid", str(pid), "--onlyvisible", "--name", "."],
        env=fingers.env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    return found.stdout.split()


def test_no_new_window_no_download(site, fingers, tmp_path):
    host, asked = site
    window = LockedWindow(size=(1280, 800))
    closed: list[str] = []
    window.open(f"http://{host}/", closed.append, [host, "127.0.0.1:9"], tmp_path)
    try:
        wait_until(lambda: "/" in pages(window), timeout=30, message="the first page")
        assert "/popup" not in asked  # window.open from a script: nothing
        fingers.focus(window.pid)
        fingers.key("Return")  # the target=_blank link
        wait_until(lambda: "/nouvelle" in pages(window), timeout=30, message="the link, in place")
        assert len(windows_of(fingers, window.pid)) == 1
        fingers.key("Return")  # a file to download
        wait_until(lambda: "/fichier.bin" in asked, timeout=30, message="the file asked")
        wait_until(
            lambda: any(e.get("event") == "download" for e in window.events), timeout=30, message="the download refused"
        )
        assert pages(window)[-1] == "/nouvelle" and not list(tmp_path.rglob("fichier*"))
        assert not closed
    finally:
        window.close()


def test_a_redirect_off_the_allow_list_is_blocked(site, on_screen, tmp_path):
    host, _asked = site
    window = LockedWindow(size=(1280, 800))
    window.open(f"http://{host}/ailleurs", lambda reason: None, [host, "127.0.0.1:9"], tmp_path)
    try:
        wait_until(
            lambda: any(e.get("event") == "blocked" for e in window.events), timeout=30, message="the redirect blocked"
        )
        blocked = [e["host"] for e in window.events if e.get("event") == "blocked"]
        assert blocked == ["www.example.org"]
        assert urlsplit("https://www.example.org/").netloc not in pages(window)
    finally:
        window.close()
