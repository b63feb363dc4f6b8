"""The commune comes from the code postal, typed on the on-screen keyboard of
the real window: written by itself when the code has one, offered as buttons
when several share it, said in a sentence when the table does not know it;
the person can always type another name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.widgets.common import KButton
from kiosk.widgets.field_extras import NARROW, PICK, SHOWN, SHOWN_LARGEST, SHOWN_TYPING, UNKNOWN, CommuneChoices
from test_errors_and_keyboard import at_step

pytestmark = pytest.mark.ui

SHOTS = Path(os.environ.get("POINTNUM_SHOTS", "/tmp/pointnum-shots"))


def type_keys(kiosk, text: str) -> None:
    for ch in text:
        kiosk.tap(kiosk.key(ch))
    kiosk.pump(3)  # the focus moves on the next frame


def choices(kiosk) -> CommuneChoices:
    return next(w for w in kiosk.screen.ids.fields.walk(restrict=True) if isinstance(w, CommuneChoices))


def offered(kiosk) -> list[KButton]:
    return [w for w in choices(kiosk).ids.names.children[::-1] if isinstance(w, KButton)]


def test_one_commune_is_written_and_the_keyboard_goes_to_the_email(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "permis-perte", "adresse")
    kiosk.focus_input("code_postal")
    type_keys(kiosk, "97400")
    assert kiosk.field_input("commune").text == "Saint-Denis"
    assert kiosk.field_input("email").focus and kiosk.screen.ids.keyboard.target is kiosk.field_input("email")
    assert offered(kiosk) == [] and choices(kiosk).ids.note.text == ""
    kiosk.type_into("nom_voie", "rue de Paris")
    kiosk.type_into("email", "anais@exemple.fr")
    kiosk.tap(kiosk.screen.ids.keyboard_next)
    kiosk.wait_idle()
    wizard = kiosk.controller.session.wizard
    assert wizard.current.id == "photo", wizard.errors
    assert (wizard.values["code_postal"], wizard.values["commune"]) == ("97400", "Saint-Denis")


def test_corsica_offers_ajaccio_in_one_tap(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "permis-perte", "adresse")
    kiosk.focus_input("code_postal")
    type_keys(kiosk, "20000")
    assert [b.text for b in offered(kiosk)] == ["Ajaccio", "Lecci"]
    assert choices(kiosk).ids.note.text == PICK
    commune = kiosk.field_input("commune")
    assert commune.text == "" and not kiosk.screen.typing  # the keyboard down: the buttons whole
    kiosk.tap(offered(kiosk)[0])
    kiosk.pump(3)
    assert commune.text == "Ajaccio" and offered(kiosk) == [] and choices(kiosk).ids.note.text == ""
    assert kiosk.field_input("email").focus


def test_a_code_of_many_communes_narrows_as_the_name_is_typed(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "permis-perte", "adresse")
    kiosk.focus_input("code_postal")
    type_keys(kiosk, "01400")
    assert len(offered(kiosk)) == SHOWN
    assert choices(kiosk).ids.note.text == NARROW.format(10)
    kiosk.focus_input("commune")  # another name: the keyboard up, one row of communes above it
    assert len(offered(kiosk)) == SHOWN_TYPING and choices(kiosk).ids.note.text == ""
    type_keys(kiosk, "sa")  # its first letter written as a capital
    assert kiosk.field_input("commune").text == "Sa"
    assert [b.text for b in offered(kiosk)] == ["Saint-Georges-sur-Renon", "Sandrans"]
    kiosk.tap(offered(kiosk)[1])
    kiosk.pump(3)
    assert kiosk.field_input("commune").text == "Sandrans"
    # Another code typed afterwards: the name written for the first one goes.
    kiosk.focus_input("code_postal")
    for _ in range(5):
        kiosk.tap(kiosk.key("Effacer"))
    type_keys(kiosk, "97400")
    assert kiosk.field_input("commune").text == "Saint-Denis"


def test_a_name_typed_by_the_person_is_kept_when_the_code_changes(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "permis-perte", "adresse")
    kiosk.type_into("commune", "Lecci")
    kiosk.focus_input("code_postal")
    type_keys(kiosk, "20000")
    assert kiosk.field_input("commune").text == "Lecci" and offered(kiosk) == []


def test_an_unknown_code_is_said_and_the_commune_typed(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "permis-perte", "adresse")
    kiosk.focus_input("code_postal")
    type_keys(kiosk, "33999")
    assert kiosk.field_input("code_postal").focus  # nothing to write: the person goes on as before
    assert offered(kiosk) == [] and kiosk.field_input("commune").text == ""
    assert choices(kiosk).ids.note.text == UNKNOWN
    kiosk.type_into("commune", "Bordeaux")
    assert choices(kiosk).ids.note.text == UNKNOWN  # still true: the name is the person's
    kiosk.type_into("nom_voie", "rue des Lilas")
    kiosk.type_into("email", "anais@exemple.fr")
    kiosk.tap(kiosk.screen.ids.keyboard_next)
    kiosk.wait_idle()
    wizard = kiosk.controller.session.wizard
    assert wizard.current.id == "photo", wizard.errors
    assert wizard.values["commune"] == "Bordeaux"


def test_the_sentences_follow_the_language(driver, make_services):
    kiosk = driver(make_services())
    at_step(kiosk, "permis-perte", "adresse")
    kiosk.focus_input("code_postal")
    type_keys(kiosk, "20000")
    kiosk.root.set_language("en")
    try:
        kiosk.pump(3)
        assert choices(kiosk).ids.note.text == "Touch your commune, or write its name."
    finally:
        kiosk.root.set_language("fr")


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_communes_and_continuer_in_view_at_every_size(driver, make_services, lang):
    """Keyboard down, the six first communes; keyboard up on the commune, one row
    above it: the question whole, and the step's primary action, at every size."""
    from in_view import problem
    from kiosk.theme import TEXT_SIZES, THEME

    kiosk = driver(make_services())
    screen = kiosk.screen
    problems = []
    try:
        kiosk.root.set_language(lang)
        for size in TEXT_SIZES:
            kiosk.root.set_text_size(size)
            at_step(kiosk, "permis-perte", "adresse")
            screen = kiosk.screen
            ids = screen.ids
            kiosk.type_into("code_postal", "01400", typing="keys")
            kiosk.pump(4)
            box = screen._boxes["commune"]
            assert len(offered(kiosk)) == (SHOWN_LARGEST if size == "tres-grand" else SHOWN), (lang, size)
            assert not screen.typing
            footer = [("footer", ids.next.parent)]
            problems += [problem(box, screen, footer, f"{lang} {size} keyboard down: the commune")]
            problems += [problem(ids.next, screen, footer, f"{lang} {size} keyboard down: Continuer")]
            kiosk.screenshot(SHOTS / f"communes-{lang}-{size}-down.png")
            kiosk.focus_input("commune")
            kiosk.pump(4)
            assert len(offered(kiosk)) == SHOWN_TYPING
            up = [("keyboard", ids.keyboard), ("footer", ids.next.parent)]
            problems += [problem(box, screen, up, f"{lang} {size} keyboard up: the commune")]
            problems += [problem(ids.keyboard_next, screen, up, f"{lang} {size} keyboard up: Continuer")]
            kiosk.screenshot(SHOTS / f"communes-{lang}-{size}-up.png")
            kiosk.controller.finish("abandoned")
            kiosk.wait_idle()
    finally:
        THEME.reset()
        kiosk.root.set_language("fr")
    assert [p for p in problems if p] == []
