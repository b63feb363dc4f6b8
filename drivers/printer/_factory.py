"""Receipt printer devices by ``printer.driver``, as python-escpos's own
config maps ``type:`` to a class. Each builder returns an ``open_device``
callable and whether the device can answer status queries. python-escpos
is imported when a device is first opened; the usb and serial builders
import it at once, to say whether its optional dependency is there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Literal

from ._errors import PrinterUnavailable
from ._receipt import ReceiptPrinter
from .a4 import A4Printer, CaptureA4Printer, CupsPrinter

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from config import PrinterSettings

OpenDevice = Callable[[], "Escpos"]

#: The receipt printers ``printer.driver`` may name: the keys of PRINTER_DRIVERS, the
#: choices the settings offer (config/_settings.py), defined here only.
ReceiptPrinterDriver = Literal["network", "usb", "serial", "file", "capture"]
#: The A4 printers ``a4.driver`` may name: the keys of A4_PRINTER_DRIVERS.
A4PrinterDriver = Literal["cups", "capture"]


def _network(s: PrinterSettings) -> tuple[OpenDevice, bool]:
    def network() -> Escpos:
        from ._network import NetworkPrinter

        return NetworkPrinter(
            s.host, port=s.port, timeout=s.timeout, profile=s.profile, status_timeout=s.status_timeout
        )

    # Status is asked over TCP too: reaching the port says nothing of the paper.
    # A print server that does not answer DLE EOT costs status_timeout a query,
    # and its silence means what printer.status_unanswered says.
    return network, True


def _usb(s: PrinterSettings) -> tuple[OpenDevice, bool]:
    from escpos.printer import usb

    if not usb.is_usable():
        raise PrinterUnavailable("USB printers need pyusb: pip install 'python-escpos[usb]'")
    return (lambda: usb.Usb(s.usb_vendor, s.usb_product, timeout=int(s.timeout * 1000), profile=s.profile)), True


def _serial(s: PrinterSettings) -> tuple[OpenDevice, bool]:
    from escpos.printer import serial

    if not serial.is_usable():
        raise PrinterUnavailable("serial printers need pyserial: pip install 'python-escpos[serial]'")
    return (lambda: serial.Serial(s.serial_device, timeout=s.timeout, profile=s.profile)), True


def _file(s: PrinterSettings) -> tuple[OpenDevice, bool]:
    if not s.file:
        raise PrinterUnavailable("printer.file is empty: give the device or file to write to")

    def file() -> Escpos:
        from escpos.printer import File

        return File(s.file, profile=s.profile)

    return file, False


def _capture(s: PrinterSettings) -> tuple[OpenDevice, bool]:
    lock = threading.Lock()

    @cache
    def build() -> Escpos:
        from ._capture import CapturePrinter

        return CapturePrinter(s.file or None, profile=s.profile)

    def printer() -> Escpos:
        with lock:  # built once, on first use: one printer keeps every job
            return build()

    return printer, True


#: ``printer.driver`` -> builder.
PRINTER_DRIVERS: dict[ReceiptPrinterDriver, Callable[[PrinterSettings], tuple[OpenDevice, bool]]] = {
    "network": _network,
    "usb": _usb,
    "serial": _serial,
    "file": _file,
    "capture": _capture,
}


def make_receipt_printer(settings: PrinterSettings) -> ReceiptPrinter:
    """The receipt printer named by ``settings.driver``.

    Raises PrinterUnavailable when the driver's optional dependency is missing."""
    try:
        build = PRINTER_DRIVERS[settings.driver]
    except KeyError:
        raise ValueError(
            f"unknown printer driver {settings.driver!r}: expected one of {sorted(PRINTER_DRIVERS)}"
        ) from None
    open_device, check_status = build(settings)
    return ReceiptPrinter(
        open_device, profile=settings.profile, check_status=check_status, unanswered=settings.status_unanswered
    )


# -- A4 printers ------------------------------------------------------------------
# Their settings are read by name with defaults, from any object (a future
# ``[a4]`` section of the settings): driver, queue, host, port, timeout,
# folder, fault.


def _cups(s: object) -> A4Printer:
    return CupsPrinter(
        getattr(s, "queue", ""),
        getattr(s, "host", ""),
        int(getattr(s, "port", 631)),
        timeout=float(getattr(s, "timeout", 10.0)),
    )


def _capture_a4(s: object) -> A4Printer:
    return CaptureA4Printer(getattr(s, "folder", "") or None, fault=getattr(s, "fault", ""))


#: ``a4.driver`` -> builder.
A4_PRINTER_DRIVERS: dict[A4PrinterDriver, Callable[[object], A4Printer]] = {
    "cups": _cups,
    "capture": _capture_a4,
}


def make_a4_printer(settings: object | None = None) -> A4Printer:
    """The A4 printer named by ``settings.driver`` (default: capture)."""
    driver: str = getattr(settings, "driver", "capture")
    if driver in A4_PRINTER_DRIVERS:
        return A4_PRINTER_DRIVERS[driver](settings)
    raise ValueError(f"unknown A4 printer driver {driver!r}: expected one of {sorted(A4_PRINTER_DRIVERS)}")
