"""Drivers with a programming error, for the tests of the crash path: the real
simulated scanner and capture printers, each with one bug (a TypeError no
device raises). What a bug must do: reach the crash path with its traceback,
never be told to the user as a device's fault.

The scanner is built in the scan worker's child, by name
(``ScanWorker(settings, factory=scanner_with_a_bug)``): the child finds this
module through PYTHONPATH (:func:`on_child_path`)."""

from __future__ import annotations

import os
from pathlib import Path

from drivers.printer import CaptureA4Printer, CapturePrinter, ReceiptPrinter
from drivers.scanner import SimulatedScanner

#: The bug's own message: our code's words, no value of a user's.
BUG = "unsupported operand in the driver's own code"


def on_child_path(monkeypatch) -> None:
    """This folder on the PYTHONPATH the scan worker's child is started with."""
    here = str(Path(__file__).resolve().parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p))


class ScannerWithABug(SimulatedScanner):
    def scan(self, source="flatbed", resolution=None, cancel=None, *, progress=None, expect=""):
        raise TypeError(BUG)


def scanner_with_a_bug(settings) -> ScannerWithABug:
    """The scan worker's factory: built in the child."""
    return ScannerWithABug(resolution=settings.resolution)


class CaptureWithABug(CapturePrinter):
    """Answers its status queries like the capture printer; the job's bytes hit the bug."""

    def text(self, txt: str) -> None:
        raise TypeError(BUG)


def receipt_printer_with_a_bug() -> ReceiptPrinter:
    device = CaptureWithABug()
    return ReceiptPrinter(lambda: device)


class A4WithABug(CaptureA4Printer):
    def print_pdf(self, pdf: bytes, title: str = "Document", duplex: bool = False) -> int:
        raise TypeError(BUG)
