"""The call for the mediator, by touch on the real window, over a real mosquitto:
"Votre appel est envoyé" once the bus took it, "Un médiateur arrive" only once
the console answered, a plain sentence pointing to the accueil when it could
not go, and the person may cancel."""

import json

import paho.mqtt.client as mqtt
import pytest

from bus_support import SiteBroker
from console.bus import ConsoleBus
from session.assist import COMING, SENT, TEXTS, UNDELIVERED
from support import make_canary, wait_until

pytestmark = pytest.mark.ui

SENT_FR, COMING_FR, UNDELIVERED_FR = TEXTS[SENT], TEXTS[COMING], TEXTS[UNDELIVERED]


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


def banner(kiosk):
    return kiosk.root.ids.call_banner


def kiosk_on_bus(driver, make_services, broker):
    services = make_services(sitebus=broker.settings("borne1"))
    kiosk = driver(services)
    kiosk.services = services
    bus = kiosk.app.mediator_call.bus
    kiosk.wait(lambda: bus.connected and bus.consoles >= 0, timeout=10, what="the kiosk on the bus")
    return kiosk, bus


def test_the_call_is_sent_then_the_mediator_comes_then_it_is_over(driver, make_services, broker, console):
    kiosk, bus = kiosk_on_bus(driver, make_services, broker)
    kiosk.wait(lambda: bus.consoles == 1, timeout=10, what="the console's presence")
    assert banner(kiosk).height == 0  # nothing said before anything happened
    kiosk.tap(kiosk.root.ids.mediator)
    kiosk.wait(lambda: kiosk.app.mediator_call.phase == SENT, timeout=10, what="the call delivered")
    kiosk.pump(2)
    assert banner(kiosk).ids.call_text.text == SENT_FR
    assert banner(kiosk).height > 0 and banner(kiosk).ids.cancel_call.text == "Annuler l'appel"
    assert COMING_FR not in kiosk.controller.notice
    wait_until(lambda: console.kiosks.get("borne1") and console.kiosks["borne1"].call, message="the console's view")
    # Still "envoyé" while nobody answered, whatever the person does meanwhile.
    kiosk.tap_button("Touchez ici")
    kiosk.pump(5)
    assert banner(kiosk).ids.call_text.text == SENT_FR

    assert console.ack("borne1")
    kiosk.wait(lambda: kiosk.app.mediator_call.phase == COMING, timeout=10, what="the acknowledgement")
    kiosk.pump(2)
    assert banner(kiosk).ids.call_text.text == COMING_FR

    kiosk.tap(banner(kiosk).ids.cancel_call)
    kiosk.pump(2)
    assert banner(kiosk).height == 0
    wait_until(lambda: console.kiosks["borne1"].call is None, message="the call withdrawn on the console")


def test_the_person_cancels_a_call_not_yet_answered(driver, make_services, broker, console):
    kiosk, bus = kiosk_on_bus(driver, make_services, broker)
    kiosk.wait(lambda: bus.consoles == 1, timeout=10, what="the console's presence")
    kiosk.tap(kiosk.root.ids.mediator)
    kiosk.wait(lambda: kiosk.app.mediator_call.phase == SENT, timeout=10, what="the call delivered")
    wait_until(lambda: console.kiosks.get("borne1") and console.kiosks["borne1"].call, message="the call seen")
    kiosk.tap(banner(kiosk).ids.cancel_call)
    wait_until(lambda: console.kiosks["borne1"].call is None, message="the call withdrawn")
    assert not console.ack("borne1")  # nothing left to answer
    kiosk.pump(5)
    assert kiosk.app.mediator_call.phase == "none" and banner(kiosk).height == 0


def test_with_the_broker_down_the_kiosk_says_so_and_points_to_the_accueil(driver, make_services, broker, console):
    kiosk, bus = kiosk_on_bus(driver, make_services, broker)
    broker.stop()
    kiosk.wait(lambda: not bus.connected, timeout=10, what="the bus lost")
    kiosk.tap(kiosk.root.ids.mediator)
    kiosk.wait(lambda: kiosk.app.mediator_call.phase == UNDELIVERED, timeout=5, what="the call not delivered")
    kiosk.pump(2)
    text = banner(kiosk).ids.call_text.text
    assert text == UNDELIVERED_FR and "accueil" in text
    assert banner(kiosk).ids.cancel_call.text == "OK"
    kiosk.tap(banner(kiosk).ids.cancel_call)
    kiosk.pump(2)
    assert banner(kiosk).height == 0


