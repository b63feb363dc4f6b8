"""Wires the session core to the screens.

The wizard decides which step comes next; the controller shows the screen
for that step, forwards the user's intents to the session, and runs what
blocks (scans, the submission, the récépissé) on the job queue.
"""
from __future__ import annotations

import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Callable

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from session.catalogue import Catalogue

from .i18n import tr
from .jobs import JobQueue
from .theme import THEME

if TYPE_CHECKING:  # a user's session is slow to import: not before the first screen
    from session import UserSession

log = logging.getLogger(__name__)

#: Which screen shows which kind of step. A kind not listed (a new one the
#: session learns before the kiosk has a screen for it) is shown by the form
#: screen: its title, its intro text, its fields if any, and "Continuer".
SCREEN_FOR_KIND = {"form": "form", "pieces": "pieces", "recap": "recap", "confirmation": "confirmation",
                   "guidance": "guidance", "suivi": "form", "complement": "pieces", "connexion": "connexion"}

#: Seconds the goodbye screen stays before the welcome screen comes back.
GOODBYE_SECONDS = 12


def _texture_of(jpeg: bytes):
    """A texture from JPEG bytes, in memory only (no file, nothing kept in Kivy's cache)."""
    import io

    from kivy.core.image import Image as CoreImage

    try:
        return CoreImage(io.BytesIO(jpeg), ext="jpg", nocache=True).texture
    except Exception as exc:  # a preview is a comfort: the scan goes on without it
        log.debug("preview not shown: %s", type(exc).__name__)
        return None


