"""The receipt printer (ESC/POS through python-escpos) and its capture fake;
the A4 printer (CUPS through pycups) and its capture fake, in ``a4``; the
A4 PDF builder in ``a4doc`` (imports reportlab: not loaded here)."""
from ._capture import FAULTS, CapturePrinter
from ._errors import (
    PrinterCoverOpen,
    PrinterError,
    PrinterJam,
    PrinterPaperOut,
    PrinterStatus,
    PrinterUnavailable,
)
from ._factory import A4_PRINTER_DRIVERS, PRINTER_DRIVERS, make_a4_printer, make_receipt_printer
from ._receipt import Receipt, ReceiptPrinter, nfc
from .a4 import A4Printer, CaptureA4Printer, CupsPrinter

__all__ = [
    "A4_PRINTER_DRIVERS",
    "A4Printer",
    "CaptureA4Printer",
    "CupsPrinter",
    "FAULTS",
    "PRINTER_DRIVERS",
    "CapturePrinter",
    "PrinterCoverOpen",
    "PrinterError",
    "PrinterJam",
    "PrinterPaperOut",
    "PrinterStatus",
    "PrinterUnavailable",
    "Receipt",
    "ReceiptPrinter",
    "make_a4_printer",
    "make_receipt_printer",
    "nfc",
]
