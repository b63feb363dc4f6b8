"""DeviceWatch with devices simulated by umockdev: run by
test_device_watch.py::test_under_umockdev_wrapper, under ``umockdev-wrapper``
(it preloads a library that redirects /sys and the netlink socket to a test
bed), and only there: pytest does not collect this file by itself."""

from __future__ import annotations

import os

import pytest

from drivers.devices import DeviceEvent, DeviceInfo, DeviceStatus, DeviceWatch
from drivers.scanner import ScannerUnavailable
from support import wait_until


@pytest.fixture
def testbed():
    if "libumockdev-preload" not in os.environ.get("LD_PRELOAD", ""):
        pytest.fail("this file runs under umockdev-wrapper: run tests/drivers/test_device_watch.py", pytrace=False)
    import gi

    gi.require_version("UMockdev", "1.0")
    from gi.repository import UMockdev

    return UMockdev.Testbed.new()


def test_plug_and_unplug(testbed):
    # a scanner present before the watch starts, tagged by libsane's udev rules
    scanner = testbed.add_device(
        "usb",
        "scanner0",
        None,
        ["idVendor", "04b8", "idProduct", "0142", "bDeviceClass", "00", "product", "Perfection V39"],
        ["DEVTYPE", "usb_device", "libsane_matched", "yes"],
    )
    # a keyboard: neither
    testbed.add_device(
        "usb",
        "keyboard0",
        None,
        ["idVendor", "046d", "idProduct", "c31c", "bDeviceClass", "00"],
        ["DEVTYPE", "usb_device", "ID_USB_INTERFACES", ":030101:"],
    )
    events: list[DeviceEvent] = []
    watch = DeviceWatch(events.append)
    present = watch.present()
    assert [d.sys_path for d in present["scanner"]] == [scanner]
    assert present["scanner"][0].model == "Perfection V39" and present["scanner"][0].vendor == "Epson"
    assert present["printer"] == []

    watch.start()
    try:
        printer = testbed.add_device(
            "usb",
            "printer0",
            None,
            ["idVendor", "0519", "idProduct", "0001", "bDeviceClass", "00"],
            ["DEVTYPE", "usb_device", "ID_USB_INTERFACES", ":070102:"],
        )
        # a Canon scanner that libsane's rules did not tag: known by its vendor id
        canon = testbed.add_device(
            "usb",
            "scanner1",
            None,
            ["idVendor", "04a9", "idProduct", "1905", "bDeviceClass", "00"],
            ["DEVTYPE", "usb_device"],
        )
        wait_until(lambda: len(events) >= 2, 10, message="two add events")
        assert events[:2] == [
            DeviceEvent("add", DeviceInfo("printer", printer, "0519", "0001")),
            DeviceEvent("add", DeviceInfo("scanner", canon, "04a9", "1905", vendor="Canon")),
        ]
        present = watch.present()
        assert sorted(d.sys_path for d in present["scanner"]) == sorted([scanner, canon])
        assert [d.sys_path for d in present["printer"]] == [printer]

        testbed.uevent(printer, "remove")
        wait_until(lambda: len(events) >= 3, 10, message="the remove event")
        assert events[2] == DeviceEvent("remove", DeviceInfo("printer", printer, "0519", "0001"))
    finally:
        watch.stop()
    assert len(events) == 3


def test_status_follows_hotplug(testbed):
    status = DeviceStatus()
    snapshots = []
    status.observe(snapshots.append)
    watch = DeviceWatch(status.on_device_event)
    status.load(watch.present())
    assert not status["scanner"].present and not status["printer"].present
    watch.start()
    try:
        scanner = testbed.add_device(
            "usb",
            "scanner0",
            None,
            ["idVendor", "04b8", "idProduct", "0142", "bDeviceClass", "00"],
            ["DEVTYPE", "usb_device", "libsane_matched", "yes"],
        )
        printer = testbed.add_device(
            "usb",
            "printer0",
            None,
            ["idVendor", "0519", "idProduct", "0001", "bDeviceClass", "00"],
            ["DEVTYPE", "usb_device", "ID_USB_INTERFACES", ":070102:"],
        )
        wait_until(lambda: status["scanner"].present and status["printer"].present, 10, message="both plugged")
        assert [d.sys_path for d in status["scanner"].devices] == [scanner]
        # the scanner is pulled out mid-scan: the watch and the scan worker both say so
        testbed.uevent(scanner, "remove")
        wait_until(lambda: not status["scanner"].present, 10, message="the scanner to go")
        status.report_error("scanner", ScannerUnavailable("worker: scanner unplugged"))
        assert status["scanner"].last_error.startswith("Le scanner n'est pas branché")
        assert status["printer"].present
        # plugged back in, and a scan worked again
        testbed.uevent(scanner, "add")
        wait_until(lambda: status["scanner"].present, 10, message="the scanner to come back")
        status.clear_error("scanner")
        testbed.uevent(printer, "remove")
        wait_until(lambda: not status["printer"].present, 10, message="the printer to go")
    finally:
        watch.stop()
    presence = [(s["scanner"].present, s["printer"].present) for s in snapshots]
    assert presence[0] == (False, False) and presence[-1] == (True, False)
    assert (False, True) in presence  # the scanner's absence was seen while the printer stayed
