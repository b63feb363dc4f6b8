""" "Je n'ai pas de timbre" on the paiement step, by touch on the real window: the
panel opens over the form in view at every text size (keyboard up before), says
where to buy a timbre and for how long the dossier is kept, leads to the same
shop as "Acheter un timbre" and to the same call as the top bar's médiateur; what
was typed stays; a site with no shop does not offer buying here; EN and AR."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from browser import ScriptedBrowser
from in_view import problem
from kiosk.theme import TEXT_SIZES, THEME
from kiosk.widgets.timbre_help import TimbreHelp
from test_buy_timbre import ACCEPTED, DOSSIER, to_paiement

pytestmark = pytest.mark.ui

SHOTS = Path(os.environ.get("POINTNUM_SHOTS", "/tmp/pointnum-shots"))
TYPED = "12345678"


def panel_of(kiosk) -> TimbreHelp | None:
    return kiosk.screen.ids.get("timbre_help")


def open_panel(kiosk) -> TimbreHelp:
    kiosk.tap(kiosk.screen.ids.no_timbre_timbre)
    kiosk.pump(3)
    panel = panel_of(kiosk)
    assert isinstance(panel, TimbreHelp) and panel.parent is kiosk.screen
    return panel


def texts(panel) -> list[str]:
    return [w.text for w in panel.ids.lines.children[::-1] if w.text]


def test_the_panel_says_where_to_buy_keeps_what_is_typed_and_fits(driver, make_services):
    services = make_services()
    kiosk = driver(services)
    session = to_paiement(kiosk, services)
    kiosk.type_into("timbre", TYPED)
    assert kiosk.screen.typing  # the keyboard is up when the person looks for help
    panel = open_panel(kiosk)
    assert not kiosk.screen.typing
    said = texts(panel)
    assert said == [
        "Pour cette démarche, le timbre fiscal coûte 25 €.",
        "Ici, avec une carte bancaire : touchez « Acheter un timbre ici ».",
        "Dans un bureau de tabac (buraliste) qui affiche « timbre fiscal ».",
        "Sur internet :",
        "timbres.impots.gouv.fr",
        "Ce que vous avez écrit est gardé tant que vous restez à la borne. Après 3 minutes sans toucher "
        "l'écran, la borne vous demande si vous êtes là, puis efface tout.",
        "Si vous partez acheter le timbre, tout sera effacé et il faudra recommencer. Un médiateur peut vous aider.",
    ]
    assert [b.text for b in panel.ids.answers.children[::-1]] == [
        "Fermer",
        "Appeler un médiateur",
        "Acheter un timbre ici",
    ]
    # "Écouter" reads the panel, not the form under it.
    kiosk.tap(kiosk.root.ids.read_aloud)
    heard = kiosk.speaker.said[-1][1] if kiosk.speaker.said else ""
    assert heard.startswith("Vous n'avez pas de timbre fiscal ?") and "timbres.impots.gouv.fr" in heard
    assert "Numéro du timbre fiscal" not in heard

    kiosk.tap(panel.ids.close)
    kiosk.pump(2)
    assert panel_of(kiosk) is None and panel.parent is None
    assert kiosk.field_input("timbre").text == TYPED  # nothing typed lost
    assert {k: session.wizard.values[k] for k in DOSSIER} == DOSSIER
    assert kiosk.screen.name == "form" and session.wizard.view().step.id == "paiement"

    problems = []
    try:
        for size in TEXT_SIZES:
            kiosk.root.set_text_size(size)
            kiosk.pump(3)
            kiosk.focus_input("timbre")
            kiosk.pump(4)
            kiosk.screenshot(SHOTS / f"no-timbre-{size}-keyboard-up.png")
            panel = open_panel(kiosk)
            kiosk.pump(4)
            screen = kiosk.screen
            problems += [problem(panel.ids.title, screen, [], f"{size}: the question")]
            problems += [problem(panel.ids.lines.children[-1], screen, [], f"{size}: its first sentence")]
            for name in ("close", "mediator", "buy"):
                problems += [problem(panel.ids[name], screen, [], f"{size}: {name}")]
            kiosk.screenshot(SHOTS / f"no-timbre-{size}.png")
            kiosk.tap(panel.ids.close)
            kiosk.pump(2)
            assert kiosk.field_input("timbre").text == TYPED
    finally:
        THEME.reset()
    assert [p for p in problems if p] == []
    assert {k: session.wizard.values[k] for k in DOSSIER} == DOSSIER


def test_acheter_un_timbre_ici_opens_the_same_shop_as_the_buttons_beside(driver, make_services, mock_backend):
    services = make_services(ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)})
    kiosk = driver(services)
    session = to_paiement(kiosk, services)
    beside = ScriptedBrowser({"cancel": "1"})
    session.logins.browser = beside
    kiosk.tap(kiosk.screen.ids.buy_timbre)
    kiosk.wait_idle()
    assert beside.visited

    person = ScriptedBrowser({"carte": ACCEPTED})
    session.logins.browser = person
    panel = open_panel(kiosk)
    kiosk.tap(panel.ids.buy)
    kiosk.wait_idle()
    shop = [re.sub(r"/[0-9a-f]{16,}", "/…", p) for p in person.visited]
    assert shop[0] == re.sub(r"/[0-9a-f]{16,}", "/…", beside.visited[0])
    numero = session.wizard.values["timbre"]
    assert len(numero) == 16 and numero.isdigit()
    assert kiosk.field_input("timbre").text == numero
    assert panel_of(kiosk) is None  # back on the field, ready for Continuer
    assert {k: session.wizard.values[k] for k in DOSSIER} == DOSSIER


def test_appeler_un_mediateur_from_the_panel_is_the_top_bars_call(driver, make_services):
    from session.assist import TEXTS, UNDELIVERED

    services = make_services()
    kiosk = driver(services)
    session = to_paiement(kiosk, services)
    panel = open_panel(kiosk)
    assert not kiosk.controller.assisted
    kiosk.tap(panel.ids.mediator)
    kiosk.pump(2)
    # As the top bar's (tests/kiosk/test_mediator_call.py): no bus here, so the call is not pretended.
    assert kiosk.controller.assisted
    assert kiosk.root.ids.call_banner.ids.call_text.text == TEXTS[UNDELIVERED]
    assert session._figures.help_calls == 1
    # Helped, the kiosk waits longer: the panel says so.
    assert "Après 15 minutes sans toucher" in panel.ids.kept.text
    assert panel_of(kiosk) is panel  # still there to read


def test_a_site_with_no_shop_does_not_offer_buying_here(driver, make_services):
    services = make_services(browser={"driver": "none"})
    kiosk = driver(services)
    to_paiement(kiosk, services)
    panel = open_panel(kiosk)
    assert panel.ids.here.text == "Cette borne ne vend pas de timbre fiscal."
    assert [b.text for b in panel.ids.answers.children[::-1]] == ["Fermer", "Appeler un médiateur"]
    assert "Acheter un timbre ici" not in panel.spoken_text()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_panel_is_translated(driver, make_services, lang):
    services = make_services()
    kiosk = driver(services)
    to_paiement(kiosk, services)
    try:
        kiosk.root.set_language(lang)
        kiosk.pump(3)
        panel = open_panel(kiosk)
        shown = [panel.ids.title.text, *texts(panel), *(b.text for b in panel.ids.answers.children)]
        kiosk.screenshot(SHOTS / f"no-timbre-{lang}.png")
        if lang == "en":
            assert panel.ids.title.text == "You don't have a tax stamp?"
            assert "Buy a tax stamp here" in [b.text for b in panel.ids.answers.children]
        for text in shown:
            latin = re.sub(r"timbres\.impots\.gouv\.fr", "", text)
            if lang == "ar":
                assert not re.search(r"[A-Za-zÀ-ÿ]", latin), text
            else:
                assert not re.search(r"[àâéèêç]|timbre fiscal coûte|Fermer", latin), text
    finally:
        kiosk.root.set_language("fr")
