"""The app-level idle watch: the root widget's touches re-arm it; it warns
with a countdown, then ends the session through the controller. One watch for
the whole app, never a timer per screen."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import NumericProperty, StringProperty

from session.idle import IdlePolicy

#: Screens where nobody's data is on show: nothing to watch.
RESTING = ("welcome", "goodbye", "out_of_order")
FIRST = ("chooser", "checklist")


class IdleWatcher(EventDispatcher):
    phase = StringProperty("active")  # active | warning
    remaining = NumericProperty(0)
    reason = StringProperty("idle")

    def __init__(self, policy: IdlePolicy, controller, interval: float = 0.25, **kwargs):
        super().__init__(**kwargs)
        self.policy = policy
        self.controller = controller
        controller.idle = self
        self.ticks = 0
        self._event = Clock.schedule_interval(self._tick, interval)

    def touched(self) -> None:
        self.policy.touched()
        if self.phase != "active":
            self.phase = "active"

    def _context(self, screen: str) -> str:
        if self.controller.assisted:
            return "mediator"
        if screen == "pieces":
            return "scan"
        return "first" if screen in FIRST else "step"

    def _tick(self, _dt) -> None:
        self.ticks += 1
        manager = self.controller.manager
        if manager is None:
            return
        screen = manager.current
        if screen in RESTING or self.controller.busy:
            self.policy.touched()  # a scan or a submission in progress is not an absence
            self.phase = "active"
            return
        self.policy.set_context(self._context(screen))
        state = self.policy.state()
        if state.phase == "expired":
            self.phase = "active"
            self.controller.timed_out(state.reason)
            return
        # The phase last: what follows it (the warning said aloud) reads the countdown and the reason.
        self.remaining, self.reason = round(state.remaining), state.reason
        self.phase = state.phase

    def stop(self) -> None:
        self._event.cancel()
