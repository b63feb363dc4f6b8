from pathlib import Path

import pytest
from console_support import PIN, KioskProcess

from bus_support import SiteBroker


@pytest.fixture(scope="module")
def pin_hash():
    from sitebus.pins import hash_pin

    return hash_pin(PIN)


@pytest.fixture
def site_broker(tmp_path):
    broker = SiteBroker(tmp_path / "broker").start()
    yield broker
    broker.stop()


@pytest.fixture
def kiosk_process():
    made = []

    def make(broker, kiosk):
        k = KioskProcess(broker, kiosk)
        made.append(k)
        return k

    yield make
    for k in made:
        k.close()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not Path("/usr/bin/chromium").exists():
        raise AssertionError("chromium is not installed: apt-get install chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()
