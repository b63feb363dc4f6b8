"""The attestation d'inscription au permis on the confirmation screen (seed 004): for a
permis-inscription walked by touch, one button prints it recto-verso on the A4 printer; a
printer fault is told in French and the button prints it again; other procedures have none."""

import io
import subprocess

import pikepdf
import pytest

from drivers.printer import PrinterPaperOut
from test_groups import walk

pytestmark = pytest.mark.ui

BUTTON = "Imprimer l'attestation d'inscription (recto-verso)"


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=30
    ).stdout.decode()


def kiosk_at_confirmation(driver, make_services, mock_backend, procedure_id, variant=None):
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)}, scanner={"resolution": 100}
    )
    kiosk = driver(services)
    seen = walk(kiosk, services, procedure_id, variant, stop_at="confirmation")
    assert seen[-1] == "confirmation", seen
    kiosk.wait_idle()
    return kiosk, services


def test_the_attestation_prints_recto_verso_and_again_after_a_fault(driver, make_services, mock_backend):
    kiosk, services = kiosk_at_confirmation(driver, make_services, mock_backend, "permis-inscription")
    session = kiosk.controller.session
    screen = kiosk.screen
    assert session.receipt_printed and session.delivre["neph"]
    assert screen.ids.attestation_help.text == "À présenter à l'inspecteur le jour de l'examen."
    assert screen.ids.attestation_help.opacity == 1
    assert "À présenter à l'inspecteur" in screen.spoken_text()

    a4 = services.a4
    a4.inject_fault("paper-out")
    kiosk.tap_button(BUTTON)
    kiosk.wait_idle()
    assert kiosk.controller.notice == PrinterPaperOut.message_fr
    assert not a4.jobs and kiosk.screen.name == "confirmation"

    a4.clear_fault()  # paper put back: the same button prints it
    kiosk.tap_button(BUTTON)
    kiosk.wait_idle()
    assert kiosk.controller.notice == ("L'attestation est imprimée recto-verso. Prenez la feuille sous l'imprimante.")
    [job] = a4.jobs
    assert job.duplex is True and job.title == "Attestation d'inscription"
    with pikepdf.open(io.BytesIO(job.pdf)) as doc:
        assert len(doc.pages) == 2
    text = pdf_text(job.pdf)
    assert session.numero in text and session.delivre["neph"] in text
    assert "recto-verso" in text and "À présenter à l'inspecteur" in text

    numero = session.numero
    kiosk.tap(screen.ids.finish)
    kiosk.wait(lambda: kiosk.screen.name == "goodbye", what="the goodbye screen")
    assert screen.attestation is False and screen.ids.numero.text == ""
    assert numero not in screen.spoken_text()


def test_another_procedure_has_no_attestation_button(driver, make_services, mock_backend):
    kiosk, services = kiosk_at_confirmation(driver, make_services, mock_backend, "permis-perte")
    ids = kiosk.screen.ids
    assert kiosk.controller.session.numero
    with pytest.raises(LookupError):
        kiosk.button(BUTTON)
    assert ids.print_attestation.disabled and ids.print_attestation.opacity == 0
    assert ids.print_attestation.height == 0 and ids.attestation_help.height == 0
    assert "inspecteur" not in kiosk.screen.spoken_text()
    assert not services.a4.jobs
