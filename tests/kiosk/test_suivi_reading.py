"""The numéro de demande read from the kiosk's own récépissé, by touch on the
real window against the mock: "Suivre ma demande" opens its one procedure at
once, "Lire mon récépissé" puts the numéro of the QR code in its field, and the
suivi shows that demande; a page without it says so and the person types."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PIL import Image

from drivers.scanner.samples import specimens
from kioskctl.simulate import simulate

pytestmark = pytest.mark.ui

SUIVI_URL = "https://permisdeconduire.ants.gouv.fr/suivi?numero={numero}"


def glass(folder: Path, documents: list[Image.Image]) -> Path:
    """The pages the person puts on the glass, in turn (as tests/kiosk/test_reading_ui.py does)."""
    folder.mkdir()
    for i, doc in enumerate(documents):
        raw = specimens.scanned(doc, seed=i + 1)
        raw.resize((raw.width // 2, raw.height // 2), Image.Resampling.LANCZOS).save(folder / f"{i:02d}.png")
    return folder


def earlier_demande(make_services, mock_backend) -> str:
    """A demande sent earlier (a perte de permis, through the session against the mock): its numéro."""
    services = make_services(ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)})
    result = simulate(services, "permis-perte", index=4242)
    assert result.numero, result
    return result.numero


def to_suivi(kiosk) -> None:
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("suivi")  # one procedure behind it: opened at once, no list of one
    assert kiosk.screen.name == "checklist", kiosk.screen.name
    assert kiosk.controller.procedure.id == "suivi-demande"
    kiosk.tap_button("J'ai tout")
    kiosk.expect_step("suivi", after="J'ai tout on the suivi's checklist")


def test_the_recepisse_read_fills_the_numero_and_the_suivi_shows_it(
    driver, make_services, mock_backend, tmp_path, caplog
):
    numero = earlier_demande(make_services, mock_backend)
    folder = glass(tmp_path / "glass", [specimens.recepisse(numero, url=SUIVI_URL)])
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)},
        scanner={"driver": "simulated", "folder": str(folder), "resolution": 300},
    )
    kiosk = driver(services)
    caplog.set_level(logging.DEBUG)
    to_suivi(kiosk)
    screen = kiosk.screen
    assert screen.ids.read_document.text == "Lire mon récépissé"
    assert screen.ids.reading_hint.text == "Posez votre récépissé sur la vitre, le code carré contre la vitre."
    assert kiosk.field_input("numero").text == ""

    kiosk.tap(screen.ids.read_document)
    kiosk.wait_idle(timeout=120)
    assert kiosk.field_input("numero").text == numero  # as the récépissé prints it, to check
    assert screen.reading_told == "Le numéro a été lu sur le récépissé : vérifiez-le, puis touchez « Continuer »."
    assert screen.reading_done
    kiosk.screenshot(tmp_path / "shots" / "suivi-lu.png")

    kiosk.tap_button("Continuer")
    kiosk.wait(lambda: kiosk.screen.name == "suivi", what="the suivi screen")
    kiosk.wait_idle()
    suivi = kiosk.screen
    assert numero in suivi.ids.numero.text
    assert suivi.ids.statut.text == "En cours d'examen par l'administration"
    assert kiosk.controller.session.suivi["numero"] == numero
    kiosk.screenshot(tmp_path / "shots" / "suivi-statut.png")

    # The canary: the numéro read is the person's, written to no log (the kiosk's own
    # loggers at every level; urllib3's DEBUG lines name the URL, and the kiosk logs no DEBUG).
    logged = [
        r
        for r in caplog.records
        if (numero in r.getMessage() or numero in str(r.args))
        and (r.levelno >= logging.INFO or not r.name.startswith("urllib3"))
    ]
    assert logged == [], [r.getMessage() for r in logged]
    kiosk.tap_button("Terminer")
    kiosk.wait_idle()
    assert kiosk.controller.session is None


def test_a_page_without_the_numero_is_told_and_the_field_stays_typeable(driver, make_services, tmp_path):
    blank = Image.new("RGB", specimens.recepisse().size, (253, 253, 253))
    folder = glass(tmp_path / "glass", [blank])
    kiosk = driver(
        make_services(scanner={"driver": "simulated", "folder": str(folder), "resolution": 300}), typing="keys"
    )
    to_suivi(kiosk)
    screen = kiosk.screen
    kiosk.tap(screen.ids.read_document)
    kiosk.wait_idle(timeout=120)
    assert screen.reading_told == "Le numéro n'a pas pu être lu sur ce récépissé : tapez-le."
    assert not screen.reading_done
    assert kiosk.field_input("numero").text == ""
    kiosk.type_into("numero", "PC2026ABCD12")
    assert kiosk.field_input("numero").text == "PC2026ABCD12"
    kiosk.tap(screen.ids.read_document)  # typed: not replaced by a reading
    assert screen.reading_told == "Vous avez déjà tapé un numéro : effacez-le, puis lisez le récépissé à nouveau."
    assert kiosk.field_input("numero").text == "PC2026ABCD12"


def test_a_group_of_several_procedures_keeps_its_list(driver, make_services):
    kiosk = driver(make_services())
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("identite")
    assert kiosk.screen.name == "chooser" and kiosk.screen.group == "identite"
    assert len(kiosk.screen._buttons) == 2
