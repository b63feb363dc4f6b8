"""Document scanners behind one port: SANE (pyinsane2) or simulated."""
from ._base import (
    SOURCES,
    ScanCancelled,
    Scanner,
    ScannerError,
    ScannerJam,
    ScannerNoPaper,
    ScannerTimeout,
    ScannerUnavailable,
)
from ._factory import SCANNER_DRIVERS, make_scanner
from ._sane import SaneScanner
from ._sane import is_usable as sane_is_usable
from ._simulated import FAULTS, SAMPLES, SimulatedScanner

__all__ = [
    "FAULTS",
    "SAMPLES",
    "SCANNER_DRIVERS",
    "SOURCES",
    "SaneScanner",
    "ScanCancelled",
    "Scanner",
    "ScannerError",
    "ScannerJam",
    "ScannerNoPaper",
    "ScannerTimeout",
    "ScannerUnavailable",
    "SimulatedScanner",
    "make_scanner",
    "sane_is_usable",
]
