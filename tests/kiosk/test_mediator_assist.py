"""Assist mode by touch on the real window: the mediator's PIN (scrypt hash in
the site config), the person's consent, the "Médiateur présent" banner, the
tools, the hand-back; five wrong PINs lock the entry; the audit holds the
mediator's actions and nothing of the person (canary)."""

import sqlite3

import pytest

from bus_support import SiteBroker
from console.bus import ConsoleBus
from session.assist import CONSENT_QUESTION, SENT
from sitebus.pins import hash_pin
from support import make_canary

pytestmark = pytest.mark.ui

PIN = "482915"


@pytest.fixture(scope="module")
def pins():
    return {"camille": hash_pin(PIN)}


@pytest.fixture
def broker(tmp_path):
    b = SiteBroker(tmp_path / "broker").start()
    yield b
    b.stop()


@pytest.fixture
def console(broker):
    bus = ConsoleBus(
        host="127.0.0.1",
        port=broker.port,
        site=broker.site,
        username="console",
        password=broker.passwords["console"],
        keepalive=2,
        name="console-test",
    )
    bus.start()
    assert bus.wait_connected(10)
    yield bus
    bus.stop()


@pytest.fixture
def kiosk(driver, make_services, broker, console, pins):
    services = make_services(sitebus=broker.settings("borne1"), mediators={"pins": pins})
    k = driver(services)
    bus = k.app.mediator_call.bus
    k.wait(lambda: bus.connected and bus.consoles == 1, timeout=10, what="the kiosk on the bus, a console present")
    k.services = services
    return k


def call_and_open(kiosk):
    kiosk.tap(kiosk.root.ids.mediator)
    kiosk.wait(lambda: kiosk.app.mediator_call.phase == SENT, timeout=10, what="the call delivered")
    kiosk.tap(kiosk.root.ids.call_banner.ids.open_assist)
    assert kiosk.controller.assist.phase == "pin"


def type_pin(kiosk, pin):
    layer = kiosk.root.ids.assist_layer
    keys = {w.text: w for w in layer.ids.pin_keys.children}
    for d in pin:
        kiosk.tap(keys[d])
    assert layer.ids.pin_dots.text == "•" * len(pin)
    kiosk.tap(layer.ids.pin_ok)


def audit(kiosk):
    return [(m, a, d) for _at, _k, m, a, d in kiosk.controller.assist.audit.entries()]


def test_pin_consent_banner_tools_and_the_hand_back(kiosk):
    canary = make_canary()
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    wizard = kiosk.controller.session.wizard
    assert wizard.next({"motif": "perte"})
    assert wizard.next(
        {"nom_naissance": canary, "sexe": "F", "prenom1": canary, "prenom2": "", "date_naissance": "01/02/1970"}
    )
    kiosk.controller.show_state(kiosk.controller.flow.state)
    call_and_open(kiosk)
    layer, banner = kiosk.root.ids.assist_layer, kiosk.root.ids.assist_banner
    type_pin(kiosk, "000000")
    assert layer.ids.pin_error.text == "Code incorrect." and kiosk.controller.assist.phase == "pin"
    type_pin(kiosk, PIN)
    # The person is asked first, in one sentence.
    assert kiosk.controller.assist.phase == "consent"
    assert layer.ids.consent_text.text == CONSENT_QUESTION
    assert banner.height == 0
    kiosk.tap(layer.ids.consent_yes)
    kiosk.pump(2)
    assert banner.height > 0 and banner.ids.present.text.startswith("Médiateur présent")
    assert kiosk.controller.assisted

    # The tools.
    kiosk.tap(banner.ids.idle)
    assert banner.ids.idle.text == "Reprendre le délai" and kiosk.controller.assist.idle_paused
    kiosk.tap(banner.ids.devices)
    assert banner.ids.present.text != "Médiateur présent"  # the scanner's and printer's status beside it
    kiosk.tap(banner.ids.reprint)  # nothing to reprint yet: the flow does not offer it, nothing recorded
    kiosk.tap(banner.ids.idle)
    assert not kiosk.controller.assist.idle_paused

    # The hand-back: the banner goes, the person is told.
    kiosk.tap(banner.ids.hand_back)
    kiosk.pump(2)
    assert banner.height == 0 and kiosk.controller.assist.phase == "off"
    assert kiosk.controller.notice == "Le médiateur vous rend la main."
    assert kiosk.controller.session is not None  # the person's session goes on

    # Back again, and the session ended for the person.
    kiosk.tap(kiosk.root.ids.call_banner.ids.open_assist)
    type_pin(kiosk, PIN)
    kiosk.tap(layer.ids.consent_yes)
    kiosk.pump(2)
    kiosk.tap(banner.ids.end_session)
    kiosk.wait(lambda: kiosk.controller.flow is None, what="the session ended")
    kiosk.wait_idle()
    assert kiosk.controller.assist.phase == "off"

    assert audit(kiosk) == [
        ("", "pin_refused", ""),
        ("camille", "assist_started", ""),
        ("camille", "idle_paused", ""),
        ("camille", "devices_shown", ""),
        ("camille", "idle_resumed", ""),
        ("camille", "assist_ended", ""),
        ("camille", "assist_started", ""),
        ("camille", "session_ended", ""),
        ("camille", "assist_ended", ""),
    ]
    path = kiosk.services.settings.stats_path().with_name("audit.db")
    raw = path.read_bytes()
    assert canary.encode() not in raw and canary.lower().encode() not in raw and PIN.encode() not in raw
    rows = sqlite3.connect(path).execute("SELECT kiosk FROM audit").fetchall()
    assert {r[0] for r in rows} == {"borne1"}


