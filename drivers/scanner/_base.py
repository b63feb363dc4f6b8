"""The scanner port: what the kiosk asks of any scanner, and the errors it may
raise, each carrying the sentence shown to the person at the kiosk (a
:class:`userfacing.UserFacingError`: its key, its French template)."""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from userfacing import UserFacingError

if TYPE_CHECKING:
    from PIL import Image

#: Sources a scanner may offer, in the kiosk's own words. ``adf-duplex`` is a
#: feeder that scans both sides of each sheet (recto, verso, recto...); on a
#: scanner without it the caller asks the person to turn the sheets over.
SOURCES = ("flatbed", "adf", "adf-duplex")

#: The highest resolution the kiosk scans at, in dpi (``scanner.resolution`` is
#: refused above it): ANTS asks 300 dpi of a pièce; 600 still reads the smallest print.
MAX_RESOLUTION = 600
#: How much larger than an A4 sheet, each way, a page may be: a scanner's glass,
#: a legal-size sheet.
PAGE_MARGIN = 1.2
#: The most pixels a page may have: an A4 sheet at MAX_RESOLUTION with the
#: margin (about 50 million). Checked before a page is decoded or read, on every
#: scanner: a 13,000 x 13,000 image (under Pillow's own limit) took the scan
#: worker to 8 GB.
MAX_PAGE_PIXELS = round(210 / 25.4 * MAX_RESOLUTION * PAGE_MARGIN) * round(297 / 25.4 * MAX_RESOLUTION * PAGE_MARGIN)

#: ``progress(bytes_read, bytes_expected, partial=None)`` during a page;
#: expected is None when the device cannot tell (hand-held scanners, some
#: feeders). ``partial``, when given, returns the part of the page read so far
#: (a PIL image, its top lines) for a live preview: called only when one is
#: shown, since it costs a copy.
Progress = Callable[..., None]


class ScannerError(UserFacingError):
    """A scan failed. ``message_fr`` is what the kiosk shows; ``str()`` is for logs."""

    key = "scanner.error"
    template = "Le scanner a rencontré un problème. Réessayez ou appelez le médiateur."

    def __init__(self, detail: str = "", *, message_fr: str | None = None):
        super().__init__(detail, template=message_fr)


class ScannerUnavailable(ScannerError):
    """No scanner: unplugged, switched off, or its library is missing."""

    key = "scanner.unavailable"
    template = "Le scanner n'est pas branché ou ne répond pas. Appelez le médiateur."


class ScannerBusy(ScannerUnavailable):
    """Another scan is running (on this worker, or on the device)."""

    key = "scanner.busy"
    template = "Le scanner est occupé. Patientez, puis réessayez."


class ScannerJam(ScannerError):
    """Paper jammed in the feeder."""

    key = "scanner.jam"
    template = "Une feuille est coincée dans le scanner. Retirez-la doucement, puis réessayez."


class ScannerNoPaper(ScannerError):
    """The feeder is empty (no page was scanned at all)."""

    key = "scanner.no_paper"
    template = "Il n'y a pas de feuille dans le chargeur. Posez vos documents, puis réessayez."


class ScannerTimeout(ScannerError):
    """The scanner gave no image within the allowed time."""

    key = "scanner.timeout"
    template = "Le scanner met trop de temps à répondre. Réessayez ou appelez le médiateur."


class ScannerWarmingUp(ScannerTimeout):
    """The scanner's lamp is warming up (SANE_STATUS_WARMING_UP)."""

    key = "scanner.warming_up"
    template = "Le scanner chauffe. Patientez un instant, puis réessayez."


class ScannerCoverOpen(ScannerError):
    """The scanner's lid or feeder cover is open."""

    key = "scanner.cover_open"
    template = "Le capot du scanner est ouvert. Fermez-le, puis réessayez."


class ScannerNoFeeder(ScannerError):
    """A feeder scan asked of a scanner that has no document feeder."""

    key = "scanner.no_feeder"
    template = "Ce scanner n'a pas de chargeur de feuilles. Posez votre document sur la vitre."


class ScannerNoDuplex(ScannerError):
    """A recto-verso scan asked of a feeder that scans one side."""

    key = "scanner.no_duplex"
    template = "Ce scanner ne numérise pas les deux faces à la fois. Retournez la feuille pour le verso."


class ScannerPageTooLarge(ScannerError):
    """A page with more pixels than :data:`MAX_PAGE_PIXELS`, refused before it was decoded."""

    key = "scanner.page_too_large"
    template = (
        "Cette page est trop grande pour être numérisée. "
        "Utilisez une feuille au format A4 au plus, ou appelez le médiateur."
    )


class ScanCancelled(ScannerError):
    """The scan was cancelled through its ``cancel`` event."""

    key = "scanner.cancelled"
    template = "La numérisation a été annulée."


class Scanner(abc.ABC):
    """A document scanner.

    ``scan()`` is a generator: errors (unplugged, jam, ...) are raised while
    iterating, and leaving the loop early releases the device.
    """

    name: str = "scanner"

    @abc.abstractmethod
    def is_available(self) -> bool:
        """True when the scanner can be opened now."""

    @abc.abstractmethod
    def sources(self) -> list[str]:
        """The sources this scanner offers, a subset of :data:`SOURCES`.

        Raises :class:`ScannerUnavailable` when the scanner cannot be opened."""

    def duplex(self) -> bool:
        """True when the feeder scans both sides of a sheet in one pass
        (source ``adf-duplex``); otherwise the caller prompts « retournez la
        feuille » and scans the verso as a page of its own."""
        return "adf-duplex" in self.sources()

    @abc.abstractmethod
    def scan(
        self,
        source: str = "flatbed",
        resolution: int | None = None,
        cancel: threading.Event | None = None,
        *,
        progress: Progress | None = None,
    ) -> Iterator[Image.Image]:
        """Yield scanned pages: one for ``flatbed``; for ``adf`` every page until
        the feeder is empty (:class:`ScannerNoPaper` if it was empty from the
        start); for ``adf-duplex`` recto then verso of each sheet. ``cancel``
        (anything with ``is_set()``) is checked between pages and between
        chunks of a page: once set, :class:`ScanCancelled` is raised.
        ``progress`` is called as each page's bytes arrive."""


def check_source(source: str) -> None:
    if source not in SOURCES:
        raise ValueError(f"unknown scan source {source!r}: expected one of {SOURCES}")


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise ScanCancelled("cancelled by the caller")


def check_page_pixels(width: int, height: int, what: str) -> None:
    """ScannerPageTooLarge when a ``width`` x ``height`` page is over
    :data:`MAX_PAGE_PIXELS`; ``what`` names it for the technician (a file, a frame)."""
    if width * height > MAX_PAGE_PIXELS:
        raise ScannerPageTooLarge(
            f"{what}: {width} x {height} pixels, more than {MAX_PAGE_PIXELS} "
            f"(an A4 sheet at {MAX_RESOLUTION} dpi, {PAGE_MARGIN:g} times larger each way)"
        )
