"""Document scanners behind one port: SANE (pyinsane2) or simulated; the
page pipeline (``pipeline``) and the worker process that runs both (``worker``).

Names are loaded from their module on first use (PEP 562): the scanners and
the pipeline need Pillow and numpy, which the worker's parent never does."""

from .._lazy import lazy_exports

_EXPORTS = {
    "MAX_PAGE_PIXELS": "_base",
    "MAX_RESOLUTION": "_base",
    "SOURCES": "_base",
    "ScanCancelled": "_base",
    "Scanner": "_base",
    "ScannerCoverOpen": "_base",
    "ScannerBusy": "_base",
    "ScannerError": "_base",
    "ScannerJam": "_base",
    "ScannerNoDuplex": "_base",
    "ScannerNoFeeder": "_base",
    "ScannerNoPaper": "_base",
    "ScannerPageTooLarge": "_base",
    "ScannerTimeout": "_base",
    "ScannerUnavailable": "_base",
    "ScannerWarmingUp": "_base",
    "SCANNER_DRIVERS": "_factory",
    "make_scanner": "_factory",
    "SaneScanner": "_sane",
    "sane_is_usable": "_sane:is_usable",
    "FAULTS": "_simulated",
    "SAMPLES": "_simulated",
    "SimulatedScanner": "_simulated",
    "ProcessedPage": "pipeline",
    "assemble_pdf": "pipeline",
    "process_page": "pipeline",
    "PageProcessing": "processing",
    "ScanJob": "worker",
    "ScanProgress": "worker",
    "ScanWorker": "worker",
    "ScanWorkerBug": "worker",
    "ScannedPage": "worker",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
