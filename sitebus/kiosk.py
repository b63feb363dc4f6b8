"""The kiosk's side of the site bus: its state, its calls for a mediator, the
acknowledgements.

paho-mqtt runs its network loop in a thread of its own (``loop_start``); the
listener's methods are called from that thread (or from the caller's, when
the answer is known at once), so a UI hops to its own thread before touching
widgets. The connection is made in the background and retried by paho; the
kiosk never waits for the broker.

A call is *delivered* when the broker has acknowledged it (QoS 1's PUBACK)
while at least one console is present on the bus (its retained presence, with
a last will): a call nobody can hear is not delivered. Without a connection,
without a console, or without the broker's PUBACK within
:attr:`KioskBus.delivery_timeout`, the listener hears ``call_undelivered``;
a connection lost while a call waits for its answer is reported the same way
(the call went with the broker: nobody will answer it).
"""

from __future__ import annotations

import logging
import secrets
import ssl
import threading
import time
from collections.abc import Callable
from typing import Protocol

import paho.mqtt.client as mqtt

from .messages import OFFLINE_PAYLOAD, Ack, Call, KioskState, MessageError, Topics, check_name, read_presence

log = logging.getLogger(__name__)

#: Why a call was not delivered.
NO_BROKER, NO_CONSOLE, NO_ANSWER = "broker", "console", "timeout"


class BusListener(Protocol):
    def call_delivered(self, call_id: str) -> None: ...

    def call_undelivered(self, call_id: str, reason: str) -> None: ...

    def call_acknowledged(self, call_id: str) -> None: ...


