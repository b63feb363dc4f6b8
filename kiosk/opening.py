"""The site's opening hours on the screen: the "fermé" screen outside them, a
notice ten minutes (``[hours] warning_min``) before closing, and the end of a
session still open at closing time, wiped as at any other end.

The hours themselves are session/opening.py's; this module only looks at the
wall clock every :data:`TICK_S` seconds and tells the controller.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable
from typing import Any

from session.opening import OpeningHours, next_opening_words

from .i18n import tr

log = logging.getLogger(__name__)

#: Seconds between two looks at the clock.
TICK_S = 15.0
#: The screens a closed kiosk may replace: nobody is in the middle of anything there.
IDLE_SCREENS = ("welcome", "closed")


class OpeningWatch:
    def __init__(
        self,
        controller: Any,
        hours: OpeningHours,
        *,
        warning_min: float = 10,
        site_url: str = "",
        nearby: tuple[str, ...] = (),
        wall: Callable[[], _dt.datetime] = _dt.datetime.now,
    ) -> None:
        self.controller = controller
        self.hours = hours
        self.site_url = site_url
        self.nearby = nearby
        self.warning_min = warning_min
        self.wall = wall
        self._warned_for: _dt.datetime | None = None  # the closing a notice was given for

    def is_open(self) -> bool:
        return self.hours.is_open(self.wall())

    def reopening(self) -> tuple[str, _dt.time | None]:
        """(the day's words in French, its hour) of the next opening; ("", None) when none is known."""
        now = self.wall()
        opening = self.hours.next_opening(now)
        if opening is None:
            return "", None
        return next_opening_words(opening, now)[0], opening.time()

    def tick(self, *_args: object) -> None:
        controller = self.controller
        if controller.manager is None:
            return
        now = self.wall()
        if controller.flow is None:
            current = controller.manager.current
            if current in IDLE_SCREENS:
                wanted = "welcome" if self.hours.is_open(now) else "closed"
                if current != wanted:
                    log.info("site %s: %s screen", "open" if wanted == "welcome" else "closed", wanted)
                    if wanted == "closed":
                        controller.manager.get_screen("closed").watch = self  # what the screen shows
                    controller.show(wanted)
            return
        if not self.hours.is_open(now):
            controller.timed_out("closing")  # the session ends as on any other end: wiped, checked
            return
        closing = self.hours.closes_at(now)
        minutes = self.hours.minutes_to_closing(now)
        if closing is not None and minutes is not None and minutes <= self.warning_min and self._warned_for != closing:
            self._warned_for = closing
            controller.notice = tr._(
                "La borne ferme à {heure}. Terminez votre démarche avant : à cette heure-là, "
                "tout ce que vous avez saisi sera effacé."
            ).format(heure=hour_words(closing.time()))


def hour_words(moment: _dt.time) -> str:
    """An hour as the kiosk's language writes it ("16 h 00" in French)."""
    return tr._("{heures} h {minutes}").format(heures=moment.hour, minutes=f"{moment.minute:02d}")
