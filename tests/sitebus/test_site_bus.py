"""The site bus on a real mosquitto started by the test: two kiosks in their own
processes, the console's bus client, calls, acknowledgements, last wills, ACLs."""

import json
import os
import signal

import paho.mqtt.client as mqtt
import pytest

from sitebus import NO_BROKER, NO_CONSOLE, KioskState, MessageError
from support import make_canary, wait_until


def _recorder(broker, login="console"):
    """A client of the console's login that records every message of the site (topic, payload)."""
    seen = []
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="recorder-" + login)
    client.username_pw_set(login, broker.passwords[login])
    client.on_connect = lambda c, *_: c.subscribe(f"pointnum/{broker.site}/#", qos=1)
    client.on_message = lambda _c, _u, m: seen.append((m.topic, m.payload))
    client.connect("127.0.0.1", broker.port, keepalive=5)
    client.loop_start()
    return client, seen


def test_a_call_reaches_the_console_and_its_ack_reaches_that_kiosk_only(site_broker, kiosk_process, console_bus):
    console = console_bus()
    one, two = kiosk_process(site_broker, "borne1"), kiosk_process(site_broker, "borne2")
    wait_until(lambda: one.heard("connected") and two.heard("connected"), message="both kiosks connected")
    one.send("state en_cours permis_perte 3 7")
    two.send("state libre")
    wait_until(lambda: {k["id"] for k in console.snapshot()} == {"borne1", "borne2"}, message="both kiosks seen")
    wait_until(lambda: console.kiosks["borne1"].state.state == "en cours", message="borne1 en cours")
    b1 = console.kiosks["borne1"].state
    assert (b1.procedure, b1.step, b1.steps) == ("permis_perte", 3, 7)
    assert console.kiosks["borne2"].state.state == "libre"
    wait_until(lambda: one.proc.poll() is None and console.ack("borne1") is False, message="no call yet")

    one.send("call")
    call_id = wait_until(lambda: one.heard("called"), message="the call made").split()[1]
    assert wait_until(lambda: one.heard("delivered"), message="the call delivered") == f"delivered {call_id}"
    wait_until(lambda: console.kiosks["borne1"].call is not None, message="the console sees the call")
    assert console.kiosks["borne1"].call.id == call_id
    assert console.snapshot()[0]["id"] == "borne1"  # calls first
    assert console.kiosks["borne2"].call is None

    assert console.ack("borne1")
    assert wait_until(lambda: one.heard("acked"), message="the ack on the kiosk") == f"acked {call_id}"
    wait_until(lambda: console.kiosks["borne1"].call.acked > 0, message="the call marked answered")
    assert not two.heard("acked")
    one.send("cancel")
    wait_until(lambda: console.kiosks["borne1"].call is None, message="the call withdrawn")


def test_a_call_with_the_broker_stopped_is_not_delivered(site_broker, console_bus):
    console_bus()
    bus = site_broker.kiosk_bus("borne1")
    heard = []
    bus.listener = type(
        "L",
        (),
        {
            "call_delivered": lambda s, i: heard.append(("delivered", i)),
            "call_undelivered": lambda s, i, r: heard.append(("undelivered", i, r)),
            "call_acknowledged": lambda s, i: heard.append(("acked", i)),
        },
    )()
    bus.start()
    try:
        assert bus.wait_connected(10)
        wait_until(lambda: bus.consoles == 1, message="the console present")
        first = bus.call()
        wait_until(lambda: heard, message="the first call's fate")
        assert heard == [("delivered", first)]
        # The broker stops while the call waits for its answer: nobody will answer it.
        site_broker.stop()
        wait_until(lambda: len(heard) == 2, message="the waiting call reported lost")
        assert heard[1] == ("undelivered", first, NO_BROKER)
        wait_until(lambda: not bus.connected, message="the kiosk knows the bus is gone")
        second = bus.call()
        assert heard[2] == ("undelivered", second, NO_BROKER)
    finally:
        bus.stop()


def test_a_call_nobody_can_hear_is_not_delivered(site_broker, console_bus):
    bus = site_broker.kiosk_bus("borne1")
    heard = []
    bus.listener = type(
        "L",
        (),
        {
            "call_delivered": lambda s, i: heard.append(("delivered", i)),
            "call_undelivered": lambda s, i, r: heard.append(("undelivered", i, r)),
            "call_acknowledged": lambda s, i: None,
        },
    )()
    bus.start()
    try:
        assert bus.wait_connected(10)
        call = bus.call()
        assert heard == [("undelivered", call, NO_CONSOLE)]
        console = console_bus("console-late")
        wait_until(lambda: bus.consoles == 1, message="the console's presence")
        again = bus.call()
        wait_until(lambda: len(heard) == 2, message="the second call's fate")
        assert heard[1] == ("delivered", again)
        console.stop()  # its goodbye: nobody hears a call any more
        wait_until(lambda: bus.consoles == 0, message="the console gone")
    finally:
        bus.stop()


