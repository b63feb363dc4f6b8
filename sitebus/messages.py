"""What the site bus carries, and nothing more.

Every message is built here from typed fields whose values come from closed
sets (a kiosk state, a device fault, a procedure's id, numbers, times): there
is no field where a name, an address or a number typed by a person could go,
so the bus cannot carry personal data by mistake. A message read from the bus
is checked the same way; one that does not fit is dropped (and logged by
topic only, never by content).

Topics, under ``pointnum/<site>/``:

- ``kiosk/<kiosk>/state``: the kiosk's state, retained; its last will sets it
  to "hors ligne" when the kiosk dies without saying goodbye.
- ``kiosk/<kiosk>/call``: the kiosk's call for a mediator, retained while it is
  open (a console that connects later still sees it); emptied when cancelled
  or over.
- ``kiosk/<kiosk>/ack``: a console's acknowledgement of that call.
- ``console/<console>``: a console's presence ("en ligne", its will "hors
  ligne"), retained: a kiosk knows whether anyone can hear its call.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

#: The states a kiosk shows on the console.
FREE, BUSY, OUT_OF_SERVICE, OFFLINE = "libre", "en cours", "hors service", "hors ligne"
STATES = (FREE, BUSY, OUT_OF_SERVICE, OFFLINE)
#: The device faults a kiosk reports.
FAULTS = ("imprimante sans papier", "imprimante absente", "scanner absent", "imprimante A4 absente")
ONLINE = "en ligne"

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class MessageError(ValueError):
    """A payload read from the bus that is not one of ours."""


def check_name(kind: str, value: str) -> str:
    """A site's, kiosk's, console's or procedure's identifier: lower-case letters, digits, - and _."""
    if not _NAME.match(value):
        raise MessageError(f"{kind} {value!r}: lower-case letters, digits, - and _ only (40 at most)")
    return value


@dataclass(frozen=True)
class Topics:
    """The topics of one site."""

    site: str

    def __post_init__(self) -> None:
        check_name("site", self.site)

    @property
    def root(self) -> str:
        return f"pointnum/{self.site}"

    def state(self, kiosk: str) -> str:
        return f"{self.root}/kiosk/{kiosk}/state"

    def call(self, kiosk: str) -> str:
        return f"{self.root}/kiosk/{kiosk}/call"

    def ack(self, kiosk: str) -> str:
        return f"{self.root}/kiosk/{kiosk}/ack"

    def console(self, console: str) -> str:
        return f"{self.root}/console/{console}"

    def kiosk_of(self, topic: str) -> tuple[str, str] | None:
        """(kiosk, kind) for a kiosk's topic of this site, else None."""
        parts = topic.split("/")
        if len(parts) == 5 and parts[:3] == ["pointnum", self.site, "kiosk"]:
            return parts[3], parts[4]
        return None


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MessageError(f"{what}: an integer")
    return value


@dataclass(frozen=True)
class KioskState:
    """A kiosk's state as the console shows it: no field for anything a person typed."""

    state: str = FREE
    procedure: str = ""
    step: int = 0
    steps: int = 0
    since: int = 0  # epoch seconds the state began
    faults: tuple[str, ...] = ()
    training: bool = False
    assisted: bool = False

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise MessageError(f"state {self.state!r}: one of {', '.join(STATES)}")
        if self.procedure:
            check_name("procedure", self.procedure)
        for value, what in ((self.step, "step"), (self.steps, "steps"), (self.since, "since")):
            _int(value, what)
        for fault in self.faults:
            if fault not in FAULTS:
                raise MessageError(f"fault {fault!r}: one of {', '.join(FAULTS)}")
        if not isinstance(self.training, bool) or not isinstance(self.assisted, bool):
            raise MessageError("training, assisted: true or false")

    def payload(self) -> bytes:
        data = asdict(self)
        data["faults"] = list(self.faults)
        return json.dumps(data, separators=(",", ":")).encode()

    @classmethod
    def read(cls, payload: bytes) -> KioskState:
        data = _object(payload)
        try:
            data["faults"] = tuple(data.get("faults", ()))
            return cls(**data)
        except TypeError as exc:
            raise MessageError("unknown or missing field") from exc


#: What a kiosk's last will says, retained.
OFFLINE_PAYLOAD = KioskState(state=OFFLINE).payload()


@dataclass(frozen=True)
class Call:
    """A kiosk's open call: its id (random, per call), since when, and when a console acknowledged it."""

    id: str
    since: int
    acked: int = 0  # epoch seconds, 0 while nobody answered
    by: str = field(default="")  # the console that answered

    def __post_init__(self) -> None:
        check_name("call", self.id)
        _int(self.since, "since")
        _int(self.acked, "acked")
        if self.by:
            check_name("console", self.by)

    def payload(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def read(cls, payload: bytes) -> Call | None:
        """None for an empty payload: no call open."""
        if not payload:
            return None
        try:
            return cls(**_object(payload))
        except TypeError as exc:
            raise MessageError("unknown or missing field") from exc


@dataclass(frozen=True)
class Ack:
    """A console answers a call: the mediator is coming."""

    call: str
    console: str

    def __post_init__(self) -> None:
        check_name("call", self.call)
        check_name("console", self.console)

    def payload(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def read(cls, payload: bytes) -> Ack:
        try:
            return cls(**_object(payload))
        except TypeError as exc:
            raise MessageError("unknown or missing field") from exc


def presence(online: bool) -> bytes:
    return json.dumps({"state": ONLINE if online else OFFLINE}).encode()


def read_presence(payload: bytes) -> bool:
    return bool(payload) and _object(payload).get("state") == ONLINE


def _object(payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MessageError("not JSON") from exc
    if not isinstance(data, dict):
        raise MessageError("not a JSON object")
    return data
