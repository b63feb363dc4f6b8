"""What the pipeline is asked to do to each page: a plain description, light
to import (the pipeline itself needs numpy and Pillow), so that whoever
configures the scan worker need not load them."""

from __future__ import annotations

from dataclasses import dataclass

#: The byte budget of one page: ANTS accepts larger files, but a dossier of
#: several pièces must stay small to upload from a kiosk's connection.
DEFAULT_BUDGET = 1_000_000


@dataclass(frozen=True)
class PageProcessing:
    """What to do to each page (the defaults suit an identity card or an A4 letter)."""

    crop: bool = True
    """Crop to the document (dark background) or to its content (light background)."""
    deskew: bool = True
    """Straighten text lines tilted up to ``pipeline.MAX_SKEW`` degrees."""
    rotate: int = 0
    """Then turn the page clockwise: 0, 90, 180 or 270 degrees."""
    budget: int = DEFAULT_BUDGET
    """Largest JPEG, in bytes, for one page."""
    grayscale: bool | None = None
    """True/False forces it; None makes pages that are effectively grey into grey JPEGs."""

    def __post_init__(self) -> None:
        if self.rotate % 90 or not 0 <= self.rotate < 360:
            raise ValueError(f"rotate must be 0, 90, 180 or 270, not {self.rotate!r}")
        if self.budget < 20_000:
            raise ValueError(f"a page budget of {self.budget} bytes is too small to be legible")
