"""What the mock makes of a pièce's bytes: every image decoded in full, under a
page's worth of pixels checked before decoding; a form it cannot parse is a
400, anything else raised while reading one is a bug and stays a 500."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from PIL import Image

from ants import PieceFile
from ants.mock import MockSettings
from ants.mock.errors import ApiError
from ants_builders import Ants, erreurs_of, jpeg_bytes, standard_pieces

#: Under Pillow's own bomb limit (89 million), over the mock's (an A4 at 600 dpi, 1.2x: 50 million).
BOMB_SIDE = 8800


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = BOMB_SIDE) -> bytes:
    """A valid RGB PNG of side x side black pixels: 230 MB decoded, 230 KB sent."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * side)  # filter byte, then the row's pixels
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def jpeg_claiming(side: int = BOMB_SIDE) -> bytes:
    """A small JPEG whose frame header (SOF0) announces side x side pixels."""
    data = bytearray(jpeg_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", side, side)
    return bytes(data)


def truncated_jpeg() -> bytes:
    whole = jpeg_bytes(600, 800, noise=True)  # noise: the scan data is most of the file
    return whole[: len(whole) // 2]


def _submit_domicile(ants: Ants, piece: PieceFile) -> requests.Response:
    identite = standard_pieces()[0]
    return ants.submit(ants.dossier(), [identite, piece])


def test_a_truncated_jpeg_is_refused_as_damaged(ants):
    data = truncated_jpeg()
    with Image.open(io.BytesIO(data)) as image:
        image.verify()  # what the mock used to rely on: it passes
    response = _submit_domicile(ants, PieceFile("domicile", "facture.jpg", "image/jpeg", data))
    assert response.status_code == 422
    assert erreurs_of(response) == [("pieces.domicile", "fichier_illisible")]
    assert response.json()["detail"]["erreurs"][0]["message"] == "Le fichier « facture.jpg » est abîmé ou illisible."


def test_a_whole_jpeg_of_a_page_is_accepted(ants):
    data = jpeg_bytes(600, 800, noise=True)
    response = _submit_domicile(ants, PieceFile("domicile", "facture.jpg", "image/jpeg", data))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "name, content_type, make",
    [
        ("page.png", "image/png", png_bomb),
        ("page.jpg", "image/jpeg", jpeg_claiming),
    ],
)
def test_an_image_over_a_page_of_pixels_is_refused_with_a_code(ants, name, content_type, make):
    data = make()
    assert len(data) < MockSettings().max_upload_bytes
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (BOMB_SIDE, BOMB_SIDE)
        assert BOMB_SIDE**2 < Image.MAX_IMAGE_PIXELS  # Pillow alone would decode it
    response = _submit_domicile(ants, PieceFile("domicile", name, content_type, data))
    assert response.status_code == 422
    assert erreurs_of(response) == [("pieces.domicile", "image_trop_grande")]
    assert (
        response.json()["detail"]["erreurs"][0]["message"]
        == f"L'image « {name} » est trop grande : numérisez une page A4 à 600 ppp au plus."
    )


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/<pid>/status")


def test_a_pixel_bomb_leaves_the_mocks_memory_bounded(start_backend):
    backend = start_backend("bomb")
    ants = Ants(backend.url)
    bomb = PieceFile("domicile", "page.png", "image/png", png_bomb())
    _submit_domicile(ants, PieceFile("domicile", "f.jpg", "image/jpeg", jpeg_bytes()))  # warm up
    before = _peak_rss_mb(backend.proc.pid)
    response = _submit_domicile(ants, bomb)
    # Decoded, the bomb is 230 MB; the file itself is a few hundred KB.
    assert _peak_rss_mb(backend.proc.pid) - before < 60
    assert erreurs_of(response) == [("pieces.domicile", "image_trop_grande")]


class _FormRaising:
    headers = {"content-type": "multipart/form-data; boundary=x", "content-length": "10"}

    def __init__(self, exc: BaseException):
        self.exc = exc

    async def form(self, **limits):
        raise self.exc


def test_an_unparsable_form_is_a_400_and_a_bug_is_not():
    from starlette.exceptions import HTTPException
    from starlette.formparsers import MultiPartException

    from ants.mock import franceconnect, submission

    deps = SimpleNamespace(settings=MockSettings())
    for malformed in (MultiPartException("Missing boundary in multipart."), HTTPException(400, "bad")):
        with pytest.raises(ApiError) as refused:
            asyncio.run(submission._form(_FormRaising(malformed), deps))
        assert (refused.value.status, refused.value.code) == (400, "multipart_invalide")
        with pytest.raises(ApiError) as refused:
            asyncio.run(franceconnect._form_params(_FormRaising(malformed)))
        assert (refused.value.status, refused.value.code) == (400, "invalid_request")
    for bug in (KeyError("boundary"), AttributeError("stream"), HTTPException(500, "bug")):
        with pytest.raises(type(bug)):
            asyncio.run(submission._form(_FormRaising(bug), deps))
        with pytest.raises(type(bug)):
            asyncio.run(franceconnect._form_params(_FormRaising(bug)))
