"""A scanner without hardware: serves document images from a folder through
the same port as the SANE scanner, for demos, training and tests. Faults are
injected from config or by a test, as OctoPrint's virtual printer does."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import Image

from ._base import (
    Progress,
    Scanner,
    ScannerCoverOpen,
    ScannerError,
    ScannerJam,
    ScannerNoDuplex,
    ScannerNoPaper,
    ScannerPageTooLarge,
    ScannerTimeout,
    ScannerUnavailable,
    check_cancel,
    check_page_pixels,
    check_source,
)

log = logging.getLogger(__name__)

#: The bundled fictitious documents (see samples/make_samples.py).
SAMPLES = Path(__file__).resolve().parent / "samples"
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".pnm", ".ppm"}

#: Fault name -> (error class, technical detail). ``hang`` raises nothing: the
#: scan blocks, deaf to its cancel event, as a hung SANE backend in sane_read
#: does (the scanner's worker process must then be killed).
FAULTS: dict[str, tuple[type[ScannerError], str]] = {
    "unplugged": (ScannerUnavailable, "simulated: scanner unplugged"),
    "jam": (ScannerJam, "simulated: paper jam"),
    "no-paper": (ScannerNoPaper, "simulated: feeder empty"),
    "cover-open": (ScannerCoverOpen, "simulated: cover open"),
    "timeout": (ScannerTimeout, "simulated: no image before the timeout"),
    "hang": (ScannerTimeout, "simulated: the backend hangs"),
}
#: How long a ``hang`` lasts: longer than any scan timeout.
HANG_SECONDS = 3600.0


def _specimens() -> dict[str, Callable[[], Image.Image]]:
    """What a visitor of the demo puts on the glass when the kiosk reads a document
    (see :meth:`SimulatedScanner.scan`'s ``expect``): specimens drawn for the demo's
    person (kiosk/tour.py's DEMO_USER), the bill dated a fortnight before today."""
    from .samples import specimens as s

    return {
        "identite": lambda: s.identity_page(s.mrz_td1("LEFEVRE", "ANAIS", "F", "850714", "X4RTBPFW4")),
        "domicile": lambda: s.bill(
            dt.date.today() - dt.timedelta(days=15),
            nom="LEFEVRE",
            prenom="ANAIS",
            voie="12 RUE DES ECOLES",
            code_postal="33000",
            commune="BORDEAUX",
        ),
        "photo": lambda: s.photo_sheet("DEMO4PHOTO8CODE2SPECIM"),
        "timbre": lambda: s.timbre("1234567890123456"),
        "recepisse": lambda: s.recepisse(),
    }


class SimulatedScanner(Scanner):
    """Pages come from ``folder`` (sorted, cycling from one scan to the next),
    or from the bundled samples when ``folder`` is None or empty.

    ``fault`` (or :meth:`inject_fault`) makes scans fail: see :data:`FAULTS`;
    ``after_pages`` lets a feeder scan deliver that many pages first (a jam or
    an unplug mid-feed). ``fault_file``, when that file exists, overrides
    both: its text is ``<fault> [after_pages]`` (empty: no fault), read before
    each operation (removing it clears its fault), so that a technician or a test can break a scanner that
    runs in another process. A feeder scan gives ``adf_pages`` pages (sheets
    when ``duplex``: two pages each). Images are stored at ``source_dpi`` and
    resized to the requested resolution. Each page takes ``page_seconds`` to
    come (a slow scanner), deaf to the cancel until it is there, as a backend
    inside ``sane_read`` or a page in the pipeline is.
    """

    #: scan() takes ``expect``, what the kiosk means to read (the scan worker passes it on).
    takes_expect = True

    def __init__(
        self,
        folder: str | Path | None = None,
        fault: str = "",
        *,
        adf_pages: int = 3,
        resolution: int = 300,
        source_dpi: int = 150,
        duplex: bool = False,
        fault_file: str | Path | None = None,
        page_seconds: float = 0.0,
    ):
        self.folder = Path(folder) if folder else SAMPLES
        self.page_seconds = page_seconds
        self.adf_pages = adf_pages
        self.resolution = resolution
        self.source_dpi = source_dpi
        self.has_duplex = duplex
        self.fault_file = Path(fault_file) if fault_file else None
        self.name = "Scanner simulé"
        self._next = 0
        self._next_of: dict[str, int] = {}  # by kind expected, see scan
        self._drawn: dict[tuple[str, dt.date], Image.Image] = {}
        self._lock = threading.Lock()
        self.fault = ""
        self.fault_after = 0
        self._from_file = False
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

    def _read_fault_file(self) -> None:
        if self.fault_file is None:
            return
        try:
            words = self.fault_file.read_text(encoding="utf-8").split()
        except (FileNotFoundError, IsADirectoryError):
            if self._from_file:  # removing the file clears what it set
                self._from_file = False
                self.inject_fault("")
            return
        name = words[0] if words else ""
        after = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
        self.inject_fault(name if name in FAULTS else "", after)
        self._from_file = True

    def _raise_fault(self) -> None:
        if self.fault == "hang":
            threading.Event().wait(HANG_SECONDS)
        cls, detail = FAULTS[self.fault]
        raise cls(detail)

    # -- port --------------------------------------------------------------

    def documents(self) -> list[Path]:
        """The image files served, in order."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES and p.is_file())

    def is_available(self) -> bool:
        self._read_fault_file()
        return self.fault != "unplugged" and bool(self.documents())

    def sources(self) -> list[str]:
        self._read_fault_file()
        if self.fault == "unplugged":
            self._raise_fault()
        return ["flatbed", "adf", "adf-duplex"] if self.has_duplex else ["flatbed", "adf"]

    def documents_for(self, expect: str) -> list[Path]:
        """The image files served when the scan expects ``expect`` (a pièce id, "photo",
        "timbre"…): those of the folder's subfolder of that name, if any."""
        folder = self.folder / expect
        if not expect or not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES and p.is_file())

    def _specimen(self, expect: str, resolution: int) -> Image.Image | None:
        """The bundled samples' specimen for ``expect``, drawn once a day, at ``resolution``."""
        if self.folder != SAMPLES:
            return None
        draw = _specimens().get(expect)
        if draw is None:
            return None
        from .samples import specimens

        key = (expect, dt.date.today())
        with self._lock:
            raw = self._drawn.get(key)
        if raw is None:
            try:
                raw = specimens.scanned(draw(), seed=len(expect))
            except (OSError, ImportError) as exc:  # no OCR-B font (fonts-ocr-b), no zxing-cpp: the samples in turn
                log.warning("simulated scanner: no specimen for %s: %s", expect, type(exc).__name__)
                return None
            with self._lock:
                self._drawn = {key: raw, **{k: v for k, v in self._drawn.items() if k[1] == key[1]}}
        image = raw
        if resolution != specimens.DPI:
            scale = resolution / specimens.DPI
            image = raw.resize((round(raw.width * scale), round(raw.height * scale)), Image.Resampling.BILINEAR)
        image.info["dpi"] = (resolution, resolution)
        image.info["source_file"] = f"specimen-{expect}"
        return image

    def scan(
        self,
        source: str = "flatbed",
        resolution: int | None = None,
        cancel: threading.Event | None = None,
        *,
        progress: Progress | None = None,
        expect: str = "",
    ) -> Iterator[Image.Image]:
        """The port's scan. ``expect``: what the kiosk means to read on the page (a
        pièce id, "photo", "timbre", "recepisse"; the scan worker's ``read``), as
        the person would put that document on the glass: served from the folder's
        subfolder of that name, or, for the bundled samples, drawn as a specimen
        (samples/specimens.py); else the folder's documents in turn."""
        check_source(source)
        self._read_fault_file()
        if source == "adf-duplex" and not self.has_duplex:
            raise ScannerNoDuplex(f"{self.name} has no duplex feeder")
        resolution = int(resolution or self.resolution)
        count = {"flatbed": 1, "adf": self.adf_pages, "adf-duplex": 2 * self.adf_pages}[source]
        check_cancel(cancel)
        by_kind = self.documents_for(expect)
        documents = by_kind or self.documents()
        if not documents:
            raise ScannerUnavailable(f"simulated scanner: no image in {self.folder}")
        specimen = None if by_kind else self._specimen(expect, resolution)
        for index in range(count):
            check_cancel(cancel)
            if self.fault and index >= self.fault_after:
                if self.fault == "no-paper" and index > 0:
                    return  # the feeder ran out after some pages: a normal end
                if self.fault == "hang" and progress is not None:  # a backend hangs mid-page, after its first lines
                    with self._lock:
                        first = documents[self._next % len(documents)]
                    top = self._load(first, resolution)
                    progress(1, 2, lambda top=top: top.crop((0, 0, top.width, top.height // 3)))
                self._raise_fault()
            if specimen is not None:
                image = specimen
            else:
                with self._lock:
                    if by_kind:
                        path = documents[self._next_of.get(expect, 0) % len(documents)]
                        self._next_of[expect] = self._next_of.get(expect, 0) + 1
                    else:
                        path = documents[self._next % len(documents)]
                        self._next += 1
                image = self._load(path, resolution)
            size = image.width * image.height * 3
            for band in (1, 2, 3, 4):  # the page arrives top first, as from a real device
                if self.page_seconds:
                    threading.Event().wait(self.page_seconds / 4)
                if progress is not None:
                    progress(
                        size * band // 4,
                        size,
                        lambda band=band, image=image: image.crop((0, 0, image.width, image.height * band // 4)),
                    )
            yield image
        if count == 0:
            raise ScannerNoPaper("simulated: feeder empty")

    def _load(self, path: Path, resolution: int) -> Image.Image:
        scale = resolution / self.source_dpi
        try:
            with warnings.catch_warnings():  # Pillow's warning of a large image: checked below
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image: Image.Image = Image.open(path)  # the header only: the pixels are decoded by convert
        except Image.DecompressionBombError as exc:  # over twice Pillow's own limit
            raise ScannerPageTooLarge(f"simulated scanner: {path}: {exc}") from None
        with image:
            size = (round(image.width * scale), round(image.height * scale))
            # the file as it is decoded, then the page it makes at this resolution
            check_page_pixels(image.width, image.height, f"simulated scanner: {path}")
            check_page_pixels(*size, f"simulated scanner: {path} at {resolution} dpi")
            image = image.convert("RGB")
        if resolution != self.source_dpi:
            image = image.resize(size, Image.Resampling.BILINEAR)
        image.info["dpi"] = (resolution, resolution)
        image.info["source_file"] = path.name
        return image
