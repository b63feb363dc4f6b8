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

from drivers.devices import DeviceEvent, DeviceInfo, DeviceWatch

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
         f"{Path(__file__)}::test_plug_and_unplug"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


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
