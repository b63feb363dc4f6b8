"""The kiosk's unit at boot, as systemd runs it: its own command line under cage's
headless backend, this test standing where systemd's notify socket would be.
READY=1 comes once the welcome screen is drawn (seen in a frame captured from
cage's Xwayland and read back by tesseract); WATCHDOG=1 comes from the UI loop,
and stops when that loop is frozen while the process lives on, which is what
makes systemd's WatchdogSec kill and restart it."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from support import wait_until
from test_system_files import KIOSK_UNIT, VENV_BIN, _headless_kiosk_command, read_unit, values

WATCHDOG_S = 8.0  # the test's WatchdogSec (the unit's is 30): the kiosk pings every 4 s


def _need(*tools: str) -> None:
    packages = {"xwd": "x11-apps", "xwininfo": "x11-utils", "tesseract": "tesseract-ocr", "nsenter": "util-linux"}
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: install Debian's {' '.join(packages[t] for t in missing)}")


class NotifySocket:
    """Where systemd listens for sd_notify(3) datagrams: each message with the time it came."""

    def __init__(self, path: Path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, str]] = []

    def receive(self) -> None:
        while True:
            try:
                data = self.sock.recv(4096)
            except (TimeoutError, BlockingIOError):
                return
            self.messages.append((time.monotonic(), data.decode()))

    def got(self, text: str) -> float | None:
        self.receive()
        return next((t for t, m in self.messages if text in m.split("\n")), None)

    def pings(self) -> list[float]:
        self.receive()
        return [t for t, m in self.messages if m == "WATCHDOG=1"]

    def close(self) -> None:
        self.sock.close()


@contextmanager
def kiosk_under_cage(tmp_path: Path, wrapper: str | None = None, without_backend: bool = False):
    """The unit's ExecStart under headless cage, with NOTIFY_SOCKET and WATCHDOG_USEC as
    systemd sets them (the unit's Type=notify and WatchdogSec); ``wrapper``: Python code run
    in place of the kiosk's own entry point, before it (a test's way to freeze the loop)."""
    argv, env, runtime = _headless_kiosk_command(tmp_path)
    if without_backend:  # the template as installed, its [ants] base_url not filled in
        site = tmp_path / "kiosk.toml"
        site.write_text(site.read_text(encoding="utf-8").replace('base_url = "http://127.0.0.1:9"\n', ""))
    unit = read_unit(KIOSK_UNIT)
    assert values(unit, "Service", "Type") == ["notify"] and values(unit, "Service", "NotifyAccess") == ["all"]
    assert float(values(unit, "Service", "WatchdogSec")[0]) > 0
    notify = NotifySocket(tmp_path / "notify")
    env.update(NOTIFY_SOCKET=str(notify.path), WATCHDOG_USEC=str(int(WATCHDOG_S * 1e6)))
    if wrapper is not None:
        script = tmp_path / "wrapped_kiosk.py"
        script.write_text(wrapper)
        app = argv.index(f"{VENV_BIN}/kiosk")
        argv[app : app + 1] = [f"{VENV_BIN}/python", str(script)]
    shell = (
        "mkdir -p /tmp/.X11-unix && mount -t tmpfs -o mode=1777 tmpfs /tmp/.X11-unix && "
        "exec unshare --user --map-user=1000 --map-group=1000 env -i "
        + shlex.join([f"{k}={v}" for k, v in env.items()] + argv)
    )
    log = tmp_path / "kiosk.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", shell],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=tmp_path,
        )
    try:
        yield proc, notify, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        notify.close()


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, timeout=10).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        p, pp = (int(x) for x in line.split())
        children.setdefault(pp, []).append(p)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kiosk_process(proc: subprocess.Popen) -> int:
    """The kiosk itself among cage's descendants: the process whose command line is the venv's python."""
    for pid in _descendants(proc.pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"/kiosk" in part or b"wrapped_kiosk" in part for part in cmdline[:3]) and b"cage" not in cmdline[0]:
            return pid
    raise AssertionError("no kiosk process under cage")


def read_xwd(data: bytes) -> Image.Image:
    """An X window dump (XWD version 7, ZPixmap, 24 or 32 bits a pixel) as an RGB image."""
    header = struct.unpack(">25I", data[:100])
    header_size, width, height = header[0], header[4], header[5]
    byte_order, bits_per_pixel, bytes_per_line, ncolors = header[7], header[11], header[12], header[19]
    assert bits_per_pixel in (24, 32), bits_per_pixel
    pixels = data[header_size + ncolors * 12 :]
    mode = "BGRX" if byte_order == 0 else "XRGB"
    raw = "BGR" if bits_per_pixel == 24 and byte_order == 0 else mode
    return Image.frombuffer(
        "RGB", (width, height), pixels, "raw", raw if bits_per_pixel == 24 else mode, bytes_per_line, 1
    )


def capture_frame(pid: int, out: Path) -> Image.Image:
    """The kiosk's window as cage's Xwayland holds it, taken from inside the kiosk's namespaces."""
    environ = dict(item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in item)
    # Xwayland (wlroots) also listens on the abstract socket @/tmp/.X11-unix/X<n>, which a network
    # namespace scopes, not a mount namespace: reached from here, as root or not (nsenter into the
    # kiosk's nested user namespace cannot join its mount namespace unless root).
    enter = ["env", f"DISPLAY={environ['DISPLAY']}"]
    tree = subprocess.run([*enter, "xwininfo", "-root", "-tree"], capture_output=True, text=True, timeout=30)
    assert tree.returncode == 0, tree.stderr
    lines = [line for line in tree.stdout.splitlines() if '"Point numérique"' in line or '"Point num' in line]
    assert lines, tree.stdout
    window = lines[0].split()[0]
    dump = subprocess.run([*enter, "xwd", "-id", window, "-silent"], capture_output=True, timeout=30)
    assert dump.returncode == 0, dump.stderr
    image = read_xwd(dump.stdout)
    image.save(out)
    return image


