"""The person's call for the mediator on the kiosk: the banner under the top
bar that says where the call is, and the kiosk's state on the site bus.

The phases and their sentences are session/assist.py's (MediatorCall): the
banner only shows them. The bus's answers come on paho's thread and are
brought to Kivy's with ``Clock.schedule_once``. The kiosk's state (libre, en
cours with the procedure and step n of N) is published on each screen change;
a session's end withdraws its open call.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from session.assist import NONE, UNDELIVERED, MediatorCall

from .widgets.common import KRow

log = logging.getLogger(__name__)


class KioskCall(EventDispatcher):
    """The call's phase for the kiosk's widgets, and the bridge from the bus."""

    phase = StringProperty(NONE)
    #: The sentence for the phase, in French (the banner translates it).
    source = StringProperty("")
    #: Cancellable (a call on its way or answered), or only to be dismissed (undelivered).
    open = BooleanProperty(False)
    #: How many times the person asked (a long press asks once).
    asked = NumericProperty(0)

    def __init__(self, controller: Any, bus: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.controller = controller
        self.bus = bus
        self.model = MediatorCall(bus, on_change=self._changed)
        self._had_flow = False
        if bus is not None:
            bus.listener = self
            bus.start()
        controller.bind(flow=self._flow_changed)
        status = getattr(controller.devices, "devices", None)  # drivers.devices.DeviceStatus
        if status is not None:  # called from pyudev's thread: published from Kivy's
            status.observe(lambda _snapshot: Clock.schedule_once(self.publish, 0))

    # --- the person's intents --------------------------------------------------
    def call(self) -> None:
        self.asked += 1
        self.model.call()

    def cancel(self) -> None:
        """ "Annuler l'appel", or "OK" under a call that did not go."""
        self.model.cancel()

    # --- the bus's answers (paho's thread) ------------------------------------
    def call_delivered(self, call_id: str) -> None:
        Clock.schedule_once(lambda _dt: self.model.delivered(call_id))

    def call_undelivered(self, call_id: str, reason: str) -> None:
        Clock.schedule_once(lambda _dt: self.model.undelivered(call_id, reason))

    def call_acknowledged(self, call_id: str) -> None:
        Clock.schedule_once(lambda _dt: self.model.acknowledged(call_id))

    def _changed(self, phase: str) -> None:
        self.phase, self.source, self.open = phase, self.model.text, self.model.open
        self.publish()

    # --- the kiosk's state on the bus ------------------------------------------
    def _flow_changed(self, _controller: Any, flow: Any) -> None:
        if flow is None and self._had_flow and self.model.open:
            self.model.cancel()  # the session is over: its call with it
        self._had_flow = flow is not None
        self.publish()

    def publish(self, *_args: Any) -> None:
        if self.bus is None:
            return
        from sitebus import KioskState
        from sitebus.messages import BUSY, FREE

        flow, procedure = self.controller.flow, self.controller.procedure
        view = flow.state.view if flow is not None else None
        state = KioskState(
            state=BUSY if flow is not None else FREE,
            procedure=procedure.id if flow is not None and procedure is not None else "",
            step=view.number if view is not None else 0,
            steps=view.total if view is not None else 0,
            since=int(time.time()),
            faults=self._faults(),
            assisted=getattr(getattr(self.controller, "assist", None), "phase", "") == "active",
        )
        old = self.bus.state
        if (old.state, old.procedure, old.step, old.steps, old.faults, old.assisted) != (
            state.state,
            state.procedure,
            state.step,
            state.steps,
            state.faults,
            state.assisted,
        ):
            self.bus.publish_state(state)

    def _faults(self) -> tuple[str, ...]:
        """The devices' faults the console shows, from the kiosk's device status."""
        devices = self.controller.devices
        status = getattr(devices, "devices", None)
        if status is None:
            return ()
        by_udev = getattr(devices, "_by_udev", ())
        faults = []
        for kind, absent in (("printer", "imprimante absente"), ("scanner", "scanner absent")):
            s = status.snapshot().get(kind)
            if s is None:
                continue
            if s.error_class == "PrinterPaperOut":
                faults.append("imprimante sans papier")
            elif s.last_error or (kind in by_udev and not s.present):
                faults.append(absent)
        return tuple(faults)

    def stop(self) -> None:
        if self.bus is not None:
            self.bus.stop()


class CallBanner(KRow):
    call = ObjectProperty(None)

    # Hidden (height 0), its greyed buttons would still absorb the touches where they lie.
    def on_touch_down(self, touch: Any) -> bool:
        return bool(self.call.phase != NONE and super().on_touch_down(touch))

    def on_touch_up(self, touch: Any) -> bool:
        return bool(self.call.phase != NONE and super().on_touch_up(touch))

    def cancel(self) -> None:
        self.call.cancel()

    def open_assist(self) -> None:
        """The mediator came: their PIN pad (kiosk/assist_mode.py)."""
        assist = getattr(self.call.controller, "assist", None)
        if assist is not None:
            assist.open()

    @property
    def undelivered(self) -> bool:
        return self.call.phase == UNDELIVERED


Builder.load_file(str(Path(__file__).with_name("assist_call.kv")))


def make_bus(settings: Any) -> Any:
    """The kiosk's bus from ``[sitebus]``, or None when no broker is configured."""
    sb = settings.sitebus
    if not sb.host:
        return None
    from sitebus import KioskBus

    return KioskBus(
        host=sb.host,
        port=sb.port,
        site=sb.site or settings.site.code.lower(),
        kiosk=sb.kiosk,
        username=sb.username or sb.kiosk,
        password=sb.password,
        tls=sb.tls,
        ca_file=sb.ca_file,
        keepalive=sb.keepalive,
    )


def attach_call(root: Any, controller: Any, settings: Any, services: Any = None) -> KioskCall:
    """The call banner under the top bar and the notice, the call wired to the controller and
    the bus; assist mode beside it."""
    call = KioskCall(controller, make_bus(settings))
    controller.mediator_call = call
    column = root.ids.topbar.parent
    banner = CallBanner(call=call)
    # Under the notice banner, and so offered the touches before it (a BoxLayout's first
    # child in its list is asked first): the notice's hidden button cannot absorb them.
    column.add_widget(banner, index=column.children.index(root.ids.banner))
    root.ids["call_banner"] = banner
    controller.manager.bind(current=call.publish)
    from .assist_mode import attach_assist

    attach_assist(root, controller, settings, services.printer if services is not None else None)
    if services is not None:
        from .assist_training import attach_training

        attach_training(root, controller, services)
    return call
