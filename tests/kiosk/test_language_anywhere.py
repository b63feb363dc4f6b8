"""The language is changed from any screen, through the top bar: the step keeps
what was typed, the keyboard stays up, and the next person starts in French.
Touches on the real window."""

from __future__ import annotations

import pytest

from kiosk.i18n import tr
from kiosk.theme import TEXT_SIZES, THEME
from test_errors_and_keyboard import at_step

pytestmark = pytest.mark.ui


def choose(kiosk, lang: str) -> None:
    kiosk.tap(kiosk.root.ids.language)
    assert kiosk.root.choosing_language
    kiosk.tap(kiosk.root.ids[f"choose_{lang}"])
    kiosk.pump(3)
    assert not kiosk.root.choosing_language


def test_switch_on_the_etat_civil_step_keeps_the_name_and_the_keyboard(driver, make_services):
    kiosk = driver(make_services(), typing="touch")
    try:
        at_step(kiosk, "permis-perte", "etat-civil")
        kiosk.type_into("nom_naissance", "Lef")
        assert kiosk.screen.typing
        choose(kiosk, "en")
        assert tr.lang == "en" and kiosk.step_id() == "etat-civil"
        assert kiosk.field_input("nom_naissance").text == "Lef"
        assert kiosk.screen.typing and kiosk.field_input("nom_naissance").focus
        assert kiosk.screen._boxes["nom_naissance"].error == ""  # no error from a redraw
        assert kiosk.screen.ids.back.text == "Back"
        assert kiosk.root.ids.mediator.text == "Call a mediator"
        choose(kiosk, "ar")
        assert tr.rtl and kiosk.root.ids.topbar.rtl
        assert kiosk.field_input("nom_naissance").text == "Lef"
        mediator, read = kiosk.root.ids.mediator, kiosk.root.ids.read_aloud
        assert mediator.x < read.x  # right to left: the mediator at the left end
        kiosk.controller.finish("abandoned")
        kiosk.wait_idle()
        kiosk.controller.reset()
        kiosk.pump(3)
        assert tr.lang == "fr" and kiosk.screen.name in ("welcome", "goodbye")
    finally:
        tr.lang = "fr"


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_top_bar_fits_at_each_size(driver, make_services, lang):
    kiosk = driver(make_services())
    try:
        kiosk.root.set_language(lang)
        for size in TEXT_SIZES:
            kiosk.tap(kiosk.root.size_button(size))
            kiosk.pump(4)
            ids = kiosk.root.ids
            widgets = [ids.read_aloud, ids.text_sizes, ids.contrast, ids.language, ids.mediator]
            boxes = sorted((w.to_window(w.x, w.y)[0], w.width) for w in widgets)
            for (x, w), (nx, _nw) in zip(boxes, boxes[1:], strict=False):
                assert x + w <= nx + 0.5, (lang, size)
            assert boxes[0][0] >= 0 and boxes[-1][0] + boxes[-1][1] <= kiosk.window.width, (lang, size)
            kiosk.screenshot(f"/tmp/pointnum-shots/language-topbar-{lang}-{size}.png")
    finally:
        kiosk.root.set_language("fr")
        THEME.reset()