class KioskBus:
    """One kiosk's connection to its site's broker."""

    delivery_timeout = 3.0

    def __init__(
        self,
        *,
        host: str,
        port: int,
        site: str,
        kiosk: str,
        username: str = "",
        password: str = "",
        tls: bool = False,
        ca_file: str = "",
        keepalive: int = 5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.topics = Topics(site)
        self.kiosk = check_name("kiosk", kiosk)
        self.host, self.port, self.keepalive = host, port, keepalive
        self.listener: BusListener | None = None
        self._clock = clock
        self._lock = threading.Lock()
        self._state = KioskState(since=int(clock()))
        self._call: Call | None = None
        self._call_mid: int | None = None
        self._early_pubacks: set[int] = set()
        self._timer: threading.Timer | None = None
        self._consoles: set[str] = set()
        self._connected = threading.Event()
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"kiosk-{kiosk}", clean_session=True)
        if username:
            client.username_pw_set(username, password)
        if tls:
            client.tls_set(ca_certs=ca_file or None, cert_reqs=ssl.CERT_REQUIRED)
        client.will_set(self.topics.state(kiosk), OFFLINE_PAYLOAD, qos=1, retain=True)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_publish = self._on_publish
        client.reconnect_delay_set(min_delay=1, max_delay=10)
        self._client = client

    # --- life ----------------------------------------------------------------
    def start(self) -> None:
        """Connect in the background (retried by paho while the broker is away)."""
        self._client.connect_async(self.host, self.port, keepalive=self.keepalive)
        self._client.loop_start()

    def stop(self) -> None:
        """Say "hors ligne" and leave (a kiosk that dies instead has its last will say it)."""
        if self._connected.is_set():
            info = self._client.publish(self.topics.state(self.kiosk), OFFLINE_PAYLOAD, qos=1, retain=True)
            try:
                info.wait_for_publish(timeout=1.0)
            except (RuntimeError, ValueError):
                pass
        self._client.disconnect()
        self._client.loop_stop()
        self._cancel_timer()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    @property
    def consoles(self) -> int:
        """How many consoles are present on the bus now."""
        return len(self._consoles)

    # --- the state -----------------------------------------------------------
    def publish_state(self, state: KioskState) -> None:
        """The kiosk's state, retained; sent again on each reconnection."""
        with self._lock:
            self._state = state
        if self._connected.is_set():
            self._client.publish(self.topics.state(self.kiosk), state.payload(), qos=1, retain=True)

    @property
    def state(self) -> KioskState:
        return self._state

    # --- the call ------------------------------------------------------------
    def call(self) -> str:
        """Call a mediator; the answer comes to the listener. Returns the call's id."""
        call = Call(id=secrets.token_hex(6), since=int(self._clock()))
        with self._lock:
            self._cancel_timer()
            self._call, self._call_mid = call, None
            self._early_pubacks.clear()
        if not self._connected.is_set():
            self._undelivered(call, NO_BROKER)
            return call.id
        if not self._consoles:
            self._undelivered(call, NO_CONSOLE)
            return call.id
        # Not under self._lock: paho calls on_publish holding its own lock, which publish() takes too.
        info = self._client.publish(self.topics.call(self.kiosk), call.payload(), qos=1, retain=True)
        with self._lock:
            if self._call is not call:
                return call.id  # cancelled meanwhile
            if info.mid in self._early_pubacks:  # the broker answered before publish() returned
                self._early_pubacks.discard(info.mid)
                delivered = True
            else:
                delivered = False
                self._call_mid = info.mid
                self._timer = threading.Timer(self.delivery_timeout, self._no_puback, args=(call,))
                self._timer.daemon = True
                self._timer.start()
        if delivered and self.listener is not None:
            self.listener.call_delivered(call.id)
        return call.id

    def cancel(self) -> None:
        """The person no longer needs the mediator (or the session ended): the call is withdrawn."""
        with self._lock:
            self._cancel_timer()
            had = self._call is not None
            self._call = self._call_mid = None
        if had and self._connected.is_set():
            self._client.publish(self.topics.call(self.kiosk), b"", qos=1, retain=True)

    @property
    def open_call(self) -> Call | None:
        return self._call

    def _undelivered(self, call: Call, reason: str) -> None:
        with self._lock:
            if self._call is not call:
                return
            self._call = self._call_mid = None
            self._cancel_timer()
        log.info("call %s not delivered: %s", call.id, reason)
        if self.listener is not None:
            self.listener.call_undelivered(call.id, reason)

    def _no_puback(self, call: Call) -> None:
        if self._call is call and self._call_mid is not None:
            self._undelivered(call, NO_ANSWER)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # --- paho's callbacks (its thread) ---------------------------------------
    def _on_connect(self, client: mqtt.Client, _u: object, _f: object, reason: object, _p: object = None) -> None:
        if getattr(reason, "is_failure", False):
            log.warning("site bus refused the connection: %s", reason)
            return
        self._connected.set()
        client.subscribe([(self.topics.ack(self.kiosk), 1), (self.topics.console("+"), 1)])
        client.publish(self.topics.state(self.kiosk), self._state.payload(), qos=1, retain=True)
        log.info("site bus connected")

    def _on_disconnect(self, _c: mqtt.Client, _u: object, _f: object, reason: object, _p: object = None) -> None:
        was = self._connected.is_set()
        self._connected.clear()
        self._consoles.clear()
        if was:
            log.warning("site bus lost: %s", reason)
        call = self._call
        if call is not None and not call.acked:  # an answered call stands: the mediator is on the way
            self._undelivered(call, NO_BROKER)

    def _on_publish(self, _c: mqtt.Client, _u: object, mid: int, _r: object = None, _p: object = None) -> None:
        with self._lock:
            call = self._call if self._call_mid == mid else None
            if call is None:
                if self._call is not None and self._call_mid is None and not self._call.acked:
                    self._early_pubacks.add(mid)
                return
            self._call_mid = None
            self._cancel_timer()
        if self.listener is not None:
            self.listener.call_delivered(call.id)

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        topic = message.topic
        try:
            if topic == self.topics.ack(self.kiosk):
                self._acked(Ack.read(bytes(message.payload)))
            elif topic.startswith(self.topics.console("")):
                console = topic.rsplit("/", 1)[1]
                if read_presence(bytes(message.payload)):
                    self._consoles.add(console)
                else:
                    self._consoles.discard(console)
        except MessageError as exc:
            log.warning("site bus: a message on %s dropped (%s)", topic, exc)

    def _acked(self, ack: Ack) -> None:
        with self._lock:
            call = self._call
            if call is None or call.id != ack.call:
                return
            self._cancel_timer()
            self._call_mid = None
            answered = Call(id=call.id, since=call.since, acked=int(self._clock()), by=ack.console)
            self._call = answered
        self._client.publish(self.topics.call(self.kiosk), answered.payload(), qos=1, retain=True)
        if self.listener is not None:
            self.listener.call_acknowledged(call.id)
