"""The e-mail layout of the on-screen keyboard: what an address is made of and,
in one touch, the site's e-mail domains ([keyboard] email_domains), as many as
fit at the text size, none narrower than a touch target; the e-mail question
and its error stay in view above it. Touches on the real window."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kivy.metrics import dp

from config import ConfigError, load_settings
from in_view import problem, visible_area
from kiosk.theme import TEXT_SIZES, THEME
from kiosk.widgets.keyboard import ENDINGS, Key, domain_font_size, key_width
from test_errors_and_keyboard import at_step

pytestmark = pytest.mark.ui

SHOTS = Path(os.environ.get("POINTNUM_SHOTS", "/tmp/pointnum-shots"))
#: The adresse step's required answers: the e-mail's error is then the only one.
ADDRESS = {"nom_voie": "rue des Écoles", "code_postal": "33000", "commune": "Bordeaux"}
DEFAULT = ["gmail.com", "orange.fr", "hotmail.fr", "yahoo.fr", "free.fr", "laposte.net", "sfr.fr", "outlook.fr"]


def keys(kiosk) -> list[Key]:
    return [w for w in kiosk.screen.ids.keyboard.walk(restrict=True) if isinstance(w, Key)]


def domain_row(kiosk) -> list[Key]:
    return [k for k in keys(kiosk) if k.key.startswith("@") and len(k.key) > 1]


def typed(kiosk, field_id: str, touches: list[str]) -> str:
    """``touches`` on the keyboard's keys, the input of ``field_id`` focused (by touch) first."""
    text_input = kiosk.focus_input(field_id)
    for label in touches:
        kiosk.tap(kiosk.key(label))
    return text_input.text


def test_the_email_field_shows_the_email_layout_with_the_domain_keys(driver, make_services):
    kiosk = driver(make_services(), typing="touch")
    at_step(kiosk, "permis-perte", "adresse")
    keyboard = kiosk.screen.ids.keyboard
    kiosk.focus_input("nom_voie")
    assert keyboard.layout == "text" and "é" in {k.key for k in keys(kiosk)} and not domain_row(kiosk)
    kiosk.focus_input("email")
    assert keyboard.layout == "email"
    labels = [k.key for k in keys(kiosk)]
    assert {"@", ".", "-", "_", "0", "9", "a", "m", "w", *ENDINGS} <= set(labels)
    assert not set("éèêëàâçùîïô") & set(labels) and "Maj" not in labels and "espace" not in labels
    drawn = [k.key for k in domain_row(kiosk)]
    assert drawn[:2] == ["@gmail.com", "@orange.fr"] and len(drawn) >= 5
    assert drawn == [f"@{d}" for d in DEFAULT if f"@{d}" in drawn]  # in the setting's order
    assert [k.text for k in domain_row(kiosk)] == drawn  # written as typed
    kiosk.focus_input("mobile")
    assert keyboard.layout == "number" and not domain_row(kiosk)


def test_a_domain_key_types_the_whole_domain_once(driver, make_services):
    kiosk = driver(make_services(), typing="touch")
    at_step(kiosk, "permis-perte", "adresse")
    assert typed(kiosk, "email", [*"anais.lefevre", "@orange.fr"]) == "anais.lefevre@orange.fr"
    kiosk.tap(kiosk.screen.ids.clear_field)
    assert typed(kiosk, "email", ["x", "@", "@orange.fr"]) == "x@orange.fr"  # the "@" not doubled
    kiosk.tap(kiosk.screen.ids.clear_field)
    assert typed(kiosk, "email", [*"x@ora", "@orange.fr"]) == "x@orange.fr"  # begun: completed
    kiosk.tap(kiosk.screen.ids.clear_field)
    assert typed(kiosk, "email", [*"x@fre", "@gmail.com"]) == "x@gmail.com"  # one "@" in an address
    kiosk.tap(kiosk.screen.ids.clear_field)
    assert typed(kiosk, "email", [*"x@wanadoo", ".fr"]) == "x@wanadoo.fr"
    kiosk.tap(kiosk.screen.ids.clear_field)
    assert typed(kiosk, "email", [*"x@wanadoo.", ".com"]) == "x@wanadoo.com"  # the "." not doubled
    kiosk.tap(kiosk.screen.ids.clear_field)
    typed(kiosk, "email", [*"anais.lefevre", "@orange.fr"])
    kiosk.tap(kiosk.screen.ids.keyboard_next)
    kiosk.wait_idle()
    assert kiosk.controller.session.wizard.values["email"] == "anais.lefevre@orange.fr"


