"""The console's side of the site bus: every kiosk's state and open call, as
the broker's retained messages and their changes tell them; the
acknowledgement of a call; the console's own presence (retained, with a last
will) so that a kiosk knows its call can be heard.

It knows the bus's messages (sitebus.messages) and nothing of the kiosk's
insides. paho's network loop runs in its own thread; ``on_change`` is called
from it with the kiosk's id.
"""

from __future__ import annotations

import logging
import secrets
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import paho.mqtt.client as mqtt

from sitebus.messages import OFFLINE, Ack, Call, KioskState, MessageError, Topics, presence

log = logging.getLogger(__name__)


@dataclass
class KioskView:
    """What the console knows of one kiosk."""

    id: str
    state: KioskState = field(default_factory=lambda: KioskState(state=OFFLINE))
    call: Call | None = None
    seen: float = 0.0  # monotonic time of the last change

    def as_dict(self) -> dict[str, object]:
        s = self.state
        return {
            "id": self.id,
            "state": s.state,
            "procedure": s.procedure,
            "step": s.step,
            "steps": s.steps,
            "since": s.since,
            "faults": list(s.faults),
            "training": s.training,
            "assisted": s.assisted,
            "call": None if self.call is None else {"since": self.call.since, "acked": self.call.acked},
        }


class ConsoleBus:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        site: str,
        username: str,
        password: str,
        tls: bool = False,
        ca_file: str = "",
        keepalive: int = 5,
        name: str = "",
    ) -> None:
        self.topics = Topics(site)
        self.name = name or "console-" + secrets.token_hex(3)
        self.kiosks: dict[str, KioskView] = {}
        self.on_change: Callable[[str], None] | None = None
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self.host, self.port, self.keepalive = host, port, keepalive
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.name, clean_session=True)
        client.username_pw_set(username, password)
        if tls:
            client.tls_set(ca_certs=ca_file or None, cert_reqs=ssl.CERT_REQUIRED)
        client.will_set(self.topics.console(self.name), presence(False), qos=1, retain=True)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.reconnect_delay_set(min_delay=1, max_delay=10)
        self._client = client

    def start(self) -> None:
        self._client.connect_async(self.host, self.port, keepalive=self.keepalive)
        self._client.loop_start()

    def stop(self) -> None:
        if self._connected.is_set():
            info = self._client.publish(self.topics.console(self.name), presence(False), qos=1, retain=True)
            try:
                info.wait_for_publish(timeout=1.0)
            except (RuntimeError, ValueError):
                pass
        self._client.disconnect()
        self._client.loop_stop()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def snapshot(self) -> list[dict[str, object]]:
        """Every kiosk, as the page shows them: the calls first, oldest first, then by id."""
        with self._lock:
            views = [v.as_dict() for v in self.kiosks.values()]

        def order(v: dict[str, object]) -> tuple[int, int, str]:
            call = v["call"]
            if isinstance(call, dict) and not call["acked"]:
                return (0, int(call["since"]), str(v["id"]))
            return (1, 0, str(v["id"]))

        return sorted(views, key=order)

    def ack(self, kiosk: str) -> bool:
        """Answer the kiosk's open call: the kiosk shows "Un médiateur arrive". False if it has none."""
        with self._lock:
            view = self.kiosks.get(kiosk)
            call = view.call if view is not None else None
        if call is None or not self._connected.is_set():
            return False
        self._client.publish(self.topics.ack(kiosk), Ack(call=call.id, console=self.name).payload(), qos=1)
        return True

    # --- paho's callbacks ---------------------------------------------------
    def _on_connect(self, client: mqtt.Client, _u: object, _f: object, reason: object, _p: object = None) -> None:
        if getattr(reason, "is_failure", False):
            log.warning("site bus refused the console: %s", reason)
            return
        client.subscribe([(self.topics.state("+"), 1), (self.topics.call("+"), 1)])
        client.publish(self.topics.console(self.name), presence(True), qos=1, retain=True)
        self._connected.set()
        log.info("console connected to the site bus")

    def _on_disconnect(self, _c: mqtt.Client, _u: object, _f: object, reason: object, _p: object = None) -> None:
        self._connected.clear()
        log.warning("console lost the site bus: %s", reason)

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        where = self.topics.kiosk_of(message.topic)
        if where is None:
            return
        kiosk, kind = where
        try:
            with self._lock:
                view = self.kiosks.setdefault(kiosk, KioskView(id=kiosk))
                if kind == "state":
                    view.state = KioskState.read(bytes(message.payload))
                    if view.state.state == OFFLINE:
                        view.call = None
                elif kind == "call":
                    view.call = Call.read(bytes(message.payload))
                else:
                    return
                view.seen = time.monotonic()
        except MessageError as exc:
            log.warning("site bus: a message on %s dropped (%s)", message.topic, exc)
            return
        if self.on_change is not None:
            self.on_change(kiosk)
