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


def _command(lang: str, psm: int, whitelist: str) -> list[str]:
    command = [TESSERACT, "stdin", "stdout", "-l", lang, "--psm", str(psm), "-c", "debug_file=/dev/null"]
    if whitelist:
        command += ["-c", f"tessedit_char_whitelist={whitelist}"]
    return command


def ocr_both(
    image: Image.Image, langs: tuple[str, ...], *, whitelist: str = "", psm: int = 6, timeout: float = 10.0
) -> list[str]:
    """The text each of ``langs`` reads in ``image``, the programs run side by side
    (each on one core: the wall time of one reading, not their sum)."""
    if not is_usable():
        raise OcrUnavailable(f"{TESSERACT} not found: {INSTALL_HINT}")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = buffer.getvalue()
    env = {"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    procs = [
        subprocess.Popen(
            _command(lang, psm, whitelist),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for lang in langs
    ]
    texts = []
    for proc in procs:
        try:
            out, err = proc.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            texts.append("")
            continue
        if proc.returncode != 0:
            raise OcrUnavailable(f"{TESSERACT} failed ({proc.returncode}): {err.decode(errors='replace')[:200]}")
        texts.append(out.decode("utf-8", errors="replace"))
    return texts


def ocr(image: Image.Image, *, whitelist: str = "", psm: int = 6, lang: str = "fra", timeout: float = 10.0) -> str:
    """The text tesseract reads in ``image`` (one block of lines by default)."""
    return ocr_both(image, (lang,), whitelist=whitelist, psm=psm, timeout=timeout)[0]
