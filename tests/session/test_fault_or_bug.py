"""The session tells the user of a device's fault (an error the user may read)
and lets everything else through: a bug in a driver is not "the device does
not respond", it reaches the kiosk's crash path as the bug it is."""

from __future__ import annotations

import pytest

from ants import AntsClient
from buggy_drivers import BUG, A4WithABug, on_child_path, receipt_printer_with_a_bug, scanner_with_a_bug
from config import ScannerSettings
from drivers.printer import CapturePrinter, PrinterPaperOut, ReceiptPrinter
from drivers.scanner import ScanWorkerBug
from drivers.scanner.worker import ScanWorker
from session import Catalogue, SessionError, UserSession
from support import free_port
from userfacing import UserFacingError


def make_session(workspace_root, *, scanner=None, printer=None, a4=None) -> UserSession:
    return UserSession(
        Catalogue.load()["permis-perte"],
        workspace_root=workspace_root,
        client=AntsClient(f"http://127.0.0.1:{free_port()}", retries=0),
        scanner=scanner,
        printer=printer,
        a4=a4,
        site_name="Essai",
        suivi_url="{numero}",
        check_places=[workspace_root],
    )


def test_a_bug_in_the_scanner_is_let_through(monkeypatch, workspace_root):
    on_child_path(monkeypatch)
    with ScanWorker(ScannerSettings(driver="simulated", resolution=100), factory=scanner_with_a_bug) as worker:
        session = make_session(workspace_root, scanner=worker)
        with pytest.raises(ScanWorkerBug, match=f"TypeError: {BUG}$"):
            session.scan_piece("identite")
        assert session.scan_job is None and session.workspace.page_count("identite") == 0
        assert session.end("abandoned").clean


def test_a_bug_in_the_receipt_printer_is_let_through(workspace_root):
    session = make_session(workspace_root, printer=receipt_printer_with_a_bug())
    session.numero = "PN-TEST"  # as if filed: the récépissé has something to print
    with pytest.raises(TypeError, match=BUG):
        session.print_receipt()
    assert not session.receipt_printed and session.receipt_error == ""
    assert session.end("abandoned").clean


def test_a_bug_in_the_a4_printer_is_let_through(workspace_root):
    session = make_session(workspace_root, a4=A4WithABug())
    with pytest.raises(TypeError, match=BUG):
        session.print_recap_a4()
    assert session.end("abandoned").clean


def test_a_device_fault_is_told_with_its_key_sentence_and_detail(workspace_root):
    capture = CapturePrinter(fault="paper-out")
    session = make_session(workspace_root, printer=ReceiptPrinter(lambda: capture))
    session.numero = "PN-TEST"
    with pytest.raises(SessionError) as info:
        session.print_receipt()
    told = info.value
    assert isinstance(told.__cause__, PrinterPaperOut)
    assert (told.key, told.message_fr, str(told)) == (
        "printer.paper_out",
        PrinterPaperOut.message_fr,
        PrinterPaperOut.message_fr,
    )
    assert told.detail == "the printer reports no paper before the job"
    assert session.receipt_error == PrinterPaperOut.message_fr and not session.receipt_printed
    session.end("abandoned")


def test_a_sentence_with_a_value_keeps_its_template(workspace_root):
    with ScanWorker(ScannerSettings(driver="simulated", resolution=100)) as worker:
        session = make_session(workspace_root, scanner=worker)
        assert session.scan_piece("identite", source="adf") == 2  # three sheets fed, two kept: the most
        with pytest.raises(SessionError) as info:
            session.scan_piece("identite")
        told = info.value
        assert isinstance(told, UserFacingError)
        assert told.template == (
            "Ce document a déjà {pages} page(s) : c'est le maximum. Supprimez une page pour en numériser une autre."
        )
        assert told.params == {"pages": 2}
        assert (
            told.message_fr
            == str(told)
            == ("Ce document a déjà 2 page(s) : c'est le maximum. Supprimez une page pour en numériser une autre.")
        )
        session.end("abandoned")
