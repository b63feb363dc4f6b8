"""Is this scanned page good enough to send? Checks that need no reading:
too dark, blurred, cut at the edge of the glass.

Each check answers True (the fault is there), False (it is not) or None (it
cannot tell: a blank page has no sharpness to judge). None lets the page
through: a page refused wrongly costs the user more than a page ANTS asks for
again.

All run on a copy of about 100 dpi, as the page pipeline's analyses do.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from . import _lines

_DPI = 100
#: A page whose paper (its 90th percentile of grey) is darker than this is too dark to read.
DARK_PAPER = 110
#: Ink edges: at 100 dpi a sharp edge rises across about one pixel; below this share of the
#: contrast per pixel, the print is blurred.
SHARP_EDGE = 0.42
#: Border whose median grey is below this: a dark lid around the document.
DARK_BACKGROUND = 100


def _small(image: Image.Image, dpi: int) -> np.ndarray:
    gray = image.convert("L")
    size = (max(1, gray.width * _DPI // dpi), max(1, gray.height * _DPI // dpi))
    return _lines.grey(gray.resize(size, Image.Resampling.BOX))


def has_print(image: Image.Image, *, dpi: int = 300) -> bool:
    """The page carries print (a blank page cannot be judged of any kind)."""
    return bool(_lines.ink_mask(_small(image, dpi)).mean() >= 0.002)


def too_dark(image: Image.Image, *, dpi: int = 300) -> bool | None:
    gray = _small(image, dpi)
    paper, ink = float(np.percentile(gray, 90)), float(np.percentile(gray, 1))
    if paper - ink < 15:
        return None  # one flat tone, no print to be seen: no paper to judge (an empty glass, a test pattern)
    return paper < DARK_PAPER


def blurred(image: Image.Image, *, dpi: int = 300) -> bool | None:
    """Judged on the strongest edges of the print: the 99.5th percentile of the
    gradient, as a share of the contrast between paper and ink. A scan under
    100 dpi cannot be judged: enlarged to 100 dpi, any print looks soft."""
    if dpi < _DPI:
        return None
    gray = _small(image, dpi).astype(np.float32)
    paper, ink = np.percentile(gray, 90), np.percentile(gray, 0.5)
    contrast = paper - ink
    if contrast < 60:
        return None  # a blank or faint page: nothing to judge
    mask = _lines.ink_mask(gray.astype(np.uint8))
    if mask.mean() < 0.002:
        return None  # almost no print
    dx = np.abs(np.diff(gray, axis=1))
    dy = np.abs(np.diff(gray, axis=0))
    edge = max(float(np.percentile(dx, 99.5)), float(np.percentile(dy, 99.5)))
    return bool(edge / contrast < SHARP_EDGE)


def cut(image: Image.Image, *, dpi: int = 300) -> bool | None:
    """The document runs off the glass: on the raw scan (before cropping), the
    document touches an edge of the scanned area along a good part of it
    (dark lid), or its print does (white lid)."""
    gray = _small(image, dpi)
    band = max(2, _DPI * 2 // 25)  # 2 mm
    edges = [gray[:band, :], gray[-band:, :], gray[:, :band].T, gray[:, -band:].T]
    border = np.concatenate([e.ravel() for e in edges])
    if np.median(border) < DARK_BACKGROUND:
        # the lid is dark: the document is what is light; a long light run along an edge is the document crossing it
        return any(float((e > 150).all(axis=0).mean()) > 0.15 for e in edges)
    # the lid is white: a tinted document (a card) crossing an edge, or print touching it
    paper = float(np.median(border))
    tinted = [float((e < paper - 12).all(axis=0).mean()) for e in edges]
    if any(t > 0.05 for t in tinted):
        return True
    mask = _lines.ink_mask(gray)
    if mask.mean() < 0.0005:
        return None
    bands = [mask[:band, :], mask[-band:, :], mask[:, :band].T, mask[:, -band:].T]
    return any(float(b.any(axis=0).mean()) > 0.015 for b in bands)
