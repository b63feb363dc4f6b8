"""Specimens as the worker hands them to the readers: scanned (specimens.scanned)
then through the real page pipeline (crop, deskew, JPEG)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import specimens
from PIL import Image

from documents import read_page
from drivers.scanner.pipeline import process_page

#: The reading tests' today: bills are dated from it.
TODAY = dt.date(2026, 12, 2)
TD1 = specimens.mrz_td1("SPECIMEN", "MARIE CLAIRE", "F", "900101", "X4RTBPFW4")
FR_2X36 = specimens.mrz_fr_2x36("SPECIMEN", "MARIE CLAIRE", "F", "900101")
TD3 = specimens.mrz_td3("SPECIMEN", "PAUL", "M", "850212", "21AB12345")


@dataclass
class Scan:
    raw: Image.Image
    page: Image.Image


def scan(document: Image.Image, **scanner: object) -> Scan:
    raw = specimens.scanned(document, **scanner)  # type: ignore[arg-type]
    processed = process_page(raw)
    return Scan(raw, Image.open(io.BytesIO(processed.data)))


def read(document: Image.Image, expect: str, **scanner: object):  # type: ignore[no-untyped-def]
    s = scan(document, **scanner)
    return read_page(s.page, expect, raw=s.raw, today=TODAY)
