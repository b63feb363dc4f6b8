"""The payment step's "Acheter un timbre" by touch: the timbre shop opens in the
browser window (the person there is played: tests/browser drives the real window
with a card typed by keyboard); the timbre's number fills the field; a refused
card is told on the shop's page and coming back keeps everything typed."""

from __future__ import annotations

import pytest

from browser import ScriptedBrowser
from kiosk.screens.chooser import ProcedureButton

pytestmark = pytest.mark.ui

REFUSED, ACCEPTED = "4970100000000022", "4970100000000014"
DOSSIER = {"motif": "perte", "nom_naissance": "DURAND", "prenom1": "Paul", "code_postal": "44000"}


def to_paiement(kiosk, services):
    procedure = services.catalogue["permis-perte"]
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group(procedure.group)
    for w in kiosk.screen.walk(restrict=True):
        if isinstance(w, ProcedureButton) and w.title == procedure.title:
            kiosk.tap(w)
            break
    kiosk.tap_button("J'ai tout")
    session = kiosk.controller.session
    session.wizard.values.update(DOSSIER)  # the steps before, as answered
    session.wizard.goto("paiement")
    kiosk.controller.flow.resume()
    kiosk.wait_idle()
    assert kiosk.screen.name == "form" and session.wizard.view().step.id == "paiement"
    return session


def test_acheter_un_timbre_fills_the_field_and_a_refused_card_keeps_everything(driver, make_services, mock_backend):
    services = make_services(ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)})
    kiosk = driver(services)
    session = to_paiement(kiosk, services)
    person = ScriptedBrowser({"carte": REFUSED})
    session.logins.browser = person
    kiosk.tap(kiosk.screen.ids.buy_timbre)
    kiosk.wait_idle()
    assert person.told == ["Le paiement a été refusé par votre banque. Utilisez une autre carte."]
    assert kiosk.controller.notice == "Vous êtes revenu à la borne sans acheter de timbre. Rien n'est perdu."
    assert kiosk.screen.name == "form" and session.wizard.view().step.id == "paiement"
    assert {k: session.wizard.values[k] for k in DOSSIER} == DOSSIER

    session.logins.browser = ScriptedBrowser({"carte": REFUSED, "retry_card": ACCEPTED})
    kiosk.tap(kiosk.screen.ids.buy_timbre)
    kiosk.wait_idle()
    numero = session.wizard.values["timbre"]
    assert len(numero) == 16 and numero.isdigit()
    assert kiosk.field_input("timbre").text == numero  # shown in the field, ready for Continuer
    assert {k: session.wizard.values[k] for k in DOSSIER} == DOSSIER
