"""When an absent user's session ends: one policy for the whole app.

The timeout depends on where the user is (short on the first screens,
longer while scanning, longest while a médiateur helps), and is always
preceded by a warning with a countdown. The site's closing time ends any
session too, with the same warning.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable
from dataclasses import dataclass

#: Where the user is, as far as the idle policy cares.
CONTEXTS = ("first", "step", "scan", "mediator")


@dataclass(frozen=True)
class IdleTimeouts:
    first: float = 60.0
    step: float = 180.0
    scan: float = 300.0
    mediator: float = 900.0
    warning: float = 30.0

    def for_context(self, context: str) -> float:
        seconds: float = getattr(self, context)
        return seconds


@dataclass(frozen=True)
class IdleState:
    phase: str  # "active" | "warning" | "expired"
    remaining: float = 0.0  # seconds left in the warning
    reason: str = "idle"  # "idle" | "closing"


class IdlePolicy:
    def __init__(
        self,
        timeouts: IdleTimeouts,
        *,
        closing_time: _dt.time | None = None,
        now: Callable[[], float] = time.monotonic,
        wall: Callable[[], _dt.datetime] = _dt.datetime.now,
    ):
        self.timeouts = timeouts
        self.closing_time = closing_time
        self._now = now
        self._wall = wall
        self.context = "first"
        self._last = now()
        self._session_started: _dt.datetime | None = None

    def touched(self) -> None:
        self._last = self._now()

    def session_started(self) -> None:
        """Closing time ends the sessions begun before it, not those begun after."""
        self._session_started = self._wall()
        self.touched()

    def session_ended(self) -> None:
        self._session_started = None
        self.context = "first"

    def set_context(self, context: str) -> None:
        if context not in CONTEXTS:
            raise ValueError(context)
        self.context = context

    def _until_closing(self) -> float | None:
        if self.closing_time is None or self._session_started is None:
            return None
        wall = self._wall()
        closing = self._session_started.replace(
            hour=self.closing_time.hour, minute=self.closing_time.minute, second=0, microsecond=0
        )
        if self._session_started >= closing:
            return None
        return (closing - wall).total_seconds()

    def state(self) -> IdleState:
        warning = self.timeouts.warning
        to_closing = self._until_closing()
        if to_closing is not None and to_closing <= warning:
            if to_closing <= 0:
                return IdleState("expired", 0.0, "closing")
            return IdleState("warning", to_closing, "closing")
        idle_for = self._now() - self._last
        limit = self.timeouts.for_context(self.context)
        if idle_for >= limit + warning:
            return IdleState("expired", 0.0)
        if idle_for >= limit:
            return IdleState("warning", limit + warning - idle_for)
        return IdleState("active")


def parse_closing_time(text: str) -> _dt.time | None:
    """ "18:30" → 18:30; "" → no closing time."""
    if not text:
        return None
    hours, minutes = text.split(":")
    return _dt.time(int(hours), int(minutes))
