"""The kiosk's handle on the locked window: starts ``_window.py`` with Debian's
Python, reads its events, closes it.

The window's process gets an environment of its own: ``HOME`` and the XDG
folders inside the session's workspace (``profile_dir``, in RAM, wiped with
it), GSettings in memory and Mesa's shader cache off, so that nothing it
might write outlives the session; its data manager is ephemeral anyway.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

WINDOW = Path(__file__).with_name("_window.py")
#: Debian's packages the window needs.
PACKAGES = "python3-gi gir1.2-webkit2-4.1"


class BrowserUnavailable(RuntimeError):
    """The window cannot start here (no Debian Python with WebKitGTK, no display)."""


def is_usable(python: str = "/usr/bin/python3") -> tuple[bool, str]:
    """(True, "") when the window can start; else (False, what to install)."""
    if shutil.which(python) is None:
        return False, f"{python} is missing: apt-get install python3 {PACKAGES}"
    probe = subprocess.run(
        [python, "-c", "import gi; gi.require_version('WebKit2', '4.1'); from gi.repository import WebKit2"],
        capture_output=True,
        timeout=30,
    )
    if probe.returncode != 0:
        return False, f"WebKitGTK is missing for {python}: apt-get install {PACKAGES}"
    return True, ""


class LockedWindow:
    """``python``: Debian's interpreter (with ``gi``); ``idle_seconds``: the window closes
    itself after this long without a touch; ``size``: (width, height), or None for full screen;
    ``display``: the X display it goes to (default: the kiosk's DISPLAY)."""

    def __init__(
        self,
        python: str = "/usr/bin/python3",
        *,
        idle_seconds: float = 180.0,
        size: tuple[int, int] | None = None,
        cancel_label: str = "Annuler",
        display: str | None = None,
    ):
        self.python = python
        self.idle_seconds = idle_seconds
        self.size = size
        self.cancel_label = cancel_label
        #: The X display the window goes to; None: the kiosk's own (its DISPLAY).
        self.display = display
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        #: The events of the last window, in order (``ready``, ``blocked``...), with their data.
        self.events: list[dict] = []
        self._ready = threading.Event()

    def open(
        self, url: str, on_closed: Callable[[str], None], allow: list[str], profile_dir: Path | None = None
    ) -> None:
        self.close()
        profile = Path(profile_dir) if profile_dir is not None else None
        env = self._env(profile)
        config = {
            "url": url,
            "allow": list(allow),
            "redirect": _redirect_prefix(allow, url),
            "idle_seconds": self.idle_seconds,
            "cancel_label": self.cancel_label,
        }
        if self.size:
            config["width"], config["height"] = self.size
        self.events = []
        self._ready.clear()
        try:
            proc = subprocess.Popen(
                [self.python, str(WINDOW), json.dumps(config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the engine's chatter may quote a URL
                env=env,
                cwd=str(profile) if profile else None,
            )
        except OSError as exc:
            raise BrowserUnavailable(f"{self.python}: {exc.strerror}") from None
        with self._lock:
            self._proc = proc
        threading.Thread(target=self._read, args=(proc, on_closed), name="browser-window", daemon=True).start()

    def _env(self, profile: Path | None) -> dict[str, str]:
        keep = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "XAUTHORITY", "LANG", "LC_ALL", "PATH")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        if self.display:
            env["DISPLAY"] = self.display
        env.update(GSETTINGS_BACKEND="memory", MESA_SHADER_CACHE_DISABLE="true", NO_AT_BRIDGE="1")
        if profile is not None:
            for name in ("cache", "config", "data", "state"):
                (profile / name).mkdir(mode=0o700, parents=True, exist_ok=True)
            env.update(
                HOME=str(profile),
                XDG_CACHE_HOME=str(profile / "cache"),
                XDG_CONFIG_HOME=str(profile / "config"),
                XDG_DATA_HOME=str(profile / "data"),
                XDG_STATE_HOME=str(profile / "state"),
            )
        return env

    def _read(self, proc: subprocess.Popen[bytes], on_closed: Callable[[str], None]) -> None:
        reason = "failed"
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            self.events.append(event)
            name = str(event.get("event", ""))
            if name == "ready":
                self._ready.set()
            elif name == "blocked":
                log.info("browser window: a page off the allow-list was blocked")
            elif name in ("page", "download"):
                pass
            else:
                reason = name
        proc.wait()
        self._ready.set()
        on_closed(reason)

    def wait_ready(self, timeout: float) -> float | None:
        """Seconds the window took to show its first page, or None."""
        self._ready.wait(timeout)
        return next((float(e["seconds"]) for e in self.events if e.get("event") == "ready"), None)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def close(self, timeout: float = 5.0) -> None:
        """Close the window (if open) and wait until its process is gone."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            assert proc.stdin is not None
            proc.stdin.write(b"close\n")
            proc.stdin.close()
        except OSError:
            pass
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                proc.wait(0.05)
            except subprocess.TimeoutExpired:
                continue
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _redirect_prefix(allow: list[str], url: str) -> str:
    """The kiosk's loopback address: the last entry of the allow-list (the session adds it last)."""
    return f"http://{allow[-1]}/" if allow else "http://127.0.0.1/"
