"""When the site is open: its hours by weekday (ranges, a lunch break between
two), its closed days, and what follows from them for the kiosk: open now or
not, when the current opening ends, when the next one begins.

Pure: the wall clock is passed in, so that a test can say "Monday 12:31 in
Draguignan" and the kiosk its local time. A week with no range at all is a site
that gave no hours: always open (the demo, a site being set up).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: The French name of each day, in the same order (the closed screen's wording is translated by the UI).
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
#: How far ahead a next opening is looked for: a site closed longer than this says none.
HORIZON_DAYS = 400

Range = tuple[_dt.time, _dt.time]


def _clock(text: str) -> _dt.time:
    hours, minutes = (int(part) for part in text.split(":"))
    return _dt.time.max if (hours, minutes) == (24, 0) else _dt.time(hours, minutes)


def parse_range(text: str) -> Range:
    """ "08:30-12:30" → (08:30, 12:30); "24:00" ends at midnight."""
    start, end = text.split("-")
    return _clock(start), _clock(end)


@dataclass(frozen=True)
class OpeningHours:
    #: Ranges by weekday, Monday 0; each day's sorted.
    week: tuple[tuple[Range, ...], ...]
    #: "YYYY-MM-DD" (one date) or "MM-DD" (every year).
    closed_days: frozenset[str] = frozenset()

    @classmethod
    def from_ranges(cls, days: Mapping[str, Sequence[str]], closed_days: Iterable[str] = ()) -> OpeningHours:
        week = tuple(tuple(sorted(parse_range(r) for r in days.get(day, ()))) for day in WEEKDAYS)
        return cls(week, frozenset(closed_days))

    @classmethod
    def from_settings(cls, hours: object) -> OpeningHours:
        """From a ``config.HoursSettings`` (read by name: this module does not import config)."""
        days = {day: list(getattr(hours, day, [])) for day in WEEKDAYS}
        return cls.from_ranges(days, getattr(hours, "closed_days", []))

    @property
    def always_open(self) -> bool:
        return not any(self.week)

    def closed_on(self, day: _dt.date) -> bool:
        return day.isoformat() in self.closed_days or day.isoformat()[5:] in self.closed_days

    def ranges_on(self, day: _dt.date) -> tuple[Range, ...]:
        return () if self.closed_on(day) else self.week[day.weekday()]

    def _current(self, when: _dt.datetime) -> Range | None:
        now = when.time()
        for start, end in self.ranges_on(when.date()):
            if start <= now < end:
                return start, end
        return None

    def is_open(self, when: _dt.datetime) -> bool:
        return self.always_open or self._current(when) is not None

    def closes_at(self, when: _dt.datetime) -> _dt.datetime | None:
        """The end of the opening ``when`` is in (None when closed, or always open)."""
        current = None if self.always_open else self._current(when)
        if current is None:
            return None
        return _dt.datetime.combine(when.date(), current[1], tzinfo=when.tzinfo).replace(microsecond=0)

    def next_opening(self, when: _dt.datetime) -> _dt.datetime | None:
        """The start of the next opening after ``when`` (None: always open, or none within HORIZON_DAYS)."""
        if self.always_open:
            return None
        for offset in range(HORIZON_DAYS):
            day = when.date() + _dt.timedelta(days=offset)
            for start, _end in self.ranges_on(day):
                opening = _dt.datetime.combine(day, start, tzinfo=when.tzinfo)
                if opening > when:
                    return opening
        return None

    def minutes_to_closing(self, when: _dt.datetime) -> float | None:
        end = self.closes_at(when)
        return None if end is None else (end - when).total_seconds() / 60


def spoken_time(moment: _dt.time) -> str:
    """ "8 h 30", "14 h", as the French say and write an hour."""
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def next_opening_words(opening: _dt.datetime, now: _dt.datetime) -> tuple[str, str]:
    """(the day, the hour) of ``opening`` seen from ``now``, in French: ("aujourd'hui", "13 h 15"),
    ("demain", "8 h 30"), ("lundi", "8 h 30") within the week, else ("le 02/03", …)."""
    days = (opening.date() - now.date()).days
    if days == 0:
        day = "aujourd'hui"
    elif days == 1:
        day = "demain"
    elif days < 7:
        day = JOURS[opening.weekday()]
    else:
        day = f"le {opening:%d/%m}"
    return day, spoken_time(opening.time())
