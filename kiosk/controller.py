"""Wires the session's flow to the screens.

The flow (session/flow.py) decides what each step's action does, what comes next and
when the procedure ends; the controller shows the screen for the flow's state
(kiosk/screens: screen_for), forwards the person's intents, and runs those that block
(scans, the submission, prints, the wipe) on the job queue. What the flow publishes
comes back through its listener (kiosk/follow.py); a session's start and end are
kiosk/sessions.py's, the devices' status kiosk/device_state.py's, the work ahead kiosk/ahead.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from session import flow as F
from session.catalogue import Catalogue, Procedure
from userfacing import UserFacingError

from .ahead import WorkAhead
from .demo_codes import DemoCodes
from .device_state import DeviceStates
from .follow import WORKS
from .i18n import tr
from .jobs import JobQueue
from .screens import screen_for
from .sessions import Sessions

if TYPE_CHECKING:  # a user's session is slow to import: not before the first screen
    from session import UserSession

log = logging.getLogger(__name__)


def _forward(intent: str):  # a method that forwards ``intent``, with its arguments, to the flow
    def forward(self, *args) -> None:
        self._intent(intent, *args)

    forward.__name__ = intent
    return forward


class Controller(EventDispatcher):
    flow = ObjectProperty(None, allownone=True)
    busy = BooleanProperty(False)
    busy_message = StringProperty("")
    notice = StringProperty("")
    goodbye_message = StringProperty("")
    assisted = BooleanProperty(False)
    cancellable = BooleanProperty(False)
    #: The page being scanned, as far as it is read (a texture), or None.
    scan_preview = ObjectProperty(None, allownone=True)
    scanner_state = StringProperty("")
    printer_state = StringProperty("")

    def __init__(
        self,
        *,
        catalogue: Catalogue,
        new_session: Callable[..., UserSession],
        jobs: JobQueue,
        demo_codes: Callable[[], dict] | None = None,
        devices=None,
        simulated: tuple[str, ...] = (),
        presence_by_udev: tuple[str, ...] = (),
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.devices = DeviceStates(self, devices, simulated, presence_by_udev)
        self.ahead = WorkAhead()
        self.sessions = Sessions(self)
        self.catalogue = catalogue
        self._new_session = new_session
        self.jobs = jobs
        self._demo = DemoCodes(jobs, demo_codes, self._demo_fetched)
        self.manager: Any = None  # the ScreenManager, set by the root widget
        self.idle: Any = None  # the IdleWatcher, set by the app
        self.procedure: Procedure | None = None
        self.last_scanned: str | None = None  # the pièce whose page the scan screen shows large
        self.mediator_call: Any = None  # the call for the mediator (kiosk/assist_call.py), set by the app

    @property
    def session(self) -> UserSession | None:
        """The user's session, from "J'ai tout" to the end (the flow's)."""
        return self.flow.session if self.flow is not None else None

    @property
    def demo(self) -> dict:
        """The demo codes last fetched (the checklist shows them), see kiosk/demo_codes.py."""
        return self._demo.codes

    # --- navigation -----------------------------------------------------------
    def show(self, name: str) -> None:
        screen = self.manager.get_screen(name)
        if hasattr(screen, "refresh"):
            screen.refresh()
        self.manager.current = name

    def show_state(self, state) -> None:
        """The screen for the flow's state (its listener calls this)."""
        self.show(screen_for(state.stage))
        self.ahead.after_step(self.manager, state)
        if self.mediator_call is not None:
            self.mediator_call.publish()  # the step n of N on the site bus

    def start(self) -> None:
        """The welcome screen was touched."""
        self._demo.refresh()
        self.show("chooser")

    def set_language(self, lang: str) -> None:
        tr.lang = lang

    def choose(self, procedure_id: str) -> None:
        self.procedure = self.catalogue[procedure_id]
        self.show("checklist")
        self.ahead.procedure(self.manager, self.procedure)

    def _demo_fetched(self) -> None:
        if self.manager is not None and self.manager.current == "checklist":
            self.manager.current_screen.refresh()

    def begin(self) -> None:
        """The checklist was read: the user's session starts here, or resumes (see kiosk/sessions.py)."""
        self.sessions.begin(self.procedure, self._new_session)

    # --- the person's intents, forwarded to the flow ----------------------------
    def can(self, intent: str) -> bool:
        """Whether the flow offers ``intent`` now (a screen greys its button otherwise)."""
        return self.flow is not None and self.flow.can(intent)

    def next(self, raw: dict[str, str] | None = None) -> None:
        self._intent(F.ANSWER, raw)

    def back(self, raw: dict[str, str] | None = None) -> None:
        if self.can(F.BACK):
            self._intent(F.BACK, raw)
        else:  # the checklist, before or out of the steps
            self.show("chooser")

    def recheck(self, field_id: str, value: str) -> bool:
        """Whether the error of ``field_id`` went, its new ``value`` being right (see Flow.recheck)."""
        return self.flow is not None and self.flow.can(F.KEEP) and self.flow.recheck(field_id, value)

    def scan(self, piece_id: str, intent: str = F.SCAN) -> None:
        self.last_scanned = piece_id  # its page is shown large
        self._intent(intent, piece_id)

    def rescan(self, piece_id: str) -> None:
        self.scan(piece_id, F.RESCAN)

    def cancel_scan(self) -> None:
        if self.flow is not None:
            self.flow.cancel_scan()
        self.busy_message = tr._("Arrêt de la numérisation…")

    edit = _forward(F.EDIT)  # (step_id)
    keep = _forward(F.KEEP)  # (raw): what was typed, while the screen is redrawn
    connect = _forward(F.CONNECT)  # FranceConnect in the browser window
    buy_timbre = _forward(F.BUY_TIMBRE)  # (field_id, values): the timbre shop in the browser window
    remove_page = _forward(F.REMOVE_PAGE)  # (piece_id)
    print_receipt = _forward(F.PRINT_RECEIPT)
    print_recap = _forward(F.PRINT_RECAP)
    print_attestation = _forward(F.PRINT_ATTESTATION)
    print_guidance = _forward(F.PRINT_GUIDANCE)
    done = _forward(F.FINISH)  # Terminer: the flow says the outcome, then the session ends

    def _intent(self, intent: str, *args) -> None:
        flow = self.flow
        if flow is None or not flow.can(intent):
            log.info("%s is not offered now: ignored", intent)
            return
        work, act = flow.blocking(intent), getattr(flow, intent)
        if work:
            self.run(work, lambda: act(*args))
            return
        from session import SessionError

        try:
            act(*args)
        except SessionError as exc:
            self._told(exc)

    # --- device and network work --------------------------------------------
    def run(self, work: str, fn, on_done=None, on_error=None) -> None:
        """``fn`` on the job queue, the screen busy with what the flow calls ``work`` meanwhile."""
        self.busy, self.busy_message, self.notice = True, tr._(WORKS[work]), ""
        self.cancellable = work == F.SCANNING

        def over() -> None:
            self.busy = self.cancellable = False
            self.scan_preview = None
            if self.flow is not None:
                self.flow.listener.scan_over()

        def done(result):
            over()
            if on_done:
                on_done(result)

        def failed(exc):
            over()
            self._told(exc)
            if on_error:
                on_error(exc)

        self.jobs.submit(fn, done, failed)

    def _told(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, UserFacingError):
            self.notice = exc.translated(tr._)
        else:  # a bug: the job queue has logged its traceback
            self.notice = tr._("Un problème est survenu. Réessayez ou appelez le médiateur.")

    # --- the end (see kiosk/sessions.py) -----------------------------------------
    def timed_out(self, reason: str) -> None:
        """Nobody answered the idle warning, or the site closes."""
        self.sessions.timed_out(reason)

    def finish(self, outcome: str = "abandoned") -> None:
        """End the user's session now: the screens cleared, the wipe on the job queue, goodbye."""
        self.ahead.drop()  # nothing made ahead for this session is made after its end
        self.sessions.finish(outcome)

    def shutdown(self) -> None:
        """The kiosk is stopping: the session's end, hurried and waited for."""
        self.sessions.shutdown()

    def reset(self) -> None:
        """Back to the welcome screen, in French, for the next person; a session
        still open (the person went back to the start) ends first."""
        if self.flow is not None:
            self.finish("abandoned")
            return
        tr.reset()
        self.sessions.no_goodbye()
        self.show("welcome")

    def call_mediator(self) -> None:
        """A call on the site bus; the banner says only what the bus answered (kiosk/assist_call.py)."""
        if self.session:
            self.session.note_help_call()
        self.assisted = True
        if self.mediator_call is not None:
            self.mediator_call.call()