def test_the_unit_says_ready_once_the_welcome_screen_is_drawn_and_pings_from_its_loop(tmp_path):
    _need("xwd", "xwininfo", "tesseract")
    with kiosk_under_cage(tmp_path) as (proc, notify, log):

        def ready():
            if proc.poll() is not None:
                pytest.fail(f"cage ended ({proc.returncode}):\n{log.read_text(errors='replace')[-4000:]}")
            return notify.got("READY=1")

        ready_at = wait_until(ready, timeout=90, interval=0.1, message="READY=1 on the notify socket")
        assert notify.got("STATUS=accueil affiché")
        kiosk = _kiosk_process(proc)
        # Xwayland may hand out the window's first frame a moment after the flip that said READY.
        frame = wait_until(
            lambda: (image := capture_frame(kiosk, tmp_path / "welcome.png")).getextrema() != ((0, 0),) * 3 and image,
            timeout=20,
            interval=0.2,
            message="a frame that is not black",
        )
        assert frame.size[0] >= 800 and frame.size[1] >= 600, frame.size
        text = subprocess.run(
            ["tesseract", str(tmp_path / "welcome.png"), "-", "-l", "fra" if _has_fra() else "eng"],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        assert "Bonjour" in text and "commencer" in text, text
        wait_until(lambda: len([t for t in notify.pings() if t > ready_at]) >= 3, timeout=30, message="3 pings")
        pings = notify.pings()
        gaps = [b - a for a, b in zip(pings, pings[1:], strict=False)]
        assert max(gaps) < WATCHDOG_S, gaps  # within WatchdogSec every time


def _has_fra() -> bool:
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    return "fra" in out.stdout.split()


FREEZER = """
import signal, sys, threading
from kiosk.__main__ import main

def freeze_the_loop(*_):
    from kivy.clock import Clock
    # On the UI thread, at the loop's next turn: it never comes back (the other threads live on).
    Clock.schedule_once(lambda dt: threading.Event().wait())

signal.signal(signal.SIGUSR1, freeze_the_loop)
sys.argv[0] = "kiosk"
sys.exit(main(sys.argv[1:]))
"""


def test_a_frozen_ui_loop_stops_the_pings_and_the_watchdog_fires(tmp_path):
    with kiosk_under_cage(tmp_path, wrapper=FREEZER) as (proc, notify, log):

        def pinging():
            if proc.poll() is not None:
                pytest.fail(f"cage ended ({proc.returncode}):\n{log.read_text(errors='replace')[-4000:]}")
            return len(notify.pings()) >= 2

        wait_until(pinging, timeout=90, interval=0.1, message="the watchdog's pings")
        kiosk = _kiosk_process(proc)
        os.kill(kiosk, signal.SIGUSR1)
        frozen_at = time.monotonic()
        # systemd's rule: no WATCHDOG=1 within WatchdogSec -> SIGABRT, then Restart=always.
        deadline = frozen_at + WATCHDOG_S + 2
        while time.monotonic() < deadline:
            notify.receive()
            threading_wait(0.2)
        late = [t for t in notify.pings() if t > frozen_at + 0.5]  # one ping may be on its way
        assert late == [], f"{len(late)} ping(s) after the freeze"
        assert proc.poll() is None and Path(f"/proc/{kiosk}").exists()  # alive: the loop alone is stuck
        last = max(notify.pings())
        assert time.monotonic() - last > WATCHDOG_S  # systemd would now kill and restart the kiosk


def threading_wait(seconds: float) -> None:
    import threading

    threading.Event().wait(seconds)


def test_a_site_file_without_a_backend_shows_out_of_order_and_tells_systemd_why(tmp_path):
    """No restart loop flashing the screen: "Borne hors service" for the public, the file,
    the key and what is expected for the technician, in the unit's status too."""
    _need("xwd", "xwininfo", "tesseract")
    with kiosk_under_cage(tmp_path, without_backend=True) as (proc, notify, log):

        def ready():
            if proc.poll() is not None:
                pytest.fail(f"cage ended ({proc.returncode}):\n{log.read_text(errors='replace')[-4000:]}")
            return notify.got("READY=1")

        wait_until(ready, timeout=90, interval=0.1, message="READY=1 on the notify socket")
        notify.receive()
        (status,) = [m for _, m in notify.messages if m.startswith("READY=1")]
        site = tmp_path / "kiosk.toml"
        assert status.split("\n")[1].startswith(f"STATUS=hors service : {site}: [ants.base_url] = '': adresse du")
        assert f"kiosk: configuration error: {site}: [ants.base_url]" in log.read_text(errors="replace")
        kiosk = _kiosk_process(proc)
        wait_until(
            lambda: capture_frame(kiosk, tmp_path / "hs.png").getextrema() != ((0, 0),) * 3,
            timeout=20,
            interval=0.2,
            message="a frame that is not black",
        )
        text = subprocess.run(
            ["tesseract", str(tmp_path / "hs.png"), "-", "-l", "fra" if _has_fra() else "eng"],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        assert "hors service" in text and "accueil" in text, text
        assert proc.poll() is None  # it stays: no restart loop
