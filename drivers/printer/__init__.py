"""The receipt printer (ESC/POS through python-escpos) and its capture fake;
the A4 printer (CUPS through pycups) and its capture fake, in ``a4``; the
A4 PDF builder in ``a4doc`` (imports reportlab: not loaded here).

Names are loaded from their module on first use (PEP 562), and python-escpos
only when a receipt printer is opened: it parses its capabilities database
(~0.2 s) when imported."""

import importlib.abc
import importlib.machinery
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from .._lazy import lazy_exports

_EXPORTS = {
    "FAULTS": "_capture",
    "CapturePrinter": "_capture",
    "PrinterCoverOpen": "_errors",
    "PrinterError": "_errors",
    "PrinterJam": "_errors",
    "PrinterNotConfirmed": "_errors",
    "PrinterPaperOut": "_errors",
    "PrinterStatus": "_errors",
    "PrinterUnavailable": "_errors",
    "A4_PRINTER_DRIVERS": "_factory",
    "PRINTER_DRIVERS": "_factory",
    "make_a4_printer": "_factory",
    "make_receipt_printer": "_factory",
    "Receipt": "_receipt",
    "ReceiptPrinter": "_receipt",
    "nfc": "_receipt",
    "A4Printer": "a4",
    "CaptureA4Printer": "a4",
    "CupsPrinter": "a4",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


def _lasting_escpos_cache() -> None:
    """python-escpos pickles its parsed capabilities in the folder
    ESCPOS_CAPABILITIES_PICKLE_DIR names, by default a new temporary folder at
    each import: the cache never serves, and the folders pile up. Give it a
    lasting one, unless the environment names one or it cannot be written
    (then python-escpos keeps its default). Run before this package's modules
    import escpos, each on first use."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME", ""))
        folder = (base if base.is_absolute() else Path.home() / ".cache") / "pointnum" / "escpos"
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return
    if os.access(folder, os.W_OK | os.X_OK):
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)


class _NoEscposTempFolder(importlib.abc.MetaPathFinder):
    """python-escpos 3.1 calls ``mkdtemp()`` on import even when
    ESCPOS_CAPABILITIES_PICKLE_DIR is set (``environ.get(name, mkdtemp())``
    evaluates its default first): one empty folder left in the temporary folder
    by every process that prints. While its ``escpos.capabilities`` runs, the
    ``mkdtemp`` that module calls returns the named folder instead; every other
    caller gets the real one. Used once, then removed from ``sys.meta_path``."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "escpos.capabilities":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        run, folder = spec.loader.exec_module, self.folder

        def exec_module(module: ModuleType) -> None:
            real = tempfile.mkdtemp

            def mkdtemp(*args: Any, **kwargs: Any) -> str:
                if sys._getframe(1).f_globals.get("__name__") == fullname:
                    return folder
                made: str = real(*args, **kwargs)
                return made

            tempfile.mkdtemp = mkdtemp  # type: ignore[assignment]  # the same call, for one module
            try:
                run(module)
            finally:
                tempfile.mkdtemp = real

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]  # this one loader's, see above
        return spec


_lasting_escpos_cache()
if os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR") and "escpos.capabilities" not in sys.modules:
    sys.meta_path.insert(0, _NoEscposTempFolder(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]))