def test_the_site_s_domains_and_a_bad_one_refused_with_its_key(tmp_path, driver, make_services):
    site = tmp_path / "kiosk.toml"
    site.write_text('[keyboard]\nemail_domains = ["wanadoo.fr", "@free.fr"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(site)
    assert str(refused.value) == (
        f"{site}: [keyboard.email_domains.1] = '@free.fr': "
        'nom de domaine attendu, en minuscules et sans "@", par exemple "orange.fr"'
    )
    for bad in ("orange", "Orange.fr", "orange..fr", "orange.f", "-orange.fr", "orange fr"):
        with pytest.raises(ConfigError, match=r"\[keyboard\.email_domains\.0\]"):
            load_settings(overrides={"keyboard": {"email_domains": [bad]}})
    assert load_settings().keyboard.email_domains == DEFAULT
    kiosk = driver(make_services(keyboard={"email_domains": ["wanadoo.fr", "ac-toulouse.fr"]}), typing="touch")
    at_step(kiosk, "permis-perte", "adresse")
    kiosk.focus_input("email")
    assert [k.key for k in domain_row(kiosk)] == ["@wanadoo.fr", "@ac-toulouse.fr"]


def test_the_keys_fit_at_each_text_size_the_question_in_view(driver, make_services):
    kiosk = driver(make_services(), typing="touch")
    drawn_at = {}
    try:
        at_step(kiosk, "permis-perte", "adresse", ADDRESS)
        screen = kiosk.screen
        keyboard = screen.ids.keyboard
        for size in TEXT_SIZES:
            kiosk.tap(kiosk.root.size_button(size))
            typed(kiosk, "email", [*"anais", "@"])
            kiosk.tap(screen.ids.keyboard_next)  # "anais@": wrong, its error shown
            kiosk.wait_idle()
            fb = screen._boxes["email"]
            assert fb.error, size
            kiosk.focus_input("email")
            kiosk.pump(4)
            assert keyboard.layout == "email"
            left = keyboard.to_window(keyboard.x, keyboard.y)[0] + keyboard.padding[0]
            right = keyboard.to_window(keyboard.right, keyboard.y)[0] - keyboard.padding[2]
            for key in keys(kiosk):
                x = key.to_window(key.x, key.y)[0]
                assert key.width >= THEME.target - 0.5, (size, key.key, key.width, THEME.target)
                assert left - 1 <= x and x + key.width <= right + 1, (size, key.key)
                assert key.texture_size[0] <= key.width - dp(6), (size, key.key)  # its word inside its border
            row = domain_row(kiosk)
            font = domain_font_size()
            assert all(k.font_size == pytest.approx(font) for k in row), size  # not shrunk to fit
            room = right - left
            used = sum(k.width for k in row) + keyboard.spacing * (len(row) - 1)
            for domain in DEFAULT:  # as many as fit: each one left out would not have
                if f"@{domain}" not in [k.key for k in row]:
                    assert used + keyboard.spacing + key_width(f"@{domain}", font, THEME.target) > room, (size, domain)
            drawn_at[size] = len(row)
            kiosk.screenshot(SHOTS / f"keyboard-email-{size}.png")
            area = visible_area(fb, screen)
            # As tests/kiosk/in_view_walk.py: a question taller than the view shows its label and help
            # (très grand: the e-mail's help and two lines of error are 10 px taller, as on the text layout).
            parts = [fb] if fb.height <= area[3] - area[1] else [fb.children[-1], fb.children[-2]]
            for part in parts:
                assert problem(part, screen, [("keyboard", keyboard)], "e-mail question") == "", size
            assert problem(screen.ids.keyboard_next, screen, [], "Continuer") == "", size
            kiosk.tap(screen.ids.clear_field)
        assert drawn_at["normal"] >= drawn_at["grand"] >= drawn_at["tres-grand"] >= 4, drawn_at
    finally:
        THEME.reset()
