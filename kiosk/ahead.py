"""Work done ahead, between frames, while the user reads the screen.

Making a screen's widgets costs milliseconds each (Kivy applies its rules
widget by widget): the screens of a procedure's steps, the récapitulatif so
far, the other screens after the first frame are made in small slices, each
under AHEAD_SLICE_MS, so that a touch never waits longer and the next screen
shows at once.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable

from kivy.clock import Clock

from .screens import screen_for

log = logging.getLogger(__name__)

#: The kinds of step whose answers the récapitulatif shows, each in its own section.
SHOWN_ON_RECAP = ("form", "pieces")


class WorkAhead:
    #: Milliseconds of building per frame, at most: a touch waits no longer.
    AHEAD_SLICE_MS = 8
    #: Seconds before the first slice.
    AHEAD_DELAY = 0.05

    def __init__(self):
        self._work: deque[Callable[[], object]] = deque()
        self._event = None
        #: True while the app loads, off the UI thread, what sessions need (see KioskApp).
        self.warming = False

    @property
    def preparing(self) -> bool:
        return bool(self._work) or self.warming

    def warmed(self, *_) -> None:
        self.warming = False

    def prepare(self, work: Iterable[Callable[[], object]]) -> None:
        """Queue widget building (callables), run in slices between frames."""
        self._work.extend(work)
        if self._work and self._event is None:
            # Not in the frame that shows the screen just asked for: from the next ones.
            self._event = Clock.schedule_once(self._slice, self.AHEAD_DELAY)

    def _slice(self, _dt) -> None:
        self._event = None
        deadline = time.perf_counter() + self.AHEAD_SLICE_MS / 1000
        while self._work and time.perf_counter() < deadline:
            work = self._work.popleft()
            try:
                work()
            except Exception:  # a screen built ahead is a saving, never a reason to stop
                log.exception("building ahead failed")
        if self._work:
            self._event = Clock.schedule_once(self._slice, 0)

    def drop(self) -> None:
        """The session ended: what was queued for it is not made (its widgets
        would belong to no one, or be taken for the next person's)."""
        self._work.clear()
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def procedure(self, manager, procedure) -> None:
        """The widgets of every step of ``procedure``, in the order they come,
        each for that procedure only (see MadeAhead)."""
        recap = manager.get_screen("recap")
        for step in procedure.steps:
            screen = manager.get_screen(screen_for(step.kind))
            if hasattr(screen, "prepare"):
                self.prepare(screen.prepare(step, procedure.id))
            if step.kind in SHOWN_ON_RECAP:
                self.prepare(recap.prepare(step, procedure.id))

    def after_step(self, manager, state) -> None:
        """A step is shown: the récapitulatif so far, written ahead."""
        if state.stage in SHOWN_ON_RECAP:
            self.prepare([manager.get_screen("recap").fill])
