"""DeviceWatch on pyudev, with devices simulated by umockdev.

umockdev only works when the process starts under ``umockdev-wrapper`` (it
preloads a library that redirects /sys and the netlink socket), so the test
re-executes itself under the wrapper when it is not there already.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from drivers.devices import DeviceEvent, DeviceInfo, DeviceStatus, DeviceWatch
from drivers.printer import PrinterPaperOut
from drivers.scanner import ScannerUnavailable

ROOT = Path(__file__).resolve().parents[2]


def wait_until(predicate, timeout: float, message: str) -> None:
    """Poll ``predicate`` at most ``timeout`` seconds (tests/conftest.py has the
    same helper, but ``conftest`` is not importable by name once subfolders
    have their own)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        threading.Event().wait(0.02)
UNDER_UMOCKDEV = "libumockdev-preload" in os.environ.get("LD_PRELOAD", "")


@pytest.mark.skipif(UNDER_UMOCKDEV, reason="this is the outer run")
def test_under_umockdev_wrapper():
    if not shutil.which("umockdev-wrapper"):
        pytest.skip("umockdev-wrapper is not installed (apt-get install umockdev gir1.2-umockdev-1.0)")
    pytest.importorskip("gi", reason="python3-gi must be linked into the venv (see PLATFORM.md)")
    done = subprocess.run(
        ["umockdev-wrapper", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{Path(__file__)}::test_plug_and_unplug", f"{Path(__file__)}::test_status_follows_hotplug"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


@pytest.mark.skipif(not UNDER_UMOCKDEV, reason="runs under umockdev-wrapper (see test_under_umockdev_wrapper)")
def test_plug_and_unplug():
    import gi

    gi.require_version("UMockdev", "1.0")
    from gi.repository import UMockdev

    testbed = UMockdev.Testbed.new()
    # a scanner present before the watch starts, tagged by libsane's udev rules
    scanner = testbed.add_device(
        "usb", "scanner0", None,
        ["idVendor", "04b8", "idProduct", "0142", "bDeviceClass", "00", "product", "Perfection V39"],
        ["DEVTYPE", "usb_device", "libsane_matched", "yes"])
    # a keyboard: neither
    testbed.add_device("usb", "keyboard0", None, ["idVendor", "046d", "idProduct", "c31c", "bDeviceClass", "00"],
                       ["DEVTYPE", "usb_device", "ID_USB_INTERFACES", ":030101:"])
    events: list[DeviceEvent] = []
    watch = DeviceWatch(events.append)
    present = watch.present()
    assert [d.sys_path for d in present["scanner"]] == [scanner]
    assert present["scanner"][0].model == "Perfection V39" and present["scanner"][0].vendor == "Epson"
    assert present["printer"] == []

    watch.start()
    try:
        printer = testbed.add_device(
            "usb", "printer0", None, ["idVendor", "0519", "idProduct", "0001", "bDeviceClass", "00"],
            ["DEVTYPE", "usb_device", "ID_USB_INTERFACES", ":070102:"])
        # a Canon scanner that libsane's rules did not tag: known by its vendor id
        canon = testbed.add_device(
            "usb", "scanner1", None, ["idVendor", "04a9", "idProduct", "1905", "bDeviceClass", "00"],
            ["DEVTYPE", "usb_device"])
        wait_until(lambda: len(events) >= 2, timeout=10, message="two add events")
        assert events[:2] == [
            DeviceEvent("add", DeviceInfo("printer", printer, "0519", "0001")),
            DeviceEvent("add", DeviceInfo("scanner", canon, "04a9", "1905", vendor="Canon")),
        ]
        present = watch.present()
        assert sorted(d.sys_path for d in present["scanner"]) == sorted([scanner, canon])
        assert [d.sys_path for d in present["printer"]] == [printer]

        testbed.uevent(printer, "remove")
        wait_until(lambda: len(events) >= 3, timeout=10, message="the remove event")
        assert events[2] == DeviceEvent("remove", DeviceInfo("printer", printer, "0519", "0001"))
    finally:
        watch.stop()
    assert len(events) == 3


@pytest.mark.skipif(not UNDER_UMOCKDEV, reason="runs under umockdev-wrapper (see test_under_umockdev_wrapper)")
def test_status_follows_hotplug():
    import gi

    gi.require_version("UMockdev", "1.0")
    from gi.repository import UMockdev

    testbed = UMockdev.Testbed.new()
    status = DeviceStatus()
    snapshots = []
    status.observe(snapshots.append)
    watch = DeviceWatch(status.on_device_event)
    status.load(watch.present())
    assert not status["scanner"].present and not status["printer"].present
    watch.start()
    try:
        scanner = testbed.add_device(
            "usb", "scanner0", None, ["idVendor", "04b8", "idProduct", "0142", "bDeviceClass", "00"],
            ["DEVTYPE", "usb_device", "libsane_matched", "yes"])
        printer = testbed.add_device(
            "usb", "printer0", None, ["idVendor", "0519", "idProduct", "0001", "bDeviceClass", "00"],
            ["DEVTYPE", "usb_device", "ID_USB_INTERFACES", ":070102:"])
        wait_until(lambda: status["scanner"].present and status["printer"].present, 10, "both plugged")
        assert [d.sys_path for d in status["scanner"].devices] == [scanner]
        # the scanner is pulled out mid-scan: the watch and the scan worker both say so
        testbed.uevent(scanner, "remove")
        wait_until(lambda: not status["scanner"].present, 10, "the scanner to go")
        status.report_error("scanner", ScannerUnavailable("worker: scanner unplugged"))
        assert status["scanner"].last_error.startswith("Le scanner n'est pas branché")
        assert status["printer"].present
        # plugged back in, and a scan worked again
        testbed.uevent(scanner, "add")
        wait_until(lambda: status["scanner"].present, 10, "the scanner to come back")
        status.clear_error("scanner")
        testbed.uevent(printer, "remove")
        wait_until(lambda: not status["printer"].present, 10, "the printer to go")
    finally:
        watch.stop()
    presence = [(s["scanner"].present, s["printer"].present) for s in snapshots]
    assert presence[0] == (False, False) and presence[-1] == (True, False)
    assert (False, True) in presence  # the scanner's absence was seen while the printer stayed


def test_status_gathers_presence_and_errors_for_observers():
    now = [1000.0]
    status = DeviceStatus(clock=lambda: now[0])
    seen = []
    status.observe(seen.append)
    assert len(seen) == 1 and not seen[0]["scanner"].present
    scanner = DeviceInfo("scanner", "/sys/devices/usb1/1-1", "04b8", "0142")
    status.load({"scanner": [scanner], "printer": []})
    assert status["scanner"].present and status["scanner"].devices == (scanner,)
    status.on_device_event(DeviceEvent("add", scanner))  # already known: no change
    assert len(seen) == 2
    status.report_error("printer", PrinterPaperOut("DLE EOT: paper end"))
    printer_state = status["printer"]
    assert printer_state.last_error == "L'imprimante n'a plus de papier. Appelez le médiateur."
    assert printer_state.error_class == "PrinterPaperOut" and printer_state.last_error_at == 1000.0
    status.on_device_event(DeviceEvent("remove", scanner))
    assert not status["scanner"].present
    status.clear_error("printer")
    assert status["printer"].last_error == "" and len(seen) == 5
    assert seen[-1]["printer"].last_error == "" and not seen[-1]["scanner"].present
