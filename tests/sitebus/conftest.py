import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bus_support import SiteBroker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


@pytest.fixture
def site_broker(tmp_path):
    broker = SiteBroker(tmp_path / "broker").start()
    yield broker
    broker.stop()


class KioskProcess:
    """A kiosk's bus in its own process (kiosk_process.py); its stdout lines are collected."""

    def __init__(self, broker: SiteBroker, kiosk: str, login: str | None = None):
        login = login or kiosk
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "kiosk_process.py"),
                "127.0.0.1",
                str(broker.port),
                broker.site,
                kiosk,
                login,
                broker.passwords[login],
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

    def heard(self, prefix: str):
        return next((line for line in self.lines if line.startswith(prefix)), None)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def kiosk_process():
    made = []

    def make(broker, kiosk, login=None):
        k = KioskProcess(broker, kiosk, login)
        made.append(k)
        return k

    yield make
    for k in made:
        k.close()


@pytest.fixture
def console_bus(site_broker):
    from console.bus import ConsoleBus

    made = []

    def make(name="console-test"):
        bus = ConsoleBus(
            host="127.0.0.1",
            port=site_broker.port,
            site=site_broker.site,
            username="console",
            password=site_broker.passwords["console"],
            keepalive=2,
            name=name,
        )
        bus.start()
        assert bus.wait_connected(10)
        made.append(bus)
        return bus

    yield make
    for bus in made:
        bus.stop()
