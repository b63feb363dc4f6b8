"""What an uploaded pièce really is: format from its bytes, page count, size.

Accepted formats are those of SP F1050 (JPG, PNG, BMP, TIFF, PDF). The format
is read from the magic bytes; a name or content type claiming another format
is refused, because a mislabelled file is what a broken scanner path produces.

An image is decoded in full (``Image.load()``): ``Image.verify()`` alone reads
no JPEG data, so a truncated JPEG passed for a good one. Before that, its size
from the header is held to a page's worth of pixels (``max_pixels``): a few
kilobytes can announce 13,000 × 13,000 pixels, under Pillow's own bomb limit
and 500 MB once decoded.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image

from .rules import Erreur

LABELS = {"jpeg": "JPEG", "png": "PNG", "bmp": "BMP", "tiff": "TIFF", "pdf": "PDF"}
_EXTENSIONS = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".bmp": "bmp",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".pdf": "pdf",
}
_CONTENT_TYPES = {
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/png": "png",
    "image/bmp": "bmp",
    "image/x-bmp": "bmp",
    "image/x-ms-bmp": "bmp",
    "image/tiff": "tiff",
    "application/pdf": "pdf",
}
_UNSPECIFIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g}".replace(".", ",") + " Mo"
    return f"{size / 1024:.0f} Ko"


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"BM") and len(data) >= 26:
        return "bmp"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    # PDF readers accept the header within the first 1024 bytes.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return None


#: What Pillow's decoders raise for a truncated or hostile file (measured by mutating
#: JPEG, PNG, BMP and TIFF files: UnidentifiedImageError and other OSErrors, TypeError,
#: SyntaxError, KeyError, ValueError, and the bomb guard's own). Anything else is a bug.
_PILLOW_REFUSALS = (
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
    KeyError,
    IndexError,
    EOFError,
    struct.error,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


class TooManyPixels(ValueError):
    def __init__(self, width: int, height: int):
        super().__init__(f"{width} x {height} pixels")
        self.width, self.height = width, height


def count_pages(data: bytes, fmt: str, max_pixels: int, max_pages: int) -> int:
    """Pages of a PDF, frames of a TIFF, 1 for other images, each image decoded in
    full; raises TooManyPixels for a frame over ``max_pixels`` (before decoding it),
    ValueError if the file is unreadable. A TIFF of more than ``max_pages`` frames
    is counted but not decoded: it is refused for its pages anyway."""
    if fmt == "pdf":
        import pikepdf

        try:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                return len(pdf.pages)
        except (pikepdf.PdfError, ValueError, OSError) as exc:  # PasswordError is a PdfError
            raise ValueError(str(exc)) from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()  # what load() does not: PNG chunk checksums
            with Image.open(io.BytesIO(data)) as image:
                frames = getattr(image, "n_frames", 1) if fmt == "tiff" else 1
                if frames > max_pages:
                    return frames
                for frame in range(frames):
                    image.seek(frame)
                    width, height = image.size
                    if width * height > max_pixels:
                        raise TooManyPixels(width, height)
                    image.load()
                return frames
    except TooManyPixels:
        raise
    except _PILLOW_REFUSALS as exc:
        raise ValueError(str(exc)) from exc


@dataclass
class Piece:
    piece_id: str
    filename: str
    content_type: str
    data: bytes
    format: str = ""
    pages: int = 0

    def record(self) -> dict:
        import hashlib

        return {
            "piece_id": self.piece_id,
            "filename": self.filename,
            "content_type": self.content_type,
            "format": self.format,
            "pages": self.pages,
            "taille": len(self.data),
            "sha256": hashlib.sha256(self.data).hexdigest(),
            "data": self.data,
        }


def inspect(piece: Piece, max_bytes: int, max_pixels: int, max_pages: int) -> Erreur | None:
    """Fill ``piece.format`` and ``piece.pages``, or say why the file is refused."""
    champ = f"pieces.{piece.piece_id}"
    name = piece.filename or "sans nom"
    if not piece.data:
        return Erreur(champ, "fichier_vide", f"Le fichier « {name} » est vide.")
    if len(piece.data) > max_bytes:
        return Erreur(champ, "fichier_trop_volumineux", f"Le fichier « {name} » dépasse {human_size(max_bytes)}.")
    fmt = sniff(piece.data)
    if fmt is None:
        return Erreur(
            champ, "format_non_accepte", f"Le fichier « {name} » n'est ni JPG, ni PNG, ni BMP, ni TIFF, ni PDF."
        )
    claimed_ext = _EXTENSIONS.get(PurePosixPath(piece.filename.lower()).suffix)
    ctype = piece.content_type.split(";")[0].strip().lower()
    claimed_type = _CONTENT_TYPES.get(ctype)
    for claimed in (claimed_ext, claimed_type):
        if claimed is not None and claimed != fmt:
            return Erreur(
                champ,
                "format_incoherent",
                f"Le fichier « {name} » se présente comme un {LABELS[claimed]} mais contient un {LABELS[fmt]}.",
            )
    if claimed_type is None and ctype not in _UNSPECIFIC_TYPES:
        return Erreur(
            champ,
            "format_incoherent",
            f"Le fichier « {name} » est annoncé comme « {ctype} » mais contient un {LABELS[fmt]}.",
        )
    try:
        piece.pages = count_pages(piece.data, fmt, max_pixels, max_pages)
    except TooManyPixels:
        return Erreur(
            champ, "image_trop_grande", f"L'image « {name} » est trop grande : numérisez une page A4 à 600 ppp au plus."
        )
    except ValueError:
        return Erreur(champ, "fichier_illisible", f"Le fichier « {name} » est abîmé ou illisible.")
    if piece.pages < 1:
        return Erreur(champ, "fichier_illisible", f"Le fichier « {name} » ne contient aucune page.")
    piece.format = fmt
    return None