def test_a_killed_kiosk_shows_offline_by_its_last_will(site_broker, kiosk_process, console_bus):
    console = console_bus()
    one = kiosk_process(site_broker, "borne1")
    wait_until(lambda: one.heard("connected"), message="the kiosk connected")
    one.send("state en_cours permis_perte 2 7")
    wait_until(
        lambda: console.kiosks.get("borne1") and console.kiosks["borne1"].state.state == "en cours",
        message="the kiosk en cours",
    )
    os.kill(one.proc.pid, signal.SIGKILL)
    wait_until(lambda: console.kiosks["borne1"].state.state == "hors ligne", timeout=10, message="the last will")
    # A console that connects later reads it at once, retained.
    late = console_bus("console-late")
    wait_until(lambda: "borne1" in late.kiosks, timeout=3, message="the retained state")
    assert late.kiosks["borne1"].state.state == "hors ligne"


def test_a_kiosk_cannot_write_another_kiosks_topics(site_broker, kiosk_process, console_bus):
    console = console_bus()
    client, seen = _recorder(site_broker)
    try:
        # borne1's login pretending to be borne2: its state, its call and its will on borne2's topics.
        fake = kiosk_process(site_broker, "borne2", login="borne1")
        wait_until(lambda: fake.heard("connected"), message="the login accepted")
        fake.send("state hors_service")
        fake.send("call")
        wait_until(lambda: fake.heard("called"), message="the call sent")
        # borne1 itself then writes its own state: once that is seen, the others would have been.
        honest = kiosk_process(site_broker, "borne1")
        wait_until(lambda: honest.heard("connected"), message="borne1 connected")
        honest.send("state libre")
        wait_until(lambda: "borne1" in console.kiosks, message="borne1's own state")
        assert "borne2" not in console.kiosks
        assert not [t for t, _ in seen if "/borne2/" in t]
        # A kiosk cannot pretend to be a console either, nor answer a call.
        raw = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="rogue")
        raw.username_pw_set("borne2", site_broker.passwords["borne2"])
        raw.connect("127.0.0.1", site_broker.port)
        raw.loop_start()
        raw.publish(
            f"pointnum/{site_broker.site}/kiosk/borne1/ack", b'{"call":"x","console":"y"}', qos=1
        ).wait_for_publish(5)
        raw.publish(f"pointnum/{site_broker.site}/console/rogue", b'{"state":"en ligne"}', qos=1).wait_for_publish(5)
        honest.send("state en_cours permis_perte 1 7")
        wait_until(lambda: console.kiosks["borne1"].state.state == "en cours", message="a later message")
        assert not [t for t, _ in seen if t.endswith("/ack") or "/console/rogue" in t]
        raw.loop_stop()
        raw.disconnect()
    finally:
        client.loop_stop()
        client.disconnect()


def test_a_wrong_password_is_refused(site_broker):
    bus = site_broker.kiosk_bus("borne1", password="not-this-one")
    bus.start()
    try:
        assert not bus.wait_connected(2)
    finally:
        bus.stop()


def test_the_bus_carries_no_personal_data(site_broker, kiosk_process, console_bus):
    canary = make_canary()
    # Nothing a person types can go in a message: every field is from a closed set or a number.
    for bad in ({"procedure": canary}, {"state": canary}, {"faults": (canary,)}, {"step": canary}):
        with pytest.raises(MessageError):
            KioskState(**bad)
    with pytest.raises(MessageError):
        KioskState.read(json.dumps({"state": "libre", "nom": canary}).encode())
    console_bus()
    client, seen = _recorder(site_broker)
    try:
        one = kiosk_process(site_broker, "borne1")
        wait_until(lambda: one.heard("connected"), message="connected")
        one.send("state en_cours permis_perte 4 7")
        one.send("call")
        wait_until(lambda: one.heard("delivered"), message="delivered")
        wait_until(lambda: len([t for t, _ in seen if "borne1" in t]) >= 2, message="the traffic recorded")
        for topic, payload in seen:
            data = json.loads(payload) if payload else {}
            assert set(data) <= {
                "state",
                "procedure",
                "step",
                "steps",
                "since",
                "faults",
                "training",
                "assisted",
                "id",
                "acked",
                "by",
                "call",
                "console",
            }, topic
    finally:
        client.loop_stop()
        client.disconnect()
