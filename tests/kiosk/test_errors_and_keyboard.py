"""Errors that say what to do and go as soon as the answer is right; a
keyboard that closes, clears a field at once, and writes capitals itself;
a street number with "bis". Touches on the real window."""

from __future__ import annotations

import pytest

from kiosk.widgets.common import KToggle

pytestmark = pytest.mark.ui


def at_step(kiosk, procedure_id: str, step_id: str, values: dict | None = None):
    c = kiosk.controller
    c.choose(procedure_id)
    c.begin()
    kiosk.wait(lambda: c.flow is not None, what="the session")
    wizard = c.session.wizard
    wizard.values.update(values or {})
    wizard.goto(step_id)
    c.flow.resume()
    kiosk.pump(3)
    return wizard


def test_an_error_goes_as_soon_as_the_answer_is_right(driver, make_services):
    kiosk = driver(make_services(), typing="touch")
    at_step(kiosk, "permis-perte", "etat-civil")
    screen = kiosk.screen
    kiosk.tap(screen.ids.next)
    boxes = screen._boxes
    assert boxes["sexe"].error == "Touchez une des réponses pour continuer."
    assert boxes["nom_naissance"].error and boxes["prenom1"].error
    femme = next(w for w in boxes["sexe"].walk(restrict=True) if isinstance(w, KToggle) and w.value == "F")
    kiosk.tap(femme)
    assert boxes["sexe"].error == ""  # at once, before Continuer
    kiosk.focus_input("nom_naissance")
    for ch in "lef":  # no Maj: the kiosk writes the capital
        kiosk.tap(kiosk.key(ch))
    assert boxes["nom_naissance"].error == "" and kiosk.field_input("nom_naissance").text == "Lef"
    assert boxes["prenom1"].error  # untouched: still said
    kiosk.type_into("date_naissance", "31021980")
    assert boxes["date_naissance"].error  # still wrong: still said
    assert kiosk.controller.session.wizard.errors["date_naissance"] == boxes["date_naissance"].error


def test_the_attestation_says_what_to_do_and_its_error_goes_once_ticked(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "cg-changement-adresse", "recapitulatif")
    screen = kiosk.screen
    kiosk.tap(screen.ids.validate)
    kiosk.wait_idle()
    assert screen.ids.error.text == "Cochez la case « J'atteste… » pour continuer."
    kiosk.tap(screen._accept)
    assert screen.ids.error.text == "" and "attestation" not in kiosk.controller.session.wizard.errors


def test_the_keyboard_closes_clears_and_takes_bis(driver, make_services):
    kiosk = driver(make_services(), typing="touch")
    at_step(kiosk, "permis-perte", "adresse")
    screen = kiosk.screen
    kiosk.type_into("numero_voie", "12 bis")  # letters: the text keyboard, not the keypad
    assert screen.ids.keyboard.layout == "text"
    kiosk.type_into("nom_voie", "rue des lilas")
    assert screen.typing and screen.ids.footer.height == 0 and screen.ids.keyboard_next.height > 0
    kiosk.tap(screen.ids.clear_field)
    assert kiosk.field_input("nom_voie").text == "" and kiosk.field_input("nom_voie").focus
    kiosk.tap(screen.ids.hide_keyboard)
    assert not screen.typing and screen.ids.keyboard.opacity == 0
    assert screen.ids.next.height > 0 and not screen.ids.next.disabled
    assert kiosk.field_input("numero_voie").text == "12 bis"
    kiosk.tap(screen.ids.next)
    assert kiosk.controller.session.wizard.values["numero_voie"] == "12 bis"
