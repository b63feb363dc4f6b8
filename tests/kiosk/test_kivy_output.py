"""What the kiosk prints when it starts on a screen: Kivy's own lines, and no
CRITICAL line or traceback a technician would read as a crash (Kivy looks for
an X cut buffer through xclip and xsel; the kiosk wants none: kiosk/_cutbuffer.py)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support import wait_until

ROOT = Path(__file__).resolve().parents[2]
XVFB = "/usr/bin/Xvfb"
XDOTOOL = "/usr/bin/xdotool"


@pytest.fixture
def display():
    """A virtual screen of the kiosk's size on a free display number."""
    if not Path(XVFB).exists():
        pytest.fail(f"{XVFB} is missing: install Debian's xvfb (sudo apt-get install xvfb)", pytrace=False)
    read, write = os.pipe()
    server = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as numbers:  # Xvfb writes its display's number once it is ready
            if not select.select([numbers], [], [], 30)[0]:
                raise AssertionError("Xvfb gave no display number in 30 s")
            number = numbers.readline().strip()
        assert number.isdigit(), f"Xvfb exited with status {server.poll()}"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def test_the_kiosk_on_a_screen_prints_no_critical_line_nor_traceback(display, tmp_path, workspace_root, unused_port):
    if not Path(XDOTOOL).exists():
        pytest.fail(f"{XDOTOOL} is missing: install Debian's xdotool", pytrace=False)
    site = tmp_path / "site.toml"
    site.write_text(f"""config_version = 1
[ants]
base_url = "http://127.0.0.1:{unused_port}"
mock_db = "{tmp_path / "mock.db"}"
[workspace]
root = "{workspace_root}"
[stats]
path = "{tmp_path / "stats.db"}"
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVY_")}  # the kiosk's own, not the tests'
    env.update(DISPLAY=display, KIVY_HOME=str(tmp_path / "kivy"))
    log = tmp_path / "kiosk.log"
    with open(log, "wb") as out:
        kiosk = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--demo", "--windowed", "--config", str(site)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            # Kivy's clipboard (and, on Linux, its cut buffer) is chosen for the first text
            # input, made once a procedure is chosen: touched here as a person would, with
            # xdotool on the virtual screen ("Touchez ici pour commencer", then the top of the
            # chooser: "Permis de conduire", then the first of its procedures).
            def started() -> bool:
                return "Start application main loop" in log.read_text(errors="replace") or kiosk.poll() is not None

            wait_until(started, 90, message="the kiosk's first frame")

            def touched(x: int, y: int, seen: str):
                def touch() -> bool:
                    if seen in log.read_text(errors="replace") or kiosk.poll() is not None:
                        return True
                    subprocess.run([XDOTOOL, "mousemove", str(x), str(y), "click", "1"], env=env, timeout=30)
                    return False

                return touch

            wait_until(touched(640, 660, "formation/demo"), 60, interval=1, message="the chooser after the welcome")
            wait_until(touched(335, 200, "Clipboard: Provider"), 90, interval=1, message="the kiosk's first text input")
            assert kiosk.poll() is None, log.read_text(errors="replace")
        finally:
            kiosk.send_signal(signal.SIGTERM)  # as systemd stops it
            try:
                kiosk.wait(30)
            except subprocess.TimeoutExpired:
                kiosk.kill()
                kiosk.wait(10)
    output = log.read_text(errors="replace")
    assert "Clipboard: Provider: sdl2" in output
    assert "cutbuffer" not in output.lower(), output
    assert "Traceback" not in output and "CRITICAL" not in output, output
    assert kiosk.returncode == 0, output
