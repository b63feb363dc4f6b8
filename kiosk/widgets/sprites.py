"""Small shapes as textures: the radio button's ring and dot, the check box and
its tick. Drawn once with Pillow (anti-aliased, white on transparent; the
canvas tints them with a Color) and drawn on screen as plain textured squares.

Why not Kivy's Line and Ellipse: without a GPU (Mesa's software rendering), a
Line wider than one pixel goes through the stencil buffer and costs about a
millisecond each; an Ellipse is a fan of thin triangles. A screen of radio
buttons cost tens of milliseconds per frame; textured squares cost almost
nothing."""

from __future__ import annotations

from functools import lru_cache

from kivy.graphics.texture import Texture
from PIL import Image, ImageDraw

_SUPER = 4  # drawn this many times larger, then reduced: smooth edges


@lru_cache(maxsize=64)
def sprite(kind: str, size: int) -> Texture:
    """A ``size`` × ``size`` texture of one shape: ``ring``, ``dot``, ``box`` or ``tick``."""
    size = max(int(size), 4)
    big = size * _SUPER
    image = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    white = (255, 255, 255, 255)
    stroke = max(big // 11, _SUPER * 2)
    if kind == "ring":
        inset = stroke // 2
        pen.ellipse((inset, inset, big - 1 - inset, big - 1 - inset), outline=white, width=stroke)
    elif kind == "dot":
        pen.ellipse((0, 0, big - 1, big - 1), fill=white)
    elif kind == "box":
        pen.rectangle((0, 0, big - 1, big - 1), outline=white, width=stroke)
    elif kind == "tick":
        points = [(big * 0.12, big * 0.52), (big * 0.4, big * 0.22), (big * 0.9, big * 0.86)]
        points = [(x, big - y) for x, y in points]
        pen.line(points, fill=white, width=int(stroke * 1.6), joint="curve")
    else:
        raise ValueError(f"unknown sprite {kind!r}")
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    texture = Texture.create(size=(size, size), colorfmt="rgba")
    texture.blit_buffer(image.transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes(), colorfmt="rgba", bufferfmt="ubyte")
    return texture