class Controller(EventDispatcher):
    session = ObjectProperty(None, allownone=True)
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

    def __init__(self, *, catalogue: Catalogue, new_session: Callable[..., UserSession],
                 jobs: JobQueue, demo_codes: Callable[[], dict] | None = None, devices=None,
                 simulated: tuple[str, ...] = (), presence_by_udev: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.devices = devices
        self._simulated = simulated
        self._by_udev = presence_by_udev
        if devices is not None:
            # Called from pyudev's thread (and once at once): the labels change on Kivy's.
            devices.observe(lambda snapshot: Clock.schedule_once(lambda _dt: self._devices_changed(snapshot), 0))
        self.catalogue = catalogue
        self._new_session = new_session
        self.jobs = jobs
        self._demo_codes = demo_codes
        self.manager = None  # the ScreenManager, set by the root widget
        self.idle = None  # the IdleWatcher, set by the app
        self.procedure = None
        self.last_scanned = None  # the pièce whose page the scan screen shows large
        self._goodbye_event = None
        self._ahead: deque = deque()  # widgets to build while the user reads (see prepare)
        self._ahead_event = None
        self._demo = {}  # the demo codes, fetched off the UI thread
        #: True while the app loads, off the UI thread, what sessions need (see KioskApp).
        self.warming = False
        self._preview_shown = None  # the preview bytes the texture shows
        self._ending: set = set()  # sessions whose end runs on the job queue

    # --- work done ahead ------------------------------------------------------
    #: Milliseconds of building per frame, at most: a touch waits no longer.
    AHEAD_SLICE_MS = 8
    #: Seconds before the first slice.
    AHEAD_DELAY = .05

    def prepare(self, work) -> None:
        """Queue widget building (callables) to run in small slices between frames,
        while the user reads the screen: the next screens then show at once."""
        self._ahead.extend(work)
        if self._ahead and self._ahead_event is None:
            # Not in the frame that shows the screen just asked for: from the next ones.
            self._ahead_event = Clock.schedule_once(self._work_ahead, self.AHEAD_DELAY)

    def warmed(self, *_) -> None:
        self.warming = False

    @property
    def preparing(self) -> bool:
        return bool(self._ahead) or self.warming

    def _work_ahead(self, _dt) -> None:
        self._ahead_event = None
        deadline = time.perf_counter() + self.AHEAD_SLICE_MS / 1000
        while self._ahead and time.perf_counter() < deadline:
            work = self._ahead.popleft()
            try:
                work()
            except Exception:  # a screen built ahead is a saving, never a reason to stop
                log.exception("building ahead failed")
        if self._ahead:
            self._ahead_event = Clock.schedule_once(self._work_ahead, 0)

    def _prepare_procedure(self, procedure) -> None:
        """Queue the making of every step's widgets, in the order they come."""
        recap = self.manager.get_screen("recap")
        for step in procedure.steps:
            screen = self.manager.get_screen(SCREEN_FOR_KIND.get(step.kind, "form"))
            if hasattr(screen, "prepare"):
                self.prepare(screen.prepare(step))
            if step.kind in ("form", "pieces"):
                self.prepare(recap.prepare(step))

    # --- navigation -----------------------------------------------------------
    def show(self, name: str) -> None:
        screen = self.manager.get_screen(name)
        if hasattr(screen, "refresh"):
            screen.refresh()
        self.manager.current = name

    def start(self) -> None:
        """The welcome screen was touched."""
        self.fetch_demo_codes()
        self.show("chooser")

    def set_language(self, lang: str) -> None:
        tr.lang = lang

    def choose(self, procedure_id: str) -> None:
        self.procedure = self.catalogue[procedure_id]
        self.show("checklist")
        self._prepare_procedure(self.procedure)

    def demo_codes(self) -> dict:
        """The demo codes last fetched (see :meth:`fetch_demo_codes`)."""
        return self._demo

    def fetch_demo_codes(self) -> None:
        """Ask the demo backend for unused codes, off the UI thread (the checklist
        shows them): at each new start, since a session uses them up."""
        if self._demo_codes is None:
            return

        def fetch():
            try:
                return self._demo_codes()
            except Exception as exc:
                log.info("demo codes unavailable: %s", type(exc).__name__)
                return {}

        self.jobs.submit(fetch, on_done=self._demo_fetched)

    def _demo_fetched(self, codes: dict) -> None:
        self._demo = codes
        if self.manager is not None and self.manager.current == "checklist":
            self.manager.current_screen.refresh()

    def begin(self) -> None:
        """The checklist was read: the user's session starts here."""
        if self.session is not None:
            if self.session.procedure.id == self.procedure.id:
                self._show_step()  # came back to the checklist: resume where they were
                return
            # Another procedure: the session of the first one ends on the job
            # queue (a logout, the wipe and its check take seconds), the screen
            # busy meanwhile; the new one starts once the old one is wiped.
            old, self.session = self.session, None
            self._end_then(old, "abandoned", self._switched)
            return
        self._start_session()

    def _switched(self, report) -> None:
        if not report.clean:
            log.error("wipe left %d item(s) behind", len(report.leftovers))
            self.show("out_of_order")
            return
        self._start_session()

    def _end_then(self, session, outcome: str, then) -> None:
        """End ``session`` on the job queue, then ``then(report)`` on the UI thread."""
        self._ending.add(session)

        def ended(report) -> None:
            self._ending.discard(session)
            then(report)

        def failed(_exc) -> None:
            self._ending.discard(session)
            self.show("out_of_order")

        self._run(tr._("Effacement de vos données…"), lambda: session.end(outcome), ended, on_error=failed)

    def _start_session(self) -> None:
        try:
            self.session = self._new_session(self.procedure.id, on_change=self._wizard_changed)
            if self.idle is not None:
                self.idle.policy.session_started()
        except Exception as exc:
            log.error("session could not start: %s", type(exc).__name__)
            self.notice = tr._("La borne rencontre un problème. Appelez le médiateur.")
            return
        self._show_step()

    def _wizard_changed(self, _wizard) -> None:
        pass  # screens refresh when shown; errors are read from the wizard then

    def _show_step(self) -> None:
        view = self.session.wizard.view()
        self.show(SCREEN_FOR_KIND.get(view.step.kind, "form"))
        if view.step.kind in ("form", "pieces"):  # the récapitulatif so far, written ahead
            self.prepare([self.manager.get_screen("recap").fill])

    def next(self, raw: dict[str, str] | None = None) -> bool:
        kind = self.session.wizard.view().step.kind
        if kind == "suivi":
            return self._look_up(raw or {})
        if kind == "complement":
            return self._send_complement()
        moved = self.session.wizard.next(raw)
        if moved:
            self._show_step()
        else:
            screen = self.manager.current_screen
            if hasattr(screen, "show_errors"):
                screen.show_errors()
        return moved

    def back(self, raw: dict[str, str] | None = None) -> None:
        wizard = self.session.wizard
        if raw:
            wizard.set_values(raw)  # keep what was typed, even unfinished
        if wizard.back():
            self._show_step()
        else:
            self.show("checklist")

    def _show_errors(self) -> None:
        screen = self.manager.current_screen
        if hasattr(screen, "show_errors"):
            screen.show_errors()

    def _look_up(self, raw: dict[str, str]) -> bool:
        """Suivre ma demande: the numéro typed, ANTS answers its statut and history."""
        session = self.session
        wizard = session.wizard
        field = next((f for f in wizard.view().fields if f.kind == "numero_demande"), None)
        if field is None or not wizard.set_values(raw):
            self._show_errors()
            return False
        numero = wizard.values.get(field.id, "")
        self._run(tr._("Recherche de votre demande…"), lambda: session.lookup_demande(numero),
                  lambda _found: self.show("suivi"), on_error=lambda _exc: self._show_errors())
        return True

    def to_complement(self) -> None:
        """From the suivi's answer to the scan of the document an agent asked for."""
        if self.session.wizard.next():
            self._show_step()

    def _send_complement(self) -> bool:
        session = self.session
        if session.wizard.missing_pieces():
            self._show_errors()
            return False
        self._run(tr._("Envoi des documents à l'ANTS…"), session.answer_complement,
                  lambda _answer: self._show_step())
        return True

    def connect(self, login: str, password: str) -> None:
        """FranceConnect, for the procedures that need it; then the next step."""
        session = self.session

        def connected(_identity) -> None:
            if session.wizard.next():
                self._show_step()

        self._run(tr._("Connexion à FranceConnect…"), lambda: session.login_franceconnect(login, password),
                  connected)

    def print_recap(self) -> None:
        session = self.session

        def printed(_result) -> None:
            self.notice = tr._("La feuille est imprimée. Prenez-la sous l'imprimante.")

        self._run(tr._("Impression…"), session.print_recap_a4, printed)

    def print_attestation(self) -> None:
        """The attestation d'inscription, recto-verso on the A4 printer (confirmation screen)."""
        session = self.session

        def printed(_result) -> None:
            self.notice = tr._("L'attestation est imprimée recto-verso. Prenez la feuille sous l'imprimante.")

        self._run(tr._("Impression de l'attestation…"), session.print_attestation, printed)

    def print_guidance(self) -> None:
        session = self.session

        def printed(_where) -> None:
            self.notice = tr._("La feuille est imprimée. Prenez-la sous l'imprimante.")

        self._run(tr._("Impression…"), session.print_guidance, printed)

    def after_confirmation(self) -> None:
        """"Terminer" on the confirmation: what is left to do by post comes first, if any."""
        wizard = self.session.wizard
        current = wizard.view().step.id
        if wizard.next() and wizard.view().step.id != current:
            self._show_step()
        else:
            self.finish("submitted")

    def edit(self, step_id: str) -> None:
        self.session.wizard.goto(step_id, from_recap=True)
        self._show_step()

    # --- the devices' status, live ---------------------------------------------
    def _devices_changed(self, snapshot) -> None:
        words = {"scanner": (tr._("Scanner"), "scanner_state"), "printer": (tr._("Imprimante"), "printer_state")}
        for kind, (name, attr) in words.items():
            status = snapshot.get(kind)
            if status is None:
                continue
            if status.last_error:
                state = tr._("en panne")
            elif kind in self._simulated:
                state = tr._("simulé")
            elif kind in self._by_udev and not status.present:
                state = tr._("débranché")
            else:
                state = tr._("prêt")  # a network printer is not seen by udev: ready until it fails
            setattr(self, attr, f"{name} : {state}")

    def _report(self, kind: str, exc: BaseException | None) -> None:
        """A driver's failure (or success) as the device's state on screen."""
        if self.devices is None:
            return
        cause = exc.__cause__ if exc is not None else None
        if cause is not None and type(cause).__module__.startswith("drivers."):
            self.devices.report_error(kind, cause)
        elif exc is None:
            self.devices.clear_error(kind)

    # --- device and network work --------------------------------------------
    def _run(self, message: str, fn, on_done, on_error=None) -> None:
        self.busy, self.busy_message, self.notice = True, message, ""

        def done(result):
            self.busy = False
            on_done(result)

        def failed(exc):
            from session import SessionError

            self.busy = False
            if isinstance(exc, SessionError):
                self.notice = exc.message_fr
            else:
                log.error("unexpected failure: %s", type(exc).__name__)
                self.notice = tr._("Un problème est survenu. Réessayez ou appelez le médiateur.")
            if on_error:
                on_error(exc)
            screen = self.manager.current_screen
            if self.session is not None and hasattr(screen, "refresh"):
                screen.refresh()

        self.jobs.submit(fn, done, failed)

    def scan(self, piece_id: str) -> None:
        session = self.session
        self.last_scanned = piece_id
        self.cancellable = True
        self._progress_event = Clock.schedule_interval(lambda _dt: self._scan_progress(session), 0.2)

        def done(_result=None):
            self._scan_over()
            self._report("scanner", None)
            self._refresh_if_current()

        def failed(exc):
            self._scan_over()
            self._report("scanner", exc)

        self._run(tr._("Numérisation en cours… Ne bougez pas le document."),
                  lambda: session.scan_piece(piece_id), done, on_error=failed)

    def _scan_progress(self, session) -> None:
        job = session.scan_job
        if job is None:
            return
        progress = job.progress
        text = tr._("Numérisation en cours… Ne bougez pas le document.")
        if progress.pages_done:
            text += "\n" + tr._("{} page(s) numérisée(s).").format(progress.pages_done)
        if progress.percent is not None:
            text += "\n" + tr._("Page en cours : {} %").format(int(progress.percent))
        self.busy_message = text
        if progress.preview is not None and progress.preview is not self._preview_shown:
            self._preview_shown = progress.preview
            self.scan_preview = _texture_of(progress.preview)

    def _scan_over(self) -> None:
        self.scan_preview = self._preview_shown = None
        self.cancellable = False
        event = getattr(self, "_progress_event", None)
        if event is not None:
            event.cancel()

    def cancel_scan(self) -> None:
        if self.session is not None:
            self.session.cancel_scan()
        self.busy_message = tr._("Arrêt de la numérisation…")

    def _refresh_if_current(self, _result=None) -> None:
        """A job's result arrives: show it, unless the session ended meanwhile."""
        if self.session is not None:
            self.manager.current_screen.refresh()

    def rescan(self, piece_id: str) -> None:
        """The page is not right: it goes, and the scanner takes it again."""
        self.session.remove_page(piece_id)
        self.scan(piece_id)

    def remove_page(self, piece_id: str) -> None:
        self.session.remove_page(piece_id)
        self.manager.current_screen.refresh()

    def submit(self, raw: dict[str, str]) -> None:
        wizard = self.session.wizard
        if not wizard.set_values(raw) or not wizard.step_complete():
            self.manager.current_screen.show_errors()
            return
        session = self.session
        self._run(tr._("Envoi de votre demande à l'ANTS…"), session.submit, self._submitted,
                  on_error=lambda _exc: self._show_step() if wizard.errors else None)

    def _submitted(self, _numero: str) -> None:
        self._show_step()
        self.print_receipt()

    def print_receipt(self) -> None:
        session = self.session
        def printed(_result=None):
            self._report("printer", None)
            self._refresh_if_current()

        self._run(tr._("Impression du récépissé…"), session.print_receipt, printed,
                  on_error=lambda exc: self._report("printer", exc))

    # --- the end --------------------------------------------------------------
    def timed_out(self, reason: str) -> None:
        """Nobody answered the warning, or the site closes."""
        if self.session is not None:
            self.finish("closing" if reason == "closing" else "idle")
        else:
            self.clear_ui()
            self.reset()

    def clear_ui(self) -> None:
        """Nothing of the user on any screen, nor in the clipboard; default text size and colours."""
        for screen in self.manager.screens:
            if hasattr(screen, "clear"):
                screen.clear()
        try:
            from kivy.core.clipboard import Clipboard

            Clipboard.copy("")
        except Exception as exc:  # no clipboard provider on this system: nothing to clear
            log.debug("clipboard not cleared: %s", type(exc).__name__)
        THEME.reset()
        self.last_scanned = None
        self.assisted = False
        self.busy = False
        self.notice = ""

    def finish(self, outcome: str = "abandoned") -> None:
        """End the user's session (Terminer, abandon, idle): clear the screens at
        once, then log out, delete and check on the worker; then say goodbye."""
        session, self.session = self.session, None
        self.procedure = None
        self.clear_ui()
        if self.idle is not None:
            self.idle.policy.session_ended()
        if session is None:
            self.reset()
            return
        self._end_then(session, outcome, self._wiped)

    #: Seconds the ends of sessions may take, in all, when the kiosk is stopped:
    #: well within systemd's stop timeout (TimeoutStopSec, 90 s by default).
    STOP_END_S = 40.0

    def shutdown(self) -> None:
        """The kiosk is stopping (systemd's SIGTERM): the session ends now, on
        this thread, hurried (one short logout try, then the wipe: see
        UserSession.end), and ends already under way on the job queue are
        waited for, until STOP_END_S seconds after the stop at most. The
        process exits after: what a wipe misses then, the next start purges."""
        deadline = time.monotonic() + self.STOP_END_S
        session, self.session = self.session, None
        for ending in ([session] if session is not None else []) + list(self._ending):
            try:  # an end the job queue has not begun yet is done here; one under way is waited for
                report = ending.end("crash", hurry=True)
                if not report.clean:
                    log.error("wipe at stop left %d item(s) behind", len(report.leftovers))
            except Exception:
                log.exception("a session's end failed at stop")
            if not ending.wait_ended(max(0.0, deadline - time.monotonic())):
                log.error("a session's end was not over %g s after the kiosk was stopped", self.STOP_END_S)

    def _wiped(self, report) -> None:
        self.notice = ""
        if not report.clean:
            log.error("wipe left %d item(s) behind", len(report.leftovers))
            self.show("out_of_order")
            return
        self.goodbye_message = tr._("Vos données ont été effacées de la borne.")
        self.show("goodbye")
        if self._goodbye_event:
            self._goodbye_event.cancel()
        self._goodbye_event = Clock.schedule_once(lambda _dt: self.reset(), GOODBYE_SECONDS)

    def reset(self) -> None:
        """Back to the welcome screen, in French, for the next person."""
        tr.reset()
        if self._goodbye_event:
            self._goodbye_event.cancel()
            self._goodbye_event = None
        self.show("welcome")

    def call_mediator(self) -> None:
        if self.session:
            self.session.note_help_call()
        self.assisted = True
        self.notice = tr._("Un médiateur a été prévenu. Il arrive pour vous aider.")
