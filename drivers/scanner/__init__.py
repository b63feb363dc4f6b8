"""Document scanners behind one port: SANE (pyinsane2) or simulated; the
page pipeline (``pipeline``) and the worker process that runs both (``worker``)."""
from ._base import (
    SOURCES,
    ScanCancelled,
    Scanner,
    ScannerCoverOpen,
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
from .pipeline import PageProcessing, ProcessedPage, assemble_pdf, process_page
from .worker import ScanJob, ScannedPage, ScanProgress, ScanWorker

__all__ = [
    "FAULTS",
    "PageProcessing",
    "ProcessedPage",
    "SAMPLES",
    "SCANNER_DRIVERS",
    "SOURCES",
    "SaneScanner",
    "ScanCancelled",
    "ScanJob",
    "ScanProgress",
    "ScanWorker",
    "ScannedPage",
    "Scanner",
    "ScannerCoverOpen",
    "ScannerError",
    "ScannerJam",
    "ScannerNoPaper",
    "ScannerTimeout",
    "ScannerUnavailable",
    "SimulatedScanner",
    "assemble_pdf",
    "make_scanner",
    "process_page",
    "sane_is_usable",
]
