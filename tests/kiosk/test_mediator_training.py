"""Training mode by touch: a mediator in assist mode switches it on; the banner
shows on every screen, the kiosk files with the bundled mock (store in RAM),
receipts and A4 pages carry "FORMATION — SANS VALEUR", the statistics are
tagged; switched off, the site's backend is back and the marks are gone."""

import pytest
import requests

from drivers.printer import Receipt
from kiosk.assist_training import MARK, stamp

pytestmark = pytest.mark.ui

from test_mediator_assist import PIN, broker, call_and_open, console, kiosk, pins, type_pin  # noqa: E402,F401


def test_training_mode_on_and_off_by_a_mediator(kiosk):  # noqa: F811  (the fixture imported above)
    real = kiosk.services.settings.ants.base_url
    call_and_open(kiosk)
    type_pin(kiosk, PIN)
    kiosk.tap(kiosk.root.ids.assist_layer.ids.consent_yes)
    kiosk.pump(2)
    banner, training = kiosk.root.ids.assist_banner, kiosk.controller.training
    assert kiosk.root.ids.training_banner.height == 0
    kiosk.tap(banner.ids.training)
    kiosk.wait(lambda: training.on, timeout=30, what="the training mock started")
    kiosk.pump(2)
    assert kiosk.root.ids.training_banner.height > 0
    assert kiosk.root.ids.training_banner.ids.training_text.text.startswith("MODE FORMATION")
    assert banner.ids.training.text == "Quitter la formation"
    url = kiosk.services.settings.ants.base_url
    assert url != real and requests.get(url + "/health", timeout=5).ok
    assert kiosk.services.stats.training
    codes = kiosk.services.demo_codes()  # what the checklist shows a trainee: the mock's own
    assert codes and kiosk.services.settings.ui.show_demo_codes

    # Every screen: the banner stays above them.
    kiosk.tap(banner.ids.hand_back)
    kiosk.tap_button("Touchez ici")
    kiosk.pump(2)
    assert kiosk.screen.name == "chooser" and kiosk.root.ids.training_banner.height > 0

    # The printed mark, on the receipt printer the sessions use.
    capture = kiosk.services.printer.open_device()
    kiosk.services.printer.print_receipt(Receipt(title="Récépissé", lines=[("Démarche", "Permis perdu")]))
    assert capture.jobs[-1].count(b"FORMATION") == 3 and b"SANS VALEUR" in capture.jobs[-1]
    if kiosk.services.a4 is not None:
        kiosk.services.a4.print_pdf(three_pages())
        assert pages_text(kiosk.services.a4.jobs[-1].pdf) == [True, True, True]

    # Off again: the site's backend, no mark.
    kiosk.tap(kiosk.root.ids.call_banner.ids.open_assist)
    type_pin(kiosk, PIN)
    kiosk.tap(kiosk.root.ids.assist_layer.ids.consent_yes)
    kiosk.pump(2)
    kiosk.tap(banner.ids.training)
    kiosk.wait(lambda: not training.on, timeout=30, what="training left")
    kiosk.pump(2)
    assert kiosk.services.settings.ants.base_url == real
    assert kiosk.root.ids.training_banner.height == 0 and not kiosk.services.stats.training
    assert not kiosk.services.settings.ui.show_demo_codes
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/health", timeout=2)
    kiosk.services.printer.print_receipt(Receipt(title="Récépissé", lines=[("Démarche", "Permis perdu")]))
    assert b"FORMATION" not in capture.jobs[-1]
    actions = [a for _m, a, _d in [(e[2], e[3], e[4]) for e in kiosk.controller.assist.audit.entries()]]
    assert "training_on" in actions and "training_off" in actions


def three_pages() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for n in range(3):
        c.drawString(100, 700, f"page {n}")
        c.showPage()
    c.save()
    return buf.getvalue()


def pages_text(pdf: bytes) -> list[bool]:
    """For each page, whether pdftotext reads the mark on it (poppler-utils)."""
    import subprocess

    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [MARK in page for page in text.split("\f") if page.strip()]


def test_every_a4_page_carries_the_mark():
    assert pages_text(three_pages()) == [False, False, False]
    assert pages_text(stamp(three_pages())) == [True, True, True]
