"""The kiosk's fonts: Atkinson Hyperlegible (Braille Institute, OFL-1.1),
designed for readers with low vision, for every Latin text; Noto Sans Arabic
(Debian's fonts-noto-core, OFL-1.1) for Arabic, which Atkinson does not cover.

SDL2's text renderer has no font fallback, so a label picks its font from its
own text (:func:`font_for`): Arabic letters in it, the Arabic font; else Atkinson.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

LATIN = "Atkinson"
ARABIC = "KioskArabic"
#: Line spacing of wrapped Arabic text, a share of the font's own (Noto Sans Arabic's is
#: about twice the font size, for stacked marks the kiosk's text does not use).
ARABIC_LINE = 0.72
#: A button's height counts this share of an Arabic line: the rest of it is empty space
#: above and below the letters, which stay centred.
ARABIC_BOX = 0.8
_ARABIC_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"))

_registered = False


def _atkinson_files() -> dict[str, str] | None:
    try:
        import fontpkg_atkinson_hyperlegible as pkg
    except ImportError:
        return None
    files = Path(pkg.__file__).with_name("files")
    return {
        "fn_regular": str(files / "AtkinsonHyperlegible-Regular.ttf"),
        "fn_bold": str(files / "AtkinsonHyperlegible-Bold.ttf"),
        "fn_italic": str(files / "AtkinsonHyperlegible-Italic.ttf"),
        "fn_bolditalic": str(files / "AtkinsonHyperlegible-BoldItalic.ttf"),
    }


def _arabic_files() -> dict[str, str] | None:
    for folder in _ARABIC_DIRS:
        regular, bold = folder / "NotoSansArabic-Regular.ttf", folder / "NotoSansArabic-Bold.ttf"
        if regular.exists():
            return {"fn_regular": str(regular), "fn_bold": str(bold if bold.exists() else regular)}
    return None


def register() -> dict[str, bool]:
    """Register both families with Kivy's LabelBase; says which were found.
    A missing font is logged and replaced by Kivy's own (Roboto), never fatal."""
    global _registered
    from kivy.core.text import LabelBase

    found = {}
    atkinson = _atkinson_files()
    if atkinson:
        LabelBase.register(name=LATIN, **atkinson)
    else:
        log.error("Atkinson Hyperlegible is not installed (pip: fontpkg-atkinson-hyperlegible): using Roboto")
        LabelBase.register(name=LATIN, fn_regular="data/fonts/Roboto-Regular.ttf", fn_bold="data/fonts/Roboto-Bold.ttf")
    found[LATIN] = atkinson is not None
    arabic = _arabic_files()
    if arabic:
        LabelBase.register(name=ARABIC, **arabic)
    else:
        log.error("No Arabic font (Debian: fonts-noto-core): Arabic text cannot be shown")
        LabelBase.register(
            name=ARABIC, fn_regular="data/fonts/Roboto-Regular.ttf", fn_bold="data/fonts/Roboto-Bold.ttf"
        )
    found[ARABIC] = arabic is not None
    _registered = True
    return found


def has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in text or "")


def font_for(text: str) -> str:
    """The font that has the glyphs of ``text``."""
    return ARABIC if has_arabic(text) else LATIN
