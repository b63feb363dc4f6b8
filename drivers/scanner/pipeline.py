"""What happens to a scanned page before it leaves the scanner's worker:
crop to the document, straighten it, turn it, and encode it small enough for
ANTS (aim: 1 MB or less for an A4 page at 300 dpi) while small print stays
legible; several pages then make one PDF.

Pillow and numpy only. OpenCV (``opencv-python-headless``) would bring a
~50 MB wheel for two operations that numpy does well enough on a downscaled
copy of the page: finding the document and the angle of its text lines.

Every analysis runs on a copy of about 100 dpi; only the final rotation, crop
and encoding touch the full image.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ._base import check_page_pixels
from .processing import DEFAULT_BUDGET, PageProcessing

#: Below this JPEG quality, 8-point print at 300 dpi starts to blur.
MIN_QUALITY = 45
MAX_QUALITY = 85
#: The lowest resolution a page is brought down to when even MIN_QUALITY is too big.
MIN_DPI = 150
#: Largest skew corrected: a sheet on a glass or in a feeder is rarely off by more.
MAX_SKEW = 8.0

A4_MM = (210.0, 297.0)
_ANALYSIS_DPI = 100
_DARK_BACKGROUND = 100  # a border whose median grey is below this is a dark lid or belt


@dataclass
class ProcessedPage:
    """One page ready to be written: ``data`` is a JPEG."""

    data: bytes
    width: int
    height: int
    mode: str  # "L" or "RGB"
    dpi: int
    quality: int
    skew: float  # degrees corrected (counter-clockwise, Pillow's convention)
    cropped: bool


# -- analysis -------------------------------------------------------------------


def _dpi_of(image: Image.Image, default: int = 300) -> int:
    dpi: Any = image.info.get("dpi")  # Pillow: a pair of numbers, when the file says
    try:
        return max(1, int(round(float(dpi[0]))))
    except (TypeError, ValueError, IndexError):
        return default


def _analysis_copy(image: Image.Image) -> tuple[np.ndarray, float]:
    """A grey copy at about 100 dpi (as a float array) and its scale to the original."""
    gray = image.convert("L")
    factor = max(1, round(_dpi_of(image) / _ANALYSIS_DPI))
    factor = max(factor, math.ceil(max(gray.size) / 1400))  # whatever the dpi claims
    small = gray.reduce(factor) if factor > 1 else gray
    return np.asarray(small, dtype=np.float32), float(factor)


def _border_level(gray: np.ndarray) -> float:
    """Median grey of the outer strip: the scanner's lid or feeder belt, usually."""
    h, w = gray.shape
    b = max(2, min(h, w) // 50)
    strip = np.concatenate([gray[:b].ravel(), gray[-b:].ravel(), gray[:, :b].ravel(), gray[:, -b:].ravel()])
    return float(np.median(strip))


def _box_sum(mask: np.ndarray, size: int) -> np.ndarray:
    """How many True pixels each size x size square centred on a pixel holds."""
    r = size // 2
    padded = np.pad(mask.astype(np.int32), r + 1)
    integral = padded.cumsum(axis=0).cumsum(axis=1)
    h, w = mask.shape
    counts: np.ndarray = (
        integral[size : size + h, size : size + w]
        - integral[:h, size : size + w]
        - integral[size : size + h, :w]
        + integral[:h, :w]
    )
    return counts


def _erode(mask: np.ndarray, size: int) -> np.ndarray:
    eroded: np.ndarray = _box_sum(mask, size) == size * size
    return eroded


def _dilate(mask: np.ndarray, size: int) -> np.ndarray:
    dilated: np.ndarray = _box_sum(mask, size) > 0
    return dilated


def _clean(mask: np.ndarray, size: int = 5) -> np.ndarray:
    """Morphological opening: speckles and thin lines out, regions kept."""
    return _dilate(_erode(mask, size), size)


def _document_mask(gray: np.ndarray, background: float) -> np.ndarray:
    """On a dark background: where the (lighter) sheet is, print included."""
    paper = float(np.percentile(gray, 95))
    if paper - background < 40:  # no sheet lighter than the background
        return np.zeros_like(gray, dtype=bool)
    lighter = _clean(gray > (background + paper) / 2, 7)
    # a sheet is convex: fill each row, then each column, between its first
    # and last light pixel, so that the print on it counts as sheet too
    return _fill_spans(_fill_spans(lighter).T).T


def _fill_spans(mask: np.ndarray) -> np.ndarray:
    """Each row filled from its first True to its last."""
    w = mask.shape[1]
    has: np.ndarray = np.any(mask, axis=1)
    first: np.ndarray = np.argmax(mask, axis=1)
    last: np.ndarray = w - 1 - np.argmax(mask[:, ::-1], axis=1)
    cols = np.arange(w)
    filled: np.ndarray = (cols >= first[:, None]) & (cols <= last[:, None]) & has[:, None]
    return filled


def find_document(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) of the document in ``image``, or None
    when there is nothing to crop.

    On a dark background (a black lid, a feeder's belt) the box is the sheet
    itself, found by its brightness; on a light one, where white paper cannot
    be told from a white lid, it is the printed content with a 5 mm margin.
    """
    gray, scale = _analysis_copy(image)
    h, w = gray.shape
    background = _border_level(gray)
    if background < _DARK_BACKGROUND:
        box = _bbox(_document_mask(gray, background), 1)
        inset = 2  # the sheet's anti-aliased edge
        margin = 0
    else:
        # ignore the outer 1.5 %: scanners' edges show shadows and dust
        edge = max(2, min(h, w) * 15 // 1000)
        ink = gray < background - 50
        ink[:edge], ink[-edge:], ink[:, :edge], ink[:, -edge:] = False, False, False, False
        box = _bbox(ink, 3)  # rows and columns with a speck of dust only do not count
        inset = 0
        margin = round(5 / 25.4 * _dpi_of(image) / scale)
    if box is None:  # a blank page, or no sheet seen: keep it whole
        return None
    left, top, right, bottom = box
    left, top = max(0, left - margin + inset), max(0, top - margin + inset)
    right, bottom = min(w, right + margin - inset), min(h, bottom + margin - inset)
    if right - left < w * 0.05 or bottom - top < h * 0.05:
        return None  # too small to be a document: noise
    full = (
        round(left * scale),
        round(top * scale),
        min(image.width, round(right * scale)),
        min(image.height, round(bottom * scale)),
    )
    if full == (0, 0, image.width, image.height):
        return None
    return full


def _bbox(mask: np.ndarray, least: int) -> tuple[int, int, int, int] | None:
    """The box of the rows and columns holding at least ``least`` True pixels."""
    rows = np.flatnonzero(mask.sum(axis=1) >= least)
    cols = np.flatnonzero(mask.sum(axis=0) >= least)
    if not len(rows) or not len(cols):
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _ink(gray: np.ndarray, background: float) -> np.ndarray:
    """Dark marks on the sheet (text, lines), as 0/1, the background left out."""
    if background < _DARK_BACKGROUND:
        sheet = _document_mask(gray, background)
        if not sheet.any():
            return np.zeros_like(gray)
        paper = float(np.median(gray[sheet]))
        # the sheet's own edge is ink too on a dark background; shrink the sheet first
        inner = _erode(sheet, 9)
        ink: np.ndarray = ((gray < paper * 0.6) & inner).astype(np.float32)
        return ink
    paper = float(np.percentile(gray, 90))
    return (gray < paper * 0.6).astype(np.float32)


def _profile_score(ink_image: Image.Image, angle: float) -> float:
    rotated = np.asarray(ink_image.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32)
    rows = rotated.sum(axis=1)
    return float(np.sum(np.diff(rows) ** 2))


def find_skew(image: Image.Image, max_angle: float = MAX_SKEW) -> float:
    """The angle, in degrees counter-clockwise (Pillow's ``rotate``), that makes
    the page's text lines horizontal; 0.0 when there is too little text to tell.

    Projection profile: the angle at which the rows' ink totals change most
    sharply from one row to the next is the one where lines lie flat.
    """
    gray, _ = _analysis_copy(image)
    ink = _ink(gray, _border_level(gray))
    if ink.mean() < 0.002:  # a blank or nearly blank page
        return 0.0
    ink_image = Image.fromarray((ink * 255).astype(np.uint8))
    coarse = np.arange(-max_angle, max_angle + 0.01, 0.5)
    scores = [_profile_score(ink_image, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.4, best + 0.41, 0.1)
    fine_scores = [_profile_score(ink_image, a) for a in fine]
    best = float(fine[int(np.argmax(fine_scores))])
    straight = _profile_score(ink_image, 0.0)
    if abs(best) < 0.15 or max(fine_scores) < straight * 1.05:
        return 0.0  # not clearly better than leaving it
    return round(best, 1)


def is_monochrome(image: Image.Image, chroma: int = 40, share: float = 0.002) -> bool:
    """True when fewer than ``share`` of the pixels carry colour (a scanner's
    noise on black print on white paper does not count)."""
    if image.mode in ("1", "L", "LA", "I", "F"):
        return True
    small = image.convert("RGB")
    small.thumbnail((600, 600))
    rgb = np.asarray(small, dtype=np.int16)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    return float((spread > chroma).mean()) < share


# -- transformations ------------------------------------------------------------


def rotate(image: Image.Image, degrees: int) -> Image.Image:
    """Turn ``image`` clockwise by 0, 90, 180 or 270 degrees (lossless)."""
    degrees %= 360
    ops = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    if degrees == 0:
        return image
    if degrees not in ops:
        raise ValueError(f"rotate by 0, 90, 180 or 270 degrees, not {degrees}")
    turned = image.transpose(ops[degrees])
    turned.info = dict(image.info)
    return turned


def deskew(image: Image.Image, angle: float) -> Image.Image:
    """Rotate by ``angle`` degrees counter-clockwise, filling the corners with
    the background's colour; on a dark background the canvas grows so that the
    whole sheet is kept (it is cropped after)."""
    if not angle:
        return image
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    small = np.asarray(image.reduce(8), dtype=np.float32)
    if small.ndim == 2:
        small = small[:, :, None]
    b = max(1, min(small.shape[:2]) // 50)
    border = np.concatenate(
        [
            small[:b].reshape(-1, small.shape[2]),
            small[-b:].reshape(-1, small.shape[2]),
            small[:, :b].reshape(-1, small.shape[2]),
            small[:, -b:].reshape(-1, small.shape[2]),
        ]
    )
    fill = tuple(int(v) for v in np.median(border, axis=0))
    dark = float(np.median(border.mean(axis=1))) < _DARK_BACKGROUND
    # bicubic keeps strokes sharpest; on a colour A4 page at 300 dpi it costs
    # 0.65 s against 0.25 s, so colour pages (photos, cards) get bilinear
    resample = Image.Resampling.BICUBIC if image.mode == "L" else Image.Resampling.BILINEAR
    turned = image.rotate(angle, resample=resample, expand=dark, fillcolor=fill[0] if image.mode == "L" else fill)
    turned.info = dict(image.info)
    return turned


def _to_mode(image: Image.Image, grayscale: bool | None) -> Image.Image:
    gray = is_monochrome(image) if grayscale is None else grayscale
    return image.convert("L" if gray else "RGB")


def _encode(image: Image.Image, quality: int, dpi: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, dpi=(dpi, dpi), subsampling=0 if quality >= 90 else 2)
    return out.getvalue()


def encode_jpeg(
    image: Image.Image, budget: int = DEFAULT_BUDGET, *, min_quality: int = MIN_QUALITY, max_quality: int = MAX_QUALITY
) -> tuple[bytes, int, int]:
    """The best JPEG of ``image`` within ``budget`` bytes: ``(data, quality, dpi)``.

    The highest quality that fits, between ``min_quality`` and ``max_quality``;
    if even ``min_quality`` does not fit, the image is brought down in
    resolution (not below MIN_DPI) rather than below legible quality."""
    dpi = _dpi_of(image)
    while True:
        data = _encode(image, max_quality, dpi)
        if len(data) <= budget:
            return data, max_quality, dpi
        low, high, best = min_quality, max_quality - 1, None
        while low <= high:  # highest quality within the budget
            q = (low + high) // 2
            candidate = _encode(image, q, dpi)
            if len(candidate) <= budget:
                best, low = (candidate, q), q + 1
            else:
                high = q - 1
        if best is not None:
            return best[0], best[1], dpi
        if dpi <= MIN_DPI:
            return _encode(image, min_quality, dpi), min_quality, dpi  # over budget: nothing legible fits
        size = len(candidate)
        factor = max(0.5, min(0.95, math.sqrt(budget / size) * 0.95))
        new_dpi = max(MIN_DPI, int(dpi * factor))
        factor = new_dpi / dpi
        image = image.resize(
            (max(1, round(image.width * factor)), max(1, round(image.height * factor))), Image.Resampling.LANCZOS
        )
        dpi = new_dpi


def process_page(image: Image.Image, options: PageProcessing = PageProcessing()) -> ProcessedPage:
    """Crop, deskew, rotate and encode one scanned page (ScannerPageTooLarge
    over MAX_PAGE_PIXELS: each step below makes copies of it)."""
    check_page_pixels(image.width, image.height, "page given to the pipeline")
    dpi = _dpi_of(image)
    # grey first: every later step then handles a third of the bytes
    image = _to_mode(image, options.grayscale)
    image.info["dpi"] = (dpi, dpi)
    angle = find_skew(image) if options.deskew else 0.0
    if angle:
        image = deskew(image, angle)
    cropped = False
    if options.crop:
        box = find_document(image)
        if box is not None:
            image = image.crop(box)
            cropped = True
    image = rotate(image, options.rotate)
    image.info["dpi"] = (dpi, dpi)
    data, quality, out_dpi = encode_jpeg(image, options.budget)
    with Image.open(io.BytesIO(data)) as check:
        width, height = check.size
    return ProcessedPage(
        data=data,
        width=width,
        height=height,
        mode=image.mode,
        dpi=out_dpi,
        quality=quality,
        skew=angle,
        cropped=cropped,
    )


# -- documents ------------------------------------------------------------------


def assemble_pdf(
    pages: Sequence[bytes | str | Path] | Iterable[bytes | str | Path], *, a4: bool = False, title: str = ""
) -> bytes:
    """One PDF of ``pages`` (JPEG bytes or files), each image embedded as it is
    (img2pdf: no re-encoding). ``a4`` centres each page on an A4 sheet, shrunk
    to fit when larger; otherwise each PDF page has the image's own size."""
    import img2pdf

    items = [p if isinstance(p, bytes) else str(p) for p in pages]
    if not items:
        raise ValueError("no page to assemble")
    kwargs: dict[str, Any] = {}
    if a4:
        a4_pt = (img2pdf.mm_to_pt(A4_MM[0]), img2pdf.mm_to_pt(A4_MM[1]))
        kwargs["layout_fun"] = img2pdf.get_layout_fun(a4_pt, fit=img2pdf.FitMode.shrink)
    if title:
        kwargs["title"] = title
    pdf: bytes = img2pdf.convert(items, **kwargs)
    return pdf
