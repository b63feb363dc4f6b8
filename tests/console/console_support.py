"""The console's tests' parts: kiosks in their own processes, the console under uvicorn."""

import subprocess
import sys
import threading
from pathlib import Path

from bus_support import SiteBroker
from support import free_port, wait_until

HERE = Path(__file__).resolve().parent
KIOSK_PROCESS = HERE.parent / "sitebus" / "kiosk_process.py"
ROOT = HERE.parent.parent
PIN = "482915"


class KioskProcess:
    def __init__(self, broker: SiteBroker, kiosk: str):
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(KIOSK_PROCESS),
                "127.0.0.1",
                str(broker.port),
                broker.site,
                kiosk,
                kiosk,
                broker.passwords[kiosk],
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, prefix: str, timeout: float = 10.0) -> str:
        """The first line heard that starts with ``prefix``, waited for; the lines heard in the failure."""
        try:
            return wait_until(lambda: self.heard(prefix), timeout=timeout, message=prefix)
        except AssertionError:
            raise AssertionError(f"{prefix!r} not heard; heard {self.lines}") from None

    def heard(self, prefix: str):
        return next((line for line in self.lines if line.startswith(prefix)), None)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class ConsoleServer:
    """The console's app under uvicorn, in a thread, on a free loopback port (a real HTTP server)."""

    def __init__(self, broker: SiteBroker, pins: dict[str, str], log_stream=None):
        import logging

        import uvicorn

        from console.app import make_app
        from console.bus import ConsoleBus
        from sitebus.pins import PinGate

        self.bus = ConsoleBus(
            host="127.0.0.1",
            port=broker.port,
            site=broker.site,
            username="console",
            password=broker.passwords["console"],
            keepalive=2,
            name="console-web",
        )
        self.bus.start()
        assert self.bus.wait_connected(10)
        self.gate = PinGate(pins, max_failures=5, lockout_s=300)
        self.app = make_app(self.bus, self.gate)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="info", access_log=True, log_config=None
        )
        self.server = uvicorn.Server(config)
        if log_stream is not None:
            handler = logging.StreamHandler(log_stream)
            for name in ("uvicorn", "uvicorn.access", "uvicorn.error", "console", "sitebus"):
                logging.getLogger(name).addHandler(handler)
                logging.getLogger(name).setLevel(logging.INFO)
            self._handler = handler
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_until(lambda: self.server.started, message="the console's server")

    def stop(self):
        import logging

        self.server.should_exit = True
        self.thread.join(10)
        self.bus.stop()
        if getattr(self, "_handler", None) is not None:
            for name in ("uvicorn", "uvicorn.access", "uvicorn.error", "console", "sitebus"):
                logging.getLogger(name).removeHandler(self._handler)
