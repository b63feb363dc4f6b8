"""Tesseract, run as a program: ``tesseract stdin stdout`` on a small crop.

Why the program and not a binding: Debian's ``tesseract-ocr`` is the
maintained build, and pytesseract does no more than this subprocess call. The
page never touches the disk: the crop goes in on stdin as PNG, the text comes
back on stdout.

PLATFORM.md: ``-l fra --psm 6`` with a whitelist of ``A-Z0-9<`` reads an OCR-B
MRZ exactly; ``-l eng`` misreads ``<`` as ``K``.
"""

from __future__ import annotations

import io
import shutil
import subprocess

from PIL import Image

TESSERACT = "tesseract"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-fra"


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed (or its French data is missing)."""


def is_usable() -> bool:
    return shutil.which(TESSERACT) is not None


def ocr(image: Image.Image, *, whitelist: str = "", psm: int = 6, lang: str = "fra", timeout: float = 10.0) -> str:
    """The text tesseract reads in ``image`` (one block of lines by default)."""
    if not is_usable():
        raise OcrUnavailable(f"{TESSERACT} not found: {INSTALL_HINT}")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    command = [TESSERACT, "stdin", "stdout", "-l", lang, "--psm", str(psm), "-c", "debug_file=/dev/null"]
    if whitelist:
        command += ["-c", f"tessedit_char_whitelist={whitelist}"]
    env = {"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"}  # one core: the UI keeps the other
    try:
        done = subprocess.run(command, input=buffer.getvalue(), capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return ""
    if done.returncode != 0:
        raise OcrUnavailable(f"{TESSERACT} failed ({done.returncode}): {done.stderr.decode(errors='replace')[:200]}")
    return done.stdout.decode("utf-8", errors="replace")