def test_with_no_console_listening_the_call_is_not_delivered(driver, make_services, broker):
    kiosk, bus = kiosk_on_bus(driver, make_services, broker)
    kiosk.tap(kiosk.root.ids.mediator)
    kiosk.wait(lambda: kiosk.app.mediator_call.phase == UNDELIVERED, timeout=5, what="the call not delivered")
    kiosk.pump(2)
    assert banner(kiosk).ids.call_text.text == UNDELIVERED_FR


def test_with_no_bus_configured_the_call_is_not_pretended(driver, make_services):
    kiosk = driver(make_services())
    kiosk.tap(kiosk.root.ids.mediator)
    kiosk.pump(2)
    assert banner(kiosk).ids.call_text.text == UNDELIVERED_FR
    assert "médiateur a été prévenu" not in kiosk.controller.notice


def test_in_english_the_banner_is_translated(driver, make_services):
    kiosk = driver(make_services())
    kiosk.root.set_language("en")
    try:
        kiosk.tap(kiosk.root.ids.mediator)
        kiosk.pump(2)
        assert (
            banner(kiosk).ids.call_text.text
            == "Your call could not be sent. Please ask at the reception desk of the point numérique."
        )
        assert banner(kiosk).ids.cancel_call.text == "OK"
    finally:
        kiosk.root.set_language("fr")


def test_the_session_on_the_bus_holds_nothing_the_person_typed(driver, make_services, broker, console):
    seen = []
    rec = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="recorder")
    rec.username_pw_set("console", broker.passwords["console"])
    rec.on_connect = lambda c, *_: c.subscribe(f"pointnum/{broker.site}/#", qos=1)
    rec.on_message = lambda _c, _u, m: seen.append((m.topic, bytes(m.payload)))
    rec.connect("127.0.0.1", broker.port)
    rec.loop_start()
    try:
        kiosk, bus = kiosk_on_bus(driver, make_services, broker)
        canary = make_canary()
        kiosk.tap_button("Touchez ici")
        kiosk.tap_group("permis")
        kiosk.tap_button("Permis perdu")
        kiosk.tap_button("J'ai tout")
        kiosk.wait(lambda: kiosk.controller.session is not None, what="the session")
        wait_until(
            lambda: console.kiosks.get("borne1") and console.kiosks["borne1"].state.state == "en cours",
            message="en cours on the console",
        )
        state = console.kiosks["borne1"].state
        assert state.procedure == kiosk.controller.procedure.id and state.steps > 0
        # The person's name and address in the session (typing them by touch is the flow tests' part).
        wizard = kiosk.controller.session.wizard
        assert wizard.next({"motif": "perte"})
        assert wizard.next(
            {"nom_naissance": canary, "sexe": "F", "prenom1": canary, "prenom2": "", "date_naissance": "01/02/1970"}
        )
        kiosk.controller.show_state(kiosk.controller.flow.state)
        number = kiosk.controller.flow.state.view.number
        wait_until(lambda: console.kiosks["borne1"].state.step == number, message="the step on the console")
        kiosk.tap(kiosk.root.ids.mediator)
        kiosk.wait(lambda: kiosk.app.mediator_call.phase == SENT, timeout=10, what="the call delivered")
        kiosk.controller.finish("abandoned")
        wait_until(lambda: console.kiosks["borne1"].state.state == "libre", message="libre again")
        assert console.kiosks["borne1"].call is None  # the session's end withdrew its call
        traffic = b"".join(t.encode() + p for t, p in seen)
        assert canary.encode() not in traffic and canary.lower().encode() not in traffic
        assert all(json.loads(p) is not None for _t, p in seen if p)
    finally:
        rec.loop_stop()
        rec.disconnect()


def test_a_printer_without_paper_shows_on_the_console(driver, make_services, broker, console):
    from drivers.printer import PrinterPaperOut

    kiosk, bus = kiosk_on_bus(driver, make_services, broker)
    wait_until(lambda: console.kiosks.get("borne1"), message="the kiosk seen")
    assert console.kiosks["borne1"].state.faults == ()
    kiosk.services.devices.report_error("printer", PrinterPaperOut())
    faults = lambda: console.kiosks["borne1"].state.faults  # noqa: E731
    kiosk.wait(lambda: faults() == ("imprimante sans papier",), timeout=10, what="the fault on the console")
    kiosk.services.devices.clear_error("printer")
    kiosk.wait(lambda: faults() == (), timeout=10, what="the fault cleared")
