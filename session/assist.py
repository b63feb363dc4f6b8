"""A person's call for the mediator, and what the kiosk may say of it.

The rule this module keeps: "Un médiateur arrive" is said only once a console
has acknowledged the call; "Votre appel est envoyé" only once the site bus
has taken it while a console listens; otherwise the person is told plainly
the call did not go, and to ask at the accueil. The bus is a port
(:class:`CallPort`, implemented by sitebus.KioskBus); its answers come to
:meth:`MediatorCall.delivered`, :meth:`undelivered` and :meth:`acknowledged`
on whatever thread the face chooses (the kiosk hops to its UI thread first).
Nothing personal goes in a call: the bus carries the kiosk's id and times only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

#: The phases of a call.
NONE, SENDING, SENT, COMING, UNDELIVERED = "none", "sending", "sent", "coming", "undelivered"

#: What the person reads in each phase (French source; the face translates).
TEXTS = {
    SENDING: "Envoi de votre appel…",
    SENT: "Votre appel est envoyé. Un médiateur va venir : restez près de la borne.",
    COMING: "Un médiateur arrive.",
    UNDELIVERED: "Votre appel n'a pas pu être transmis. Adressez-vous à l'accueil du point numérique.",
}


class CallPort(Protocol):
    def call(self) -> str:
        """Send a call; returns its id. The answer comes later (or at once, undelivered)."""
        ...

    def cancel(self) -> None:
        """Withdraw the open call."""
        ...


class MediatorCall:
    """The call's phase for one kiosk; ``on_change`` hears each change."""

    def __init__(self, port: CallPort | None, on_change: Callable[[str], None] | None = None) -> None:
        self.port = port
        self.on_change = on_change
        self.phase = NONE
        self.call_id = ""
        self.reason = ""  # why undelivered: sitebus's NO_BROKER, NO_CONSOLE, NO_ANSWER, or "no bus"

    @property
    def text(self) -> str:
        return TEXTS.get(self.phase, "")

    @property
    def open(self) -> bool:
        """A call is on its way or answered: the person can cancel it."""
        return self.phase in (SENDING, SENT, COMING)

    def call(self) -> None:
        """The person asked for the mediator (again: a call already open stays as it is)."""
        if self.phase in (SENT, COMING, SENDING):
            return
        if self.port is None:
            self.call_id, self.reason = "", "no bus"
            self._set(UNDELIVERED)
            return
        self._set(SENDING)
        self.call_id = ""
        call_id = self.port.call()
        if self.phase == SENDING:  # the answer may already have come, synchronously
            self.call_id = call_id

    def cancel(self) -> None:
        """The person no longer waits (or the session ends): the call is withdrawn, the banner goes."""
        if self.open and self.port is not None:
            self.port.cancel()
        self.call_id = self.reason = ""
        self._set(NONE)

    def delivered(self, call_id: str) -> None:
        if self.phase == SENDING and self._mine(call_id):
            self._set(SENT)

    def undelivered(self, call_id: str, reason: str) -> None:
        if self.phase in (SENDING, SENT) and self._mine(call_id):
            self.reason = reason
            self._set(UNDELIVERED)

    def acknowledged(self, call_id: str) -> None:
        if self.phase in (SENDING, SENT) and self._mine(call_id):
            self._set(COMING)

    def _mine(self, call_id: str) -> bool:
        if not self.call_id:  # answered during port.call(), before its id was known
            self.call_id = call_id
        return call_id == self.call_id

    def _set(self, phase: str) -> None:
        self.phase = phase
        if self.on_change is not None:
            self.on_change(phase)


# --- assist mode -----------------------------------------------------------------------------

#: The phases of assist mode.
OFF, PIN_ENTRY, CONSENT, ACTIVE = "off", "pin", "consent", "active"

#: What the person is asked, in one sentence, before a mediator takes the kiosk.
CONSENT_QUESTION = "Un médiateur va vous aider sur cette borne. Êtes-vous d'accord ?"


class Gate(Protocol):
    """sitebus.pins.PinGate's surface."""

    @property
    def locked(self) -> bool: ...

    def remaining_s(self) -> int: ...

    def check(self, pin: str) -> str | None: ...


class Audit(Protocol):
    def record(self, mediator: str, action: str, detail: str = "") -> None: ...


class AssistMode:
    """A mediator's PIN, the person's consent, then the mediator's tools until the hand-back.

    Every step is written to the audit (mediator and action only). A PIN is
    asked again for each assist; five wrong PINs lock its entry (the gate's
    rule), and the lock is recorded."""

    def __init__(self, gate: Gate, audit: Audit, on_change: Callable[[str], None] | None = None) -> None:
        self.gate, self.audit, self.on_change = gate, audit, on_change
        self.phase = OFF
        self.mediator = ""
        self.idle_paused = False

    def ask_pin(self) -> None:
        if self.phase == OFF:
            self._set(PIN_ENTRY)

    def enter_pin(self, pin: str) -> bool:
        """True when the PIN is a mediator's: the person is asked next. False otherwise (or locked)."""
        if self.phase != PIN_ENTRY or self.gate.locked:
            return False
        mediator = self.gate.check(pin)
        if mediator is None:
            self.audit.record("", "pin_locked" if self.gate.locked else "pin_refused")
            self._set(PIN_ENTRY)
            return False
        self.mediator = mediator
        self._set(CONSENT)
        return True

    def consent(self, given: bool) -> None:
        if self.phase != CONSENT:
            return
        if given:
            self.audit.record(self.mediator, "assist_started")
            self._set(ACTIVE)
        else:
            self.audit.record(self.mediator, "consent_refused")
            self.mediator = ""
            self._set(OFF)

    def cancel_pin(self) -> None:
        if self.phase in (PIN_ENTRY, CONSENT):
            self.mediator = ""
            self._set(OFF)

    def tool(self, action: str, detail: str = "") -> bool:
        """A tool used (recorded); False when assist mode is not active."""
        if self.phase != ACTIVE:
            return False
        if action == "idle_paused":
            self.idle_paused = True
        elif action == "idle_resumed":
            self.idle_paused = False
        self.audit.record(self.mediator, action, detail)
        if self.on_change is not None:
            self.on_change(self.phase)
        return True

    def end(self) -> None:
        """Control handed back to the person (or the session ended)."""
        if self.phase == ACTIVE:
            self.audit.record(self.mediator, "assist_ended")
        self.mediator, self.idle_paused = "", False
        self._set(OFF)

    def _set(self, phase: str) -> None:
        self.phase = phase
        if self.on_change is not None:
            self.on_change(phase)
