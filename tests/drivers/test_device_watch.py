"""DeviceWatch on pyudev, with devices simulated by umockdev, and DeviceStatus.

umockdev only works when the process starts under ``umockdev-wrapper`` (it
preloads a library that redirects /sys and the netlink socket): the hot-plug
tests are in umockdev_hotplug.py, which a test here runs under the wrapper.
"""

from __future__ import annotations

import glob
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.devices import DeviceEvent, DeviceInfo, DeviceStatus
from drivers.printer import PrinterPaperOut

ROOT = Path(__file__).resolve().parents[2]
#: The tests that need umockdev's test bed; this file runs them under its wrapper.
UNDER_WRAPPER = Path(__file__).with_name("umockdev_hotplug.py")


def test_under_umockdev_wrapper():
    missing = [
        f"{path} (Debian's {package})"
        for path, package in (
            ("/usr/bin/umockdev-wrapper", "umockdev"),
            ("/usr/lib/python3/dist-packages/gi", "python3-gi"),
        )
        if not Path(path).exists()
    ]
    if not glob.glob("/usr/lib/*/girepository-1.0/UMockdev-1.0.typelib"):
        missing.append("UMockdev-1.0.typelib (Debian's gir1.2-umockdev-1.0)")
    if missing:
        pytest.fail(f"umockdev is missing: {', '.join(missing)}", pytrace=False)
    if importlib.util.find_spec("gi") is None:
        pytest.fail(
            f"{sys.prefix} does not see Debian's gi: link /usr/lib/python3/dist-packages/gi into its "
            "site-packages (scripts/bootstrap.sh does)",
            pytrace=False,
        )
    done = subprocess.run(
        [
            "/usr/bin/umockdev-wrapper",
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(UNDER_WRAPPER),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout, done.stdout


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
