"""Where the lines of print are on a page: the row profile of its ink.

Enough to find the machine-readable zone of an identity page (two or three
long lines of equal height at the bottom) and to judge a page's sharpness,
without OpenCV (see drivers/scanner/pipeline.py for why numpy is enough).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Line:
    """One line of print: rows ``top``..``bottom`` (exclusive), columns ``left``..``right``."""

    top: int
    bottom: int
    left: int
    right: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left


def grey(image: Image.Image) -> np.ndarray:
    """The page as a 2-D uint8 array (0 black, 255 white)."""
    return np.asarray(image.convert("L"), dtype=np.uint8)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels of print: darker than halfway between the paper and the darkest ink."""
    paper = float(np.percentile(gray, 90))
    dark = float(np.percentile(gray, 0.2))  # print may cover less than 1 % of a page
    return gray < (paper + dark) / 2 if paper - dark > 40 else np.zeros(gray.shape, dtype=bool)


def find_lines(mask: np.ndarray, *, least_height: int, most_height: int) -> list[Line]:
    """Runs of rows holding print, of a text line's height, top to bottom."""
    width = mask.shape[1]
    rows = mask.sum(axis=1)
    busy = rows > max(3, width // 200)
    lines: list[Line] = []
    top = None
    for y, on in enumerate([*busy.tolist(), False]):
        if on and top is None:
            top = y
        elif not on and top is not None:
            if least_height <= y - top <= most_height:
                columns = np.flatnonzero(mask[top:y].sum(axis=0) > 0)
                if columns.size:
                    lines.append(Line(top, y, int(columns[0]), int(columns[-1]) + 1))
            top = None
    return lines
