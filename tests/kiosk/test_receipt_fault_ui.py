"""A récépissé that did not print, as the user meets it on the real window: a
network printer that answers its status requests "paper out" (a TCP listener
standing for it). The fault stays under the numéro in large type, in the user's
language, with "Réimprimer"; once the paper is back, the button prints it."""

import pytest
import sqlite_utils

from drivers.printer import PrinterPaperOut
from kiosk.theme import THEME
from test_groups import walk

pytestmark = pytest.mark.ui


def test_paper_out_on_a_network_printer_shows_the_fault_the_numero_and_reprint(
    driver, make_services, mock_backend, tcp_printer, tmp_path
):
    tcp_printer.status = "paper-out"
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)},
        scanner={"resolution": 100},
        printer={"driver": "network", "host": "127.0.0.1", "port": tcp_printer.port},
    )
    kiosk = driver(services)
    seen = walk(kiosk, services, "permis-perte", stop_at="confirmation")
    assert seen[-1] == "confirmation", seen
    kiosk.wait_idle()
    session = kiosk.controller.session
    screen = kiosk.screen
    ids = screen.ids
    numero = session.numero
    assert numero and not session.receipt_printed
    assert tcp_printer.data == b"" and tcp_printer.requests[:2] == [1, 2]  # asked, told, nothing sent

    # The fault, on the screen itself (the banner can be dismissed), the numéro large, "Réimprimer".
    assert kiosk.controller.notice == PrinterPaperOut.message_fr
    kiosk.root.dismiss_notice()
    kiosk.pump()
    assert ids.receipt_fault.text == PrinterPaperOut.message_fr
    assert ids.receipt_fault.opacity == 1 and ids.receipt_fault.height > 0
    assert list(ids.receipt_fault.color) == list(THEME.error)
    assert ids.numero.text == numero and ids.numero.font_size >= THEME.font_huge
    assert ids.printed.text == "Notez ce numéro : il permet de suivre votre demande."
    assert ids.reprint.text == "Réimprimer" and ids.reprint.opacity == 1 and not ids.reprint.disabled
    assert PrinterPaperOut.message_fr in screen.spoken_text()

    kiosk.root.set_language("en")
    kiosk.pump()
    assert ids.receipt_fault.text == "The printer is out of paper. Call the mediator."
    assert ids.reprint.text == "Reprint"
    kiosk.root.set_language("fr")
    kiosk.pump()

    tcp_printer.status = "ok"  # paper put back: the same button prints it
    kiosk.tap(ids.reprint)
    kiosk.wait_idle()
    assert session.receipt_printed and numero.encode() in tcp_printer.wait_for(numero.encode())
    assert ids.receipt_fault.text == "" and ids.receipt_fault.height == 0
    assert ids.reprint.opacity == 0 and ids.reprint.disabled
    assert ids.printed.text == "Votre récépissé est imprimé. Prenez-le sous l'imprimante."

    kiosk.tap(ids.finish)
    kiosk.wait(lambda: kiosk.screen.name == "goodbye", what="the goodbye screen")
    assert screen.receipt_fault == "" and ids.numero.text == ""
    rows = list(sqlite_utils.Database(tmp_path / "stats.db")["sessions"].rows)
    assert [(r["outcome"], r["receipts_printed"]) for r in rows] == [("submitted", 1)]
