"""The connexion step by touch, with the real locked window: the kiosk's button opens
WebKitGTK on a virtual screen, the person logs in there with its keyboard (xdotool),
and the kiosk goes on with the état civil filled from the id_token; "Annuler" in the
window brings them back to the same step, told so, nothing lost."""

from __future__ import annotations

import pytest

from browser import LockedWindow
from kiosk.screens.chooser import ProcedureButton
from window_fingers import Fingers, missing_parts, virtual_screen

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def display():
    missing = missing_parts()
    if missing:
        pytest.fail(missing, pytrace=False)
    with virtual_screen() as name:
        yield name


def to_connexion(kiosk, services):
    procedure = services.catalogue["cg-changement-titulaire"]
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group(procedure.group)
    for w in kiosk.screen.walk(restrict=True):
        if isinstance(w, ProcedureButton) and w.title == procedure.title:
            kiosk.tap(w)
            break
    kiosk.tap_button("J'ai tout")
    assert kiosk.screen.name == "connexion"


def pages(window):
    return [e["path"] for e in window.events if e.get("event") == "page"]


def test_login_in_the_window_then_the_kiosk_goes_on_with_the_identity(driver, make_services, mock_backend, display):
    services = make_services(ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)})
    kiosk = driver(services)
    fingers = Fingers(display)
    to_connexion(kiosk, services)
    window = LockedWindow(size=(1280, 800), display=display)
    kiosk.controller.session.logins.browser = window
    kiosk.tap(kiosk.screen.ids.connect)
    kiosk.wait(lambda: "/connexion/franceconnect" in pages(window), what="ANTS's page in the window")
    fingers.focus(window.pid)
    fingers.key("Return")
    kiosk.wait(lambda: "/franceconnect/api/v2/authorize" in pages(window), what="the provider choice")
    fingers.key("Return")
    kiosk.wait(lambda: "/franceconnect/api/v2/fi/impots" in pages(window), what="the provider's login page")
    fingers.type("Min04")
    fingers.key("Tab")
    fingers.type("azerty")
    fingers.key("Return")
    kiosk.wait_idle()
    session = kiosk.controller.session
    assert kiosk.screen.name == "form" and session.wizard.view().step.id == "vehicule", kiosk.controller.notice
    assert session.wizard.values["nom_naissance"] == "ESSAI EL AMRANI"
    assert session.wizard.values["prenom1"] == "Fatima-Zahra"
    assert window.pid is None  # the window is gone


def test_annuler_in_the_window_comes_back_to_the_connexion_step(driver, make_services, mock_backend, display):
    services = make_services(ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)})
    kiosk = driver(services)
    fingers = Fingers(display)
    to_connexion(kiosk, services)
    window = LockedWindow(size=(1280, 800), display=display)
    kiosk.controller.session.logins.browser = window
    kiosk.tap(kiosk.screen.ids.connect)
    kiosk.wait(lambda: "/connexion/franceconnect" in pages(window), what="ANTS's page in the window")
    fingers.focus(window.pid)
    fingers.key("alt+a")
    kiosk.wait_idle()
    assert kiosk.screen.name == "connexion"
    assert kiosk.controller.notice.startswith("Vous êtes revenu à la borne sans vous connecter.")
    assert not kiosk.controller.session.wizard.connected
