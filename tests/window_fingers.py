"""A virtual screen for the locked browser window, and the fingers on it: its keyboard
and mouse through xdotool (XTEST), as a person's would reach the window."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

XVFB = "/usr/bin/Xvfb"


def missing_parts() -> str:
    """What this machine lacks to show the window, as a sentence naming the packages; "" when nothing."""
    for tool, package in ((XVFB, "xvfb"), ("/usr/bin/xdotool", "xdotool")):
        if not Path(tool).exists():
            return f"{tool} is missing: install Debian's {package}"
    from browser import is_usable

    return is_usable()[1]


@contextmanager
def virtual_screen() -> Iterator[str]:
    """A 1280×800 virtual screen on a free display number; yields its name (":5")."""
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


class Fingers:
    """xdotool on one display: keys and clicks reach the focused window."""

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
