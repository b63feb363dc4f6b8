"""The receipt printer (ESC/POS through python-escpos) and its capture fake."""
from ._capture import FAULTS, CapturePrinter
from ._errors import (
    PrinterCoverOpen,
    PrinterError,
    PrinterPaperOut,
    PrinterStatus,
    PrinterUnavailable,
)
from ._factory import PRINTER_DRIVERS, make_receipt_printer
from ._receipt import Receipt, ReceiptPrinter, nfc

__all__ = [
    "FAULTS",
    "PRINTER_DRIVERS",
    "CapturePrinter",
    "PrinterCoverOpen",
    "PrinterError",
    "PrinterPaperOut",
    "PrinterStatus",
    "PrinterUnavailable",
    "Receipt",
    "ReceiptPrinter",
    "make_receipt_printer",
    "nfc",
]
