"""A virtual screen for the locked window, and what drives it: the keyboard and the
mouse of that screen (xdotool), as a person's fingers would."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from pathlib import Path

import pytest

XVFB = "/usr/bin/Xvfb"


@pytest.fixture(scope="session")
def display():
    """A 1280×800 virtual screen on a free display number, for the whole run of these tests."""
    for tool, package in ((XVFB, "xvfb"), ("/usr/bin/xdotool", "xdotool")):
        if not Path(tool).exists():
            pytest.fail(f"{tool} is missing: install Debian's {package}", pytrace=False)
    ok, why = __import__("browser").is_usable()
    if not ok:
        pytest.fail(why, pytrace=False)
    read, write = os.pipe()
    server = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as numbers:
            if not select.select([numbers], [], [], 30)[0]:
                raise AssertionError("Xvfb gave no display number in 30 s")
            number = numbers.readline().strip()
        assert number.isdigit(), f"Xvfb exited with status {server.poll()}"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def on_screen(display, monkeypatch):
    """The window's process is given this display (LockedWindow keeps DISPLAY)."""
    monkeypatch.setenv("DISPLAY", display)
    return display


class Fingers:
    """xdotool on the test's display: keys and clicks reach the focused window (XTEST)."""

    def __init__(self, display: str):
        self.env = {**os.environ, "DISPLAY": display}
        assert shutil.which("xdotool")

    def run(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def focus(self, pid: int) -> None:
        windows = subprocess.run(
            ["xdotool", "search", "--pid", str(pid), "--onlyvisible", "--name", "."],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout.split()
        assert windows, "the window's process has no window on the display"
        self.run("windowfocus", "--sync", windows[-1])

    def type(self, text: str) -> None:
        self.run("type", "--delay", "20", text)

    def key(self, *keys: str) -> None:
        self.run("key", "--delay", "30", *keys)


@pytest.fixture
def fingers(on_screen) -> Fingers:
    return Fingers(on_screen)