def test_five_wrong_pins_lock_the_entry_for_five_minutes(kiosk):
    call_and_open(kiosk)
    layer = kiosk.root.ids.assist_layer
    for _ in range(4):
        type_pin(kiosk, "111111")
        assert layer.ids.pin_error.text == "Code incorrect."
    type_pin(kiosk, "111111")
    assert layer.ids.pin_error.text == "Trop d'essais : la saisie du code est bloquée 5 min."
    type_pin(kiosk, PIN)  # the right one, locked out all the same
    assert kiosk.controller.assist.phase == "pin"
    kiosk.tap(layer.ids.pin_cancel)
    assert kiosk.controller.assist.phase == "off"
    assert [a for _m, a, _d in audit(kiosk)] == ["pin_refused"] * 4 + ["pin_locked"]


def test_the_person_may_refuse(kiosk):
    call_and_open(kiosk)
    type_pin(kiosk, PIN)
    kiosk.tap(kiosk.root.ids.assist_layer.ids.consent_no)
    kiosk.pump(2)
    assert kiosk.controller.assist.phase == "off" and kiosk.root.ids.assist_banner.height == 0
    assert audit(kiosk) == [("camille", "consent_refused", "")]


def test_the_mediator_takes_the_person_back_to_a_step_already_reached(kiosk):
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    wizard = kiosk.controller.session.wizard
    first = wizard.current.id
    assert wizard.next({"motif": "perte"})
    assert wizard.next(
        {"nom_naissance": "Durand", "sexe": "M", "prenom1": "Paul", "prenom2": "", "date_naissance": "01/02/1970"}
    )
    kiosk.controller.show_state(kiosk.controller.flow.state)
    here = wizard.current.id
    call_and_open(kiosk)
    type_pin(kiosk, PIN)
    kiosk.tap(kiosk.root.ids.assist_layer.ids.consent_yes)
    kiosk.pump(2)
    kiosk.tap(kiosk.root.ids.assist_banner.ids.jump)
    kiosk.pump(2)
    buttons = list(reversed(kiosk.root.ids.assist_layer.ids.step_buttons.children))
    assert [b.step_id for b in buttons][0] == first and buttons[-1].step_id == here and len(buttons) == 3
    kiosk.tap(buttons[0])
    kiosk.pump(2)
    assert wizard.current.id == first and wizard.values["nom_naissance"] == "Durand"
    assert kiosk.root.ids.assist_layer.ids.step_buttons.children == []
    assert ("camille", "step_jumped", first) in audit(kiosk)


def test_a_test_print_from_assist_mode(kiosk):
    capture = kiosk.services.printer.open_device()
    call_and_open(kiosk)
    type_pin(kiosk, PIN)
    kiosk.tap(kiosk.root.ids.assist_layer.ids.consent_yes)
    kiosk.pump(2)
    banner = kiosk.root.ids.assist_banner
    kiosk.tap(banner.ids.test_print)
    kiosk.wait(lambda: "réussie" in banner.ids.present.text, timeout=20, what="the test ticket printed")
    assert b"Impression test" in capture.jobs[-1] and b"borne1" in capture.jobs[-1]
    capture.inject_fault("paper-out")
    kiosk.tap(banner.ids.test_print)
    kiosk.wait(lambda: "échec" in banner.ids.present.text, timeout=20, what="the test ticket refused")
    assert "papier" in banner.ids.present.text
    assert [a for _m, a, _d in audit(kiosk)].count("test_print") == 2


def test_the_help_sheet_of_the_current_step(kiosk):
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    wizard = kiosk.controller.session.wizard
    assert wizard.next({"motif": "perte"})
    kiosk.controller.show_state(kiosk.controller.flow.state)
    view = kiosk.controller.flow.state.view
    call_and_open(kiosk)
    type_pin(kiosk, PIN)
    kiosk.tap(kiosk.root.ids.assist_layer.ids.consent_yes)
    kiosk.pump(2)
    kiosk.tap(kiosk.root.ids.assist_banner.ids.sheet)
    kiosk.pump(2)
    sheet = kiosk.root.ids.assist_layer.ids.sheet_text.text
    assert view.step.title in sheet and f"{view.number}/{view.total}" in sheet
    for f in view.fields:
        assert f.label in sheet and (not f.help or f.help in sheet)
    kiosk.tap(kiosk.root.ids.assist_layer.ids.sheet_close)
    assert kiosk.controller.assist.sheet == ""
    assert ("camille", "sheet_read", view.step.id) in audit(kiosk)
