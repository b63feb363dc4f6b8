"""Reading the user's documents and checking each pièce before it is sent:
pure functions over a page image (no Kivy, no session), run in the scan
worker's process.

- :func:`read_page`: one page checked (dark, blurred, cut, upside down, not
  the expected kind, too old) and read (MRZ, 2D-Doc, codes).
- :mod:`documents.mrz`, :mod:`documents.twoddoc`, :mod:`documents.codes`,
  :mod:`documents.checks`: the readers and checks one by one.
"""

from ._ocr import INSTALL_HINT, OcrUnavailable
from ._ocr import is_usable as ocr_usable
from .reading import MESSAGES, PageReading, Told, read_page
from .twoddoc import Authorities

__all__ = [
    "INSTALL_HINT",
    "MESSAGES",
    "Authorities",
    "OcrUnavailable",
    "PageReading",
    "Told",
    "ocr_usable",
    "read_page",
]
