"""The devices' status on screen, live: udev's add/remove events (as pyudev's
thread delivers them) and the drivers' own failures change the top bar."""

import threading

import pytest

from drivers.devices import DeviceEvent, DeviceInfo
from drivers.scanner import ScannerJam

pytestmark = pytest.mark.ui

SCANNER = DeviceInfo(kind="scanner", sys_path="/sys/devices/usb1/1-1", vendor_id="04b8", product_id="0142")


def from_udev_thread(callback, event):
    t = threading.Thread(target=callback, args=(event,))
    t.start()
    t.join()


def test_scanner_plugged_unplugged_and_failing_shows_on_screen(driver, make_services, sane_env):
    services = make_services(
        scanner={"driver": "sane", "device": "test:0", "resolution": 75}, printer={"driver": "capture"}
    )
    kiosk = driver(services)
    kiosk.pump(3)
    site = kiosk.root.ids.site
    assert "Scanner : débranché" in site.text and "Imprimante : simulé" in site.text

    from_udev_thread(services.devices.on_device_event, DeviceEvent("add", SCANNER))
    kiosk.wait(lambda: "Scanner : prêt" in site.text, timeout=5, what="the scanner shown ready")

    services.devices.report_error("scanner", ScannerJam())
    kiosk.wait(lambda: "Scanner : en panne" in site.text, timeout=5, what="the scanner shown failing")
    services.devices.clear_error("scanner")

    from_udev_thread(services.devices.on_device_event, DeviceEvent("remove", SCANNER))
    kiosk.wait(lambda: "Scanner : débranché" in site.text, timeout=5, what="the scanner shown unplugged")


def test_a_failed_scan_marks_the_scanner_and_a_good_one_clears_it(driver, make_services, mock_backend):
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)}, scanner={"resolution": 75}
    )
    kiosk = driver(services)
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    kiosk.controller.session.wizard.goto("pieces")
    kiosk.controller.show("pieces")
    site = kiosk.root.ids.site
    services.scanner.inject_fault("jam")
    kiosk.tap(kiosk.screen._rows["identite"].ids.scan)
    kiosk.wait_idle()
    kiosk.wait(lambda: "Scanner : en panne" in site.text, timeout=5, what="the failure on screen")
    services.scanner.clear_fault()
    kiosk.tap(kiosk.screen._rows["identite"].ids.scan)
    kiosk.wait_idle()
    kiosk.wait(lambda: "Scanner : simulé" in site.text, timeout=5, what="the scanner back")
