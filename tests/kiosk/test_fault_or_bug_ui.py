"""What the user reads when something fails, on the real window: a device's
fault in their language, with its values; a bug (a driver's TypeError) is no
device's fault: the generic sentence, and its traceback in the log, which
carries none of the user's data."""

import logging

import pytest

from ants import AntsClient
from buggy_drivers import BUG, on_child_path, receipt_printer_with_a_bug, scanner_with_a_bug
from config import ScannerSettings
from drivers.scanner import ScanWorkerBug
from drivers.scanner.worker import ScanWorker
from kiosk.i18n import shape, tr
from session import Catalogue, SessionError, UserSession
from support import free_port
from test_device_faults import to_pieces

GENERIC = "Un problème est survenu. Réessayez ou appelez le médiateur."


@pytest.fixture
def french_after():
    yield
    tr.reset()


def test_a_sentence_is_shown_in_the_user_s_language_with_its_values(workspace_root, french_after):
    with ScanWorker(ScannerSettings(driver="simulated", resolution=100)) as worker:
        session = UserSession(
            Catalogue.load()["permis-perte"],
            workspace_root=workspace_root,
            client=AntsClient(f"http://127.0.0.1:{free_port()}", retries=0),
            scanner=worker,
            printer=None,
            site_name="Essai",
            suivi_url="{numero}",
        )
        try:
            session.scan_piece("identite", source="adf")  # the most a pièce d'identité has: two pages
            with pytest.raises(SessionError) as info:
                session.scan_piece("identite")
        finally:
            session.end("abandoned")
    tr.lang = "en"
    assert info.value.translated(tr._) == (
        "This document already has 2 page(s): that is the most it can have. Delete a page to scan another one."
    )
    tr.lang = "ar"
    assert info.value.translated(tr._) == shape("لهذه الوثيقة 2 صفحة، وهذا هو الحد الأقصى. احذف صفحة لتمسح صفحة أخرى.")


def with_services(make_services, mock_backend):
    return make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)}, scanner={"resolution": 100}
    )


def personal(session) -> list[str]:
    """What the user typed (support.fill_permis_perte_to_pieces) and what names their session."""
    return [
        "Durand",
        "Paul",
        "1970-02-01",
        "rue Haute",
        "Nantes",
        "paul@exemple.fr",
        session.wizard.values["code_photo"],
        session.workspace.path.name,
    ]


def the_bug_logged(caplog, exc_type) -> str:
    """The one traceback the crash path logged, as the journal shows it."""
    crashes = [r for r in caplog.records if r.name == "kiosk.jobs" and r.levelno == logging.ERROR]
    assert len(crashes) == 1 and crashes[0].exc_info[0] is exc_type
    text = caplog.text
    assert "Traceback (most recent call last):" in text and f"TypeError: {BUG}" in text
    return text


@pytest.mark.ui
def test_a_device_fault_is_shown_in_english(driver, make_services, mock_backend, french_after):
    services = with_services(make_services, mock_backend)
    kiosk = driver(services)
    session, _timbre = to_pieces(kiosk, services, mock_backend)
    kiosk.root.set_language("en")
    services.scanner.inject_fault("jam")
    kiosk.tap(kiosk.screen._rows["identite"].ids.scan)
    kiosk.wait_idle()
    assert kiosk.controller.notice == "A sheet is stuck in the scanner. Take it out gently, then try again."
    services.scanner.clear_fault()
    session.end("abandoned")


@pytest.mark.ui
def test_a_bug_in_the_scanner_reaches_the_crash_path(driver, make_services, mock_backend, monkeypatch, caplog):
    on_child_path(monkeypatch)
    services = with_services(make_services, mock_backend)
    services.scanner.close()
    services.scanner = ScanWorker(services.settings.scanner, factory=scanner_with_a_bug)
    kiosk = driver(services)
    session, _timbre = to_pieces(kiosk, services, mock_backend)
    caplog.clear()
    kiosk.tap(kiosk.screen._rows["identite"].ids.scan)
    kiosk.wait_idle()
    assert kiosk.controller.notice == GENERIC  # not "L'appareil ne répond pas", nor the scanner's fault
    text = the_bug_logged(caplog, ScanWorkerBug)
    assert 'buggy_drivers.py", line' in text  # the child's own frames, where the bug is
    assert [value for value in personal(session) if value in text] == []
    assert services.devices["scanner"].last_error == ""  # the scanner is not broken: the top bar says so
    # Nothing is lost: the session goes on.
    assert kiosk.screen.name == "pieces" and session.wizard.values["nom_naissance"] == "Durand"
    session.end("abandoned")


@pytest.mark.ui
def test_a_bug_in_the_printer_reaches_the_crash_path(driver, make_services, mock_backend, caplog):
    services = with_services(make_services, mock_backend)
    services.printer = receipt_printer_with_a_bug()
    kiosk = driver(services)
    session, timbre = to_pieces(kiosk, services, mock_backend)
    for piece in ("identite", "domicile"):
        kiosk.tap(kiosk.screen._rows[piece].ids.scan)
        kiosk.wait_idle()
    kiosk.tap(kiosk.screen.ids.next)
    assert session.wizard.next({"timbre": timbre})
    kiosk.controller.show("recap")
    kiosk.check()
    caplog.clear()
    kiosk.tap(kiosk.screen.ids.validate)
    kiosk.wait(lambda: kiosk.screen.name == "confirmation", what="confirmation")
    kiosk.wait_idle()
    numero = session.numero
    assert numero and not session.receipt_printed
    assert kiosk.controller.notice == GENERIC
    text = the_bug_logged(caplog, TypeError)
    assert 'buggy_drivers.py", line' in text and "in print_receipt" in text
    assert [value for value in personal(session) + [numero] if value in text] == []
    # The numéro stays in view and the récépissé can be printed again; no device fault is claimed.
    ids = kiosk.screen.ids
    assert ids.numero.text == numero and ids.receipt_fault.text == ""
    assert ids.reprint.opacity == 1 and not ids.reprint.disabled
