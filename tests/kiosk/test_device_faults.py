"""Device faults as the user meets them on the real window: a short French
sentence, nothing lost, and the session goes on once the fault is cleared."""

import subprocess

import pytest

from drivers.printer import PrinterPaperOut
from drivers.scanner import ScannerJam, ScannerUnavailable
from support import fill_permis_perte_to_pieces

pytestmark = pytest.mark.ui


def to_pieces(kiosk, services, mock):
    from ants import AntsClient
    from kioskctl.simulate import TEST_CARD

    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    session = kiosk.controller.session
    client = AntsClient(mock.url, retries=0)
    try:
        code = client.new_photo_code()
        timbre = client.buy_timbre("perte", "44000", **TEST_CARD).numero
    finally:
        client.close()
    fill_permis_perte_to_pieces(session.wizard, code)
    kiosk.controller.show("pieces")
    return session, timbre


@pytest.mark.parametrize("fault, error", [("jam", ScannerJam), ("unplugged", ScannerUnavailable)])
def test_scanner_fault_is_explained_then_the_session_goes_on(driver, make_services, mock_backend, fault, error):
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)}, scanner={"resolution": 100}
    )
    kiosk = driver(services)
    session, _timbre = to_pieces(kiosk, services, mock_backend)
    services.scanner.inject_fault(fault)
    kiosk.tap(kiosk.screen._rows["identite"].ids.scan)
    kiosk.wait_idle()
    assert kiosk.controller.notice == error.message_fr
    assert kiosk.screen.name == "pieces" and session.workspace.page_count("identite") == 0
    services.scanner.clear_fault()  # plugged back, sheet removed
    kiosk.tap(kiosk.screen._rows["identite"].ids.scan)
    kiosk.wait_idle()
    assert kiosk.controller.notice == ""
    assert session.workspace.page_count("identite") == 1
    assert session.wizard.values["nom_naissance"] == "Durand"


def test_paper_out_keeps_the_numero_on_screen_and_reprints(driver, make_services, mock_backend):
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)}, scanner={"resolution": 100}
    )
    kiosk = driver(services)
    session, timbre = to_pieces(kiosk, services, mock_backend)
    for piece in ("identite", "domicile"):
        kiosk.tap(kiosk.screen._rows[piece].ids.scan)
        kiosk.wait_idle()
    kiosk.tap(kiosk.screen.ids.next)
    assert session.wizard.next({"timbre": timbre})
    kiosk.controller.show("recap")
    capture = services.printer.open_device()
    capture.inject_fault("paper-out")
    kiosk.check()
    kiosk.tap(kiosk.screen.ids.validate)
    kiosk.wait(lambda: kiosk.screen.name == "confirmation", what="confirmation")
    kiosk.wait_idle()
    numero = session.numero
    assert kiosk.controller.notice == PrinterPaperOut.message_fr
    assert kiosk.screen.ids.numero.text.replace(" ", "") == numero.replace(" ", "")
    assert kiosk.screen.ids.reprint.opacity == 1
    capture.clear_fault()
    kiosk.tap(kiosk.screen.ids.reprint)
    kiosk.wait_idle()
    assert session.receipt_printed and numero.encode() in capture.jobs[-1]
    # The récapitulatif on A4: the numéro and what was typed, read back from the PDF.
    kiosk.tap(kiosk.screen.ids.print_recap)
    kiosk.wait_idle()
    pdf = services.a4.jobs[-1].pdf
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert numero in text and "Durand" in text and "Nantes" in text


def test_the_page_shows_live_while_it_is_scanned_and_goes_with_the_scan(driver, make_services, mock_backend):
    # The simulated backend hangs after the top third of the page: what it read is on screen.
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)}, scanner={"resolution": 100}
    )
    kiosk = driver(services)
    to_pieces(kiosk, services, mock_backend)
    services.scanner.inject_fault("hang")
    kiosk.tap(kiosk.screen._rows["identite"].ids.scan)
    kiosk.wait(lambda: kiosk.controller.scan_preview is not None, 20, "the live preview")
    preview = kiosk.root.ids.scan_preview
    assert preview.texture is kiosk.controller.scan_preview and preview.opacity == 1
    assert preview.get_root_window() is not None  # in the busy layer, on screen
    width, height = preview.texture.size
    assert abs(height / width - 297 / 210 / 3) < 0.03  # the top third of an A4 page
    kiosk.tap(kiosk.root.ids.cancel_scan)
    kiosk.wait_idle()
    assert kiosk.controller.scan_preview is None and not kiosk.controller.busy
    services.scanner.clear_fault()
