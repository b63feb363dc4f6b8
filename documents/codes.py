"""The codes printed on the user's papers, read with zxing-cpp: the 2D-Doc
(DataMatrix) of a bill, the code photo numérique of a photo sheet, the number
of a timbre fiscal électronique, the numéro de demande in the QR code of the
kiosk's own récépissé.

Why zxing-cpp: one maintained library reads DataMatrix, QR and 1D codes, on
a 300-dpi page in about 0.2 s (PLATFORM.md); pylibdmtx reads DataMatrix only
and takes seconds without a bound, pyzbar reads no DataMatrix at all.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

import zxingcpp
from PIL import Image

_FORMATS = zxingcpp.barcode_formats_from_str("DataMatrix,QRCode")
PHOTO_CODE = re.compile(r"[A-Z0-9]{22}")
TIMBRE = re.compile(r"(?<!\d)\d{16}(?!\d)")
NUMERO = re.compile(r"[A-Z0-9]{8,20}")


@dataclass(frozen=True)
class Code:
    """One code found on a page: its format, its content (bytes as Latin-1) and
    how far it is turned (degrees clockwise; about 180 on a page upside down)."""

    format: str
    text: str
    orientation: int


def find_codes(image: Image.Image, *, dpi: int = 300) -> list[Code]:
    """Every DataMatrix and QR code on the page (analysed at 200 dpi at most)."""
    gray = image.convert("L")
    if dpi > 200:
        gray = gray.resize((gray.width * 200 // dpi, gray.height * 200 // dpi), Image.Resampling.BILINEAR)
    found = zxingcpp.read_barcodes(gray, formats=_FORMATS)
    if not found and dpi > 200:  # small modules lost in the downscale: the page as scanned
        found = zxingcpp.read_barcodes(image.convert("L"), formats=_FORMATS)
    return [
        Code(
            "DataMatrix" if code.format == zxingcpp.BarcodeFormat.DataMatrix else "QRCode",
            code.bytes.decode("latin-1"),
            int(code.orientation) % 360,
        )
        for code in found
        if code.valid
    ]


def photo_code(codes: list[Code]) -> str | None:
    """The code photo numérique (22 letters and digits) of a photo sheet."""
    for code in codes:
        value = code.text.strip().upper()
        if PHOTO_CODE.fullmatch(value):
            return value
    return None


def timbre(codes: list[Code]) -> str | None:
    """The 16-digit number of a timbre fiscal électronique."""
    for code in codes:
        if code.text.startswith("DC"):
            continue
        match = TIMBRE.search(code.text.replace(" ", ""))
        if match:
            return match.group(0)
    return None


def numero_demande(codes: list[Code]) -> str | None:
    """The numéro de demande in the récépissé's QR code (its address's ``numero=``)."""
    for code in codes:
        if code.format != "QRCode":
            continue
        query = urllib.parse.urlsplit(code.text.strip()).query
        for value in urllib.parse.parse_qs(query).get("numero", []):
            value = value.strip().upper()
            if NUMERO.fullmatch(value):
                return value
    return None


def two_d_docs(codes: list[Code]) -> list[Code]:
    return [c for c in codes if c.format == "DataMatrix" and c.text.startswith("DC")]
