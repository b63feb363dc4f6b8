"""The photo and signature the mock "holds" for a code photo-signature: small
deterministic PNGs drawn from the code, so a trainer sees a face and a
signature, and a test can check the bytes are stable."""

from __future__ import annotations

import hashlib
import io
import random

from PIL import Image, ImageDraw


def _rng(code: str, what: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(f"{what}:{code}".encode()).digest()[:8], "big"))


def photo_png(code: str) -> bytes:
    """35×45 mm at 10 px/mm: a plain background, a head and shoulders."""
    rng = _rng(code, "photo")
    image = Image.new("RGB", (350, 450), (236, 238, 240))
    draw = ImageDraw.Draw(image)
    skin = (rng.randint(120, 235), rng.randint(90, 200), rng.randint(70, 170))
    hair = tuple(rng.randint(10, 120) for _ in range(3))
    draw.ellipse((40, 330, 310, 560), fill=tuple(rng.randint(20, 160) for _ in range(3)))
    draw.ellipse((105, 70, 245, 250), fill=hair)
    draw.ellipse((110, 100, 240, 290), fill=skin)
    draw.ellipse((145, 170, 160, 180), fill=(40, 40, 40))
    draw.ellipse((190, 170, 205, 180), fill=(40, 40, 40))
    draw.line((160, 245, 190, 245), fill=(120, 60, 60), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def signature_png(code: str) -> bytes:
    rng = _rng(code, "signature")
    image = Image.new("L", (400, 120), 255)
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 18, 60 + rng.randint(-35, 35)) for i in range(20)]
    draw.line(points, fill=20, width=3, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
