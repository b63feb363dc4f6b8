"""A user's session on the kiosk, from "J'ai tout" to the goodbye screen.

It starts when the checklist is read and resumes when the person comes back to
the same procedure's checklist. It ends (Terminer, abandon, another procedure
chosen, idle, closing time) with every screen cleared at once; the logout, the
wipe and its check run on the job queue, the screen busy meanwhile but never
waiting for them; then the goodbye screen, and the welcome screen for the next
person. When the kiosk is stopped, the end is done before the process exits,
hurried and bounded. What the person does in between is the flow's
(session/flow.py), which the controller follows.
"""

from __future__ import annotations

import logging
import time

from kivy.clock import Clock

from session.flow import WIPING, Flow

from .follow import ScreensFollow
from .i18n import tr
from .theme import THEME

log = logging.getLogger(__name__)

#: Seconds the goodbye screen stays before the welcome screen comes back.
GOODBYE_SECONDS = 12


class Sessions:
    #: Seconds the ends of sessions may take, in all, when the kiosk is stopped:
    #: well within systemd's stop timeout (TimeoutStopSec, 90 s by default).
    STOP_END_S = 40.0

    def __init__(self, controller):
        self.controller = controller
        self._ending: set[Flow] = set()  # flows whose end runs on the job queue
        self._goodbye_event = None

    def begin(self, procedure, new_session) -> None:
        """The checklist of ``procedure`` was read: its session starts
        (``new_session(procedure_id)``), or resumes where the person was."""
        flow = self.controller.flow
        if flow is None:
            self._start(procedure, new_session)
        elif flow.session.procedure.id == procedure.id:
            flow.resume()
        else:
            # Another procedure: the first one's session ends on the job queue (a
            # logout, the wipe and its check take seconds), the screen busy
            # meanwhile; the new one starts once the old one is wiped.
            self.controller.flow = None
            self.end_then(flow, "abandoned", lambda report: self._switched(report, procedure, new_session))

    def _switched(self, report, procedure, new_session) -> None:
        if not report.clean:
            log.error("wipe left %d item(s) behind", len(report.leftovers))
            self.controller.show("out_of_order")
            return
        self._start(procedure, new_session)

    def _start(self, procedure, new_session) -> None:
        controller = self.controller
        try:
            session = new_session(procedure.id)
            if controller.idle is not None:
                controller.idle.policy.session_started()
        except Exception as exc:
            log.error("session could not start: %s", type(exc).__name__)
            controller.notice = tr._("La borne rencontre un problème. Appelez le médiateur.")
            return
        follow = ScreensFollow(controller)
        controller.flow = follow.flow = Flow(session, follow)
        controller.flow.resume()

    def timed_out(self, reason: str) -> None:
        """Nobody answered the idle warning, or the site closes."""
        if self.controller.flow is not None:
            self.finish("closing" if reason == "closing" else "idle")
        else:
            self.clear_screens()
            self.controller.reset()

    def clear_screens(self) -> None:
        """Nothing of the user on any screen, nor in the clipboard; default text size and colours."""
        controller = self.controller
        for screen in controller.manager.screens:
            if hasattr(screen, "clear"):
                screen.clear()
        try:
            from kivy.core.clipboard import Clipboard

            Clipboard.copy("")
        except Exception as exc:  # no clipboard provider on this system: nothing to clear
            log.debug("clipboard not cleared: %s", type(exc).__name__)
        THEME.reset()
        controller.last_scanned = None
        controller.assisted = controller.busy = False
        controller.notice = ""

    def finish(self, outcome: str) -> None:
        """End the user's session: clear the screens at once, then log out,
        delete and check on the worker; then say goodbye."""
        controller = self.controller
        flow, controller.flow = controller.flow, None
        controller.procedure = None
        self.clear_screens()
        if controller.idle is not None:
            controller.idle.policy.session_ended()
        if flow is None:
            controller.reset()
            return
        self.end_then(flow, outcome, self._wiped)

    def end_then(self, flow: Flow, outcome: str, then) -> None:
        """End ``flow``'s session on the job queue, then ``then(report)`` on the UI thread."""
        self._ending.add(flow)

        def ended(report) -> None:
            self._ending.discard(flow)
            then(report)

        def failed(_exc) -> None:
            self._ending.discard(flow)
            self.controller.show("out_of_order")

        self.controller.run(WIPING, lambda: flow.end(outcome), ended, on_error=failed)

    def _wiped(self, report) -> None:
        controller = self.controller
        controller.notice = ""
        if not report.clean:
            log.error("wipe left %d item(s) behind", len(report.leftovers))
            controller.show("out_of_order")
            return
        controller.goodbye_message = tr._("Vos données ont été effacées de la borne.")
        controller.show("goodbye")
        self.no_goodbye()
        self._goodbye_event = Clock.schedule_once(lambda _dt: controller.reset(), GOODBYE_SECONDS)

    def no_goodbye(self) -> None:
        """The goodbye screen's timer, cancelled: the welcome screen is back already."""
        if self._goodbye_event:
            self._goodbye_event.cancel()
            self._goodbye_event = None

    def shutdown(self) -> None:
        """The kiosk is stopping (systemd's SIGTERM): the session ends now, on
        this thread, hurried (one short logout try, then the wipe: see
        UserSession.end), and ends already under way on the job queue are
        waited for, until STOP_END_S seconds after the stop at most. The
        process exits after: what a wipe misses then, the next start purges."""
        deadline = time.monotonic() + self.STOP_END_S
        flow, self.controller.flow = self.controller.flow, None
        for ending in ([flow] if flow is not None else []) + list(self._ending):
            try:  # an end the job queue has not begun yet is done here; one under way is waited for
                report = ending.end("crash", hurry=True)
                if not report.clean:
                    log.error("wipe at stop left %d item(s) behind", len(report.leftovers))
            except Exception:
                log.exception("a session's end failed at stop")
            if not ending.wait_ended(max(0.0, deadline - time.monotonic())):
                log.error("a session's end was not over %g s after the kiosk was stopped", self.STOP_END_S)
