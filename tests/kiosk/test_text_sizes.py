"""The text size is a choice of three on the top bar, the one in use marked
(no cycle back to small), and the on-screen keyboard's keys grow with it.
Touches on the real window."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kivy.metrics import mm

from kiosk.theme import TEXT_SIZES, THEME, TOUCH_TARGET_MM
from kiosk.widgets.keyboard import Key
from test_errors_and_keyboard import at_step

pytestmark = pytest.mark.ui

SHOTS = Path(os.environ.get("POINTNUM_SHOTS", "/tmp/pointnum-shots"))


def marked(kiosk) -> list[str]:
    return [size for size in TEXT_SIZES if kiosk.root.size_button(size).role == "primary"]


def test_three_sizes_shown_the_one_in_use_marked(driver, make_services):
    kiosk = driver(make_services())
    try:
        buttons = [kiosk.root.size_button(size) for size in TEXT_SIZES]
        assert [b.text for b in buttons] == ["A", "A", "A"]
        assert buttons[0].font_size < buttons[1].font_size < buttons[2].font_size  # each drawn at its size
        assert marked(kiosk) == ["normal"]
        kiosk.tap(kiosk.root.size_button("tres-grand"))
        assert THEME.text_size == "tres-grand" and marked(kiosk) == ["tres-grand"]
        kiosk.tap(kiosk.root.size_button("tres-grand"))  # again: it stays, no cycle back to small
        assert THEME.text_size == "tres-grand"
        assert [b.font_size for b in buttons] == sorted(b.font_size for b in buttons)  # the same "A"s
        kiosk.tap(kiosk.root.size_button("grand"))
        assert THEME.text_size == "grand" and marked(kiosk) == ["grand"]
        for size in TEXT_SIZES:  # every one of them whole on the window, at each size
            kiosk.tap(kiosk.root.size_button(size))
            kiosk.pump(2)
            for button in [kiosk.root.size_button(s) for s in TEXT_SIZES] + [kiosk.root.ids.mediator]:
                x, y = button.to_window(button.x, button.y)
                assert 0 <= x and x + button.width <= kiosk.window.width, (size, button.text)
            kiosk.screenshot(SHOTS / f"topbar-{size}.png")
    finally:
        THEME.reset()


def test_the_keyboard_keys_grow_with_the_text(driver, make_services):
    kiosk = driver(make_services())
    try:
        at_step(kiosk, "permis-perte", "adresse")
        kiosk.focus_input("nom_voie")
        keyboard = kiosk.screen.ids.keyboard
        heights, fonts, naturals = [], [], []
        for size in TEXT_SIZES:
            kiosk.tap(kiosk.root.size_button(size))
            kiosk.focus_input("nom_voie")  # a restyle redraws the step: the keyboard up again
            kiosk.pump(3)
            key = next(w for w in keyboard.walk(restrict=True) if isinstance(w, Key) and w.key == "a")
            heights.append(key.height)
            fonts.append(key.font_size)
            naturals.append(keyboard.natural_height)
            assert kiosk.screen.ids.typing_area.height >= keyboard.natural_height - 1  # shown whole
            kiosk.screenshot(SHOTS / f"keyboard-{size}.png")
        assert heights[0] < heights[1] < heights[2], heights
        assert fonts[0] < fonts[1] < fonts[2], fonts
        assert naturals[0] < naturals[1] < naturals[2], naturals
        assert heights[0] >= mm(TOUCH_TARGET_MM)  # never under the touch target
    finally:
        THEME.reset()


def test_the_named_keys_drawn_with_the_arabic_font_in_arabic(driver, make_services):
    from kiosk.fonts import ARABIC, LATIN

    kiosk = driver(make_services())
    kiosk.root.set_language("ar")
    try:
        at_step(kiosk, "permis-perte", "adresse")
        kiosk.focus_input("nom_voie")
        kiosk.pump(2)
        keys = {w.key: w for w in kiosk.screen.ids.keyboard.walk(restrict=True) if isinstance(w, Key)}
        assert keys["Effacer"].text != "Effacer" and keys["Effacer"].font_name == ARABIC
        assert keys["a"].font_name == LATIN
        kiosk.screenshot(SHOTS / "keyboard-ar.png")
    finally:
        kiosk.root.set_language("fr")
