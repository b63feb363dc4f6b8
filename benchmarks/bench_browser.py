"""The locked browser window's start time beside the kiosk's cold start, in one command:

    .venv/bin/python benchmarks/bench_browser.py [--runs 5]

On one virtual screen (Xvfb), in the same run:

1. the kiosk's cold start to the welcome screen's first frame, and a bare Kivy
   app's (benchmarks/bench_ui.py's measure: a fresh process each, median);
2. the locked window (browser.LockedWindow: WebKitGTK in its own process, an
   ephemeral profile in RAM) from ``open()`` to ANTS's "S'identifier avec
   FranceConnect" page loaded (the mock's own page, served on loopback): what a
   person waits for after touching "Se connecter avec FranceConnect". Median of
   ``--runs`` fresh windows, plus the first one (cold disk cache) apart.

Needs Debian's xvfb, python3-gi and gir1.2-webkit2-4.1.
"""

from __future__ import annotations

import argparse
import http.server
import os
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_ui import startup  # noqa: E402

from ants.mock.fc_login import ants_page  # noqa: E402
from browser import LockedWindow, is_usable  # noqa: E402


def virtual_screen() -> tuple[subprocess.Popen, str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as numbers:
        if not select.select([numbers], [], [], 30)[0]:
            raise SystemExit("Xvfb gave no display number in 30 s (apt-get install xvfb)")
        return server, ":" + numbers.readline().strip()


def serve_ants_page() -> tuple[http.server.ThreadingHTTPServer, str]:
    body = bytes(ants_page("response_type=code&client_id=ants-mock-fs").body)

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_address[1]}"


def window_start(host: str, profile_root: Path) -> tuple[float, float]:
    """(seconds from open() to the page loaded, as the kiosk sees it; the window's own figure)."""
    window = LockedWindow(size=(1280, 800))
    closed = threading.Event()
    profile = Path(tempfile.mkdtemp(dir=profile_root))
    started = time.perf_counter()
    window.open(f"http://{host}/connexion/franceconnect", lambda reason: closed.set(), [host, "127.0.0.1:9"], profile)
    own = window.wait_ready(60)
    elapsed = time.perf_counter() - started
    window.close()
    closed.wait(10)
    if own is None:
        raise SystemExit(f"the window never loaded its page: {window.events}")
    return elapsed, own


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh starts of each (median)")
    args = parser.parse_args(argv)
    ok, why = is_usable()
    if not ok:
        raise SystemExit(why)
    xvfb, display = virtual_screen()
    os.environ["DISPLAY"] = display
    page, host = serve_ants_page()
    try:
        bare, kiosk = startup(args.runs)
        with tempfile.TemporaryDirectory(dir="/dev/shm") as profiles:
            first = window_start(host, Path(profiles))
            runs = [window_start(host, Path(profiles)) for _ in range(args.runs)]
    finally:
        page.shutdown()
        xvfb.terminate()
        xvfb.wait(10)
    seen = statistics.median(r[0] for r in runs)
    own = statistics.median(r[1] for r in runs)
    print(f"cold start  bare Kivy app            {bare * 1000:7.0f} ms")
    print(f"cold start  kiosk welcome            {kiosk * 1000:7.0f} ms")
    print(f"browser window, first of the run     {first[0] * 1000:7.0f} ms")
    print(
        f"browser window to ANTS's page        {seen * 1000:7.0f} ms   ({own * 1000:.0f} ms inside its process; "
        f"{seen / kiosk:.2f}x the kiosk's cold start)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
