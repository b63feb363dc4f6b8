"""A scanner without hardware: serves document images from a folder through
the same port as the SANE scanner, for demos, training and tests. Faults are
injected from config or by a test, as OctoPrint's virtual printer does."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from ._base import (
    Scanner,
    ScannerError,
    ScannerJam,
    ScannerNoPaper,
    ScannerTimeout,
    ScannerUnavailable,
    check_cancel,
    check_source,
)

#: The bundled fictitious documents (see samples/make_samples.py).
SAMPLES = Path(__file__).resolve().parent / "samples"
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".pnm", ".ppm"}

#: Fault name -> (error class, technical detail).
FAULTS: dict[str, tuple[type[ScannerError], str]] = {
    "unplugged": (ScannerUnavailable, "simulated: scanner unplugged"),
    "jam": (ScannerJam, "simulated: paper jam"),
    "no-paper": (ScannerNoPaper, "simulated: feeder empty"),
    "timeout": (ScannerTimeout, "simulated: no image before the timeout"),
}


class SimulatedScanner(Scanner):
    """Pages come from ``folder`` (sorted, cycling from one scan to the next),
    or from the bundled samples when ``folder`` is None or empty.

    ``fault`` (or :meth:`inject_fault`) makes scans fail: ``unplugged``,
    ``jam``, ``no-paper``, ``timeout``; ``after_pages`` lets a feeder scan
    deliver that many pages first (a jam or an unplug mid-feed).
    A feeder scan gives ``adf_pages`` pages. Images are stored at
    ``source_dpi`` and resized to the requested resolution.
    """

    def __init__(self, folder: str | Path | None = None, fault: str = "", *,
                 adf_pages: int = 3, resolution: int = 300, source_dpi: int = 150):
        self.folder = Path(folder) if folder else SAMPLES
        self.adf_pages = adf_pages
        self.resolution = resolution
        self.source_dpi = source_dpi
        self.name = "Scanner simulé"
        self._next = 0
        self._lock = threading.Lock()
        self.fault = ""
        self.fault_after = 0
        self.inject_fault(fault)

    # -- faults ------------------------------------------------------------

    def inject_fault(self, name: str, after_pages: int = 0) -> None:
        """Make the following scans fail with ``name`` ('' clears the fault)."""
        if name and name not in FAULTS:
            raise ValueError(f"unknown scanner fault {name!r}: expected one of {sorted(FAULTS)}")
        self.fault = name
        self.fault_after = after_pages

    def clear_fault(self) -> None:
        self.inject_fault("")

    def _raise_fault(self) -> None:
        cls, detail = FAULTS[self.fault]
        raise cls(detail)

    # -- port --------------------------------------------------------------

    def documents(self) -> list[Path]:
        """The image files served, in order."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir()
                      if p.suffix.lower() in _IMAGE_SUFFIXES and p.is_file())

    def is_available(self) -> bool:
        return self.fault != "unplugged" and bool(self.documents())

    def sources(self) -> list[str]:
        if self.fault == "unplugged":
            self._raise_fault()
        return ["flatbed", "adf"]

    def scan(self, source: str = "flatbed", resolution: int | None = None,
             cancel: threading.Event | None = None) -> Iterator[Image.Image]:
        check_source(source)
        resolution = int(resolution or self.resolution)
        count = 1 if source == "flatbed" else self.adf_pages
        check_cancel(cancel)
        documents = self.documents()
        if not documents:
            raise ScannerUnavailable(f"simulated scanner: no image in {self.folder}")
        for index in range(count):
            check_cancel(cancel)
            if self.fault and index >= self.fault_after:
                if self.fault == "no-paper" and index > 0:
                    return  # the feeder ran out after some pages: a normal end
                self._raise_fault()
            with self._lock:
                path = documents[self._next % len(documents)]
                self._next += 1
            yield self._load(path, resolution)
        if count == 0:
            raise ScannerNoPaper("simulated: feeder empty")

    def _load(self, path: Path, resolution: int) -> Image.Image:
        with Image.open(path) as image:
            image = image.convert("RGB")
        if resolution != self.source_dpi:
            size = (round(image.width * resolution / self.source_dpi),
                    round(image.height * resolution / self.source_dpi))
            image = image.resize(size, Image.BILINEAR)
        image.info["dpi"] = (resolution, resolution)
        image.info["source_file"] = path.name
        return image
