"""Colours and sizes of the kiosk, switchable at any moment.

Every .kv binds to :data:`THEME`'s properties, so changing the text size or
turning on high contrast restyles every screen at once.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import mm, sp
from kivy.properties import ColorProperty, NumericProperty, StringProperty

from .fonts import LATIN

#: The three text sizes offered to the user (base size in sp).
TEXT_SIZES = {"normal": 22, "grand": 28, "tres-grand": 34}

PALETTES = {
    # DSFR colours: bleu France on white; text #161616 (17.9:1), error #CE0500 (5.9:1).
    "normal": {
        "bg": "#FFFFFF",
        "fg": "#161616",
        "muted": "#3A3A3A",
        "primary": "#000091",
        "primary_text": "#FFFFFF",
        "secondary_bg": "#E3E3FD",
        "error": "#CE0500",
        "success": "#18753C",
        "bar": "#F6F6F6",
        "border": "#666666",
        "selected": "#000091",
    },
    # High contrast: white and yellow on black, every pair at 7:1 or more.
    "contraste": {
        "bg": "#000000",
        "fg": "#FFFFFF",
        "muted": "#F0F0F0",
        "primary": "#FFE600",
        "primary_text": "#000000",
        "secondary_bg": "#1A1A1A",
        "error": "#FF8A80",
        "success": "#7CFC9A",
        "bar": "#000000",
        "border": "#FFFFFF",
        "selected": "#FFE600",
    },
}

#: Smallest touch target: 15 mm on the kiosk's screen.
TOUCH_TARGET_MM = 15
#: How much a keyboard key grows for each sp the text grows past "normal": 59 px (the touch
#: target) at "normal", 62 at "grand", 66 at "très grand" (the question still whole above it).
KEY_GROWTH = 0.6

#: Which text colour is drawn on which background, in each palette: the
#: pairs the .kv files actually use (tests/kiosk/test_accessibility.py checks
#: each against WCAG: 4.5:1 in the normal palette, 7:1 in high contrast).
TEXT_PAIRS = (
    ("fg", "bg"),
    ("muted", "bg"),
    ("primary", "bg"),
    ("error", "bg"),
    ("success", "bg"),
    ("primary_text", "primary"),
    ("fg", "secondary_bg"),
    ("muted", "secondary_bg"),
    ("fg", "bar"),
    ("muted", "bar"),
    ("primary_text", "selected"),
    ("primary", "secondary_bg"),
    ("primary_text", "error"),
    ("error", "secondary_bg"),
)


class Theme(EventDispatcher):
    bg = ColorProperty(PALETTES["normal"]["bg"])
    fg = ColorProperty(PALETTES["normal"]["fg"])
    muted = ColorProperty(PALETTES["normal"]["muted"])
    primary = ColorProperty(PALETTES["normal"]["primary"])
    primary_text = ColorProperty(PALETTES["normal"]["primary_text"])
    secondary_bg = ColorProperty(PALETTES["normal"]["secondary_bg"])
    error = ColorProperty(PALETTES["normal"]["error"])
    success = ColorProperty(PALETTES["normal"]["success"])
    bar = ColorProperty(PALETTES["normal"]["bar"])
    border = ColorProperty(PALETTES["normal"]["border"])
    selected = ColorProperty(PALETTES["normal"]["selected"])

    palette = StringProperty("normal")
    text_size = StringProperty("normal")
    font = NumericProperty(sp(TEXT_SIZES["normal"]))
    font_small = NumericProperty(sp(TEXT_SIZES["normal"] * 0.8))
    font_title = NumericProperty(sp(TEXT_SIZES["normal"] * 1.45))
    font_huge = NumericProperty(sp(TEXT_SIZES["normal"] * 2.2))
    target = NumericProperty(mm(TOUCH_TARGET_MM))
    #: Height of an on-screen keyboard key: the touch target, and taller with the larger
    #: text sizes, its letters with it (less than the text's own growth: the keyboard
    #: must leave room for the question above it).
    key_height = NumericProperty(mm(TOUCH_TARGET_MM) + 2)
    font_name = StringProperty(LATIN)

    def on_palette(self, _instance, name: str) -> None:
        for key, value in PALETTES[name].items():
            setattr(self, key, value)

    def on_text_size(self, _instance, name: str) -> None:
        base = TEXT_SIZES[name]
        self.font = sp(base)
        self.font_small = sp(base * 0.8)
        self.font_title = sp(base * 1.45)
        self.font_huge = sp(base * 2.2)
        self.target = max(mm(TOUCH_TARGET_MM), sp(base * 2.4))
        self.key_height = mm(TOUCH_TARGET_MM) + 2 + sp(base - TEXT_SIZES["normal"]) * KEY_GROWTH

    def toggle_contrast(self) -> None:
        self.palette = "contraste" if self.palette == "normal" else "normal"

    def reset(self) -> None:
        self.palette = "normal"
        self.text_size = "normal"


THEME = Theme()
