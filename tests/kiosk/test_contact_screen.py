"""E-mail or mobile on the adresse step, by touch on the real window: a mobile
alone is enough; with neither, the sentence saying what that means, a button
that calls a médiateur, and the box that lets the person go on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from in_view import problem
from kiosk.theme import TEXT_SIZES, THEME
from kiosk.widgets.common import KCheck
from kiosk.widgets.field_extras import MediatorOffer
from session.validation import NO_CONTACT
from test_errors_and_keyboard import at_step

pytestmark = pytest.mark.ui

TYPED = {"nom_voie": "rue Haute", "code_postal": "44000", "commune": "Nantes"}


def fill(kiosk, values: dict) -> None:
    for field_id, text in values.items():
        kiosk.type_into(field_id, text, typing="keys")


def offer(kiosk) -> MediatorOffer:
    box = kiosk.screen._boxes["sans_contact"]
    return next(w for w in box.walk(restrict=True) if isinstance(w, MediatorOffer))


def test_a_mobile_alone_is_enough(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "permis-perte", "adresse")
    fill(kiosk, {**TYPED, "mobile": "0612345678"})
    kiosk.tap(kiosk.screen.ids.keyboard_next)
    kiosk.wait_idle()
    wizard = kiosk.controller.session.wizard
    assert wizard.current.id == "photo", wizard.errors
    assert wizard.values["mobile"] == "0612345678" and wizard.values["email"] == ""


def test_neither_says_what_it_means_offers_the_mediator_and_goes_on(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "permis-perte", "adresse")
    screen = kiosk.screen
    assert offer(kiosk).opacity == 0 and offer(kiosk).height == 0 and offer(kiosk).disabled
    fill(kiosk, TYPED)
    kiosk.tap(screen.ids.hide_keyboard)
    kiosk.tap(screen.ids.next)
    kiosk.wait_idle()
    box = screen._boxes["sans_contact"]
    assert kiosk.step_id() == "adresse" and box.error == NO_CONTACT
    assert [fb.field_id for fb in screen._boxes.values() if fb.error] == ["sans_contact"]
    button = offer(kiosk)
    assert button.opacity == 1 and button.height > 0 and not button.disabled
    assert button.text == "Appeler un médiateur"
    kiosk.pump(3)
    kiosk.tap(button)
    assert kiosk.controller.assisted  # the call went as from the top bar's button
    check = next(w for w in box.walk(restrict=True) if isinstance(w, KCheck))
    assert check.text == "Je n'ai ni adresse e-mail ni téléphone portable."
    kiosk.tap(check)
    assert box.error == "" and offer(kiosk).opacity == 0  # at once, before Continuer
    kiosk.tap(screen.ids.next)
    kiosk.wait_idle()
    assert kiosk.step_id() == "photo"
    assert kiosk.controller.session.wizard.dossier()["contact"] == {"aucun": True}


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_sentence_its_button_and_continuer_in_view_at_every_size(driver, make_services, lang):
    shots = Path(os.environ.get("POINTNUM_SHOTS", "/tmp/pointnum-shots"))
    kiosk = driver(make_services())
    problems = []
    try:
        kiosk.root.set_language(lang)
        for size in TEXT_SIZES:
            kiosk.root.set_text_size(size)
            at_step(kiosk, "permis-perte", "adresse")
            screen = kiosk.screen
            fill(kiosk, TYPED)
            kiosk.tap(screen.ids.hide_keyboard)
            kiosk.tap(screen.ids.next)
            kiosk.wait_idle()
            kiosk.pump(4)
            box = screen._boxes["sans_contact"]
            assert box.error, (lang, size)
            footer = [("footer", screen.ids.next.parent)]
            for what, widget in (("the box, its sentence and its button", box), ("Continuer", screen.ids.next)):
                problems.append(problem(widget, screen, footer, f"{lang} {size}: {what}"))
            kiosk.screenshot(shots / f"sans-contact-{lang}-{size}.png")
            kiosk.controller.finish("abandoned")
            kiosk.wait_idle()
    finally:
        THEME.reset()
        kiosk.root.set_language("fr")
    assert [p for p in problems if p] == []
