"""The flow of one user through a procedure: what the current step's action
does, what comes next, when the procedure ends and what is printed on the way.

The screens (``kiosk/``) and ``kioskctl simulate`` are two faces of this one
state machine: each shows its :class:`FlowState` (or reads it, for a script)
and calls its intents, the things a person does: answer a step, go back,
scan a pièce, log in, print, finish. The flow drives the user's
:class:`~session.usersession.UserSession` and its wizard; it never knows which
face calls it, and publishes what changed to a :class:`FlowListener`
(Mopidy's ``CoreListener``). Adding a step kind is one entry of
:attr:`Flow.ACTIONS` here, one screen, and a script line.

Threading is the face's choice, the flow's rule is this: an intent that
touches a device or the network blocks until it is over (:meth:`Flow.blocking`
names the work, in the current state, or "" when the intent returns at once).
A UI runs those on its worker and the others on its own thread; the listener is
called on the thread the intent runs on, and a UI brings the calls to its own.
A failure the user is told of is raised to the caller, after the listener has
been given the state it left (the errors to show, the step it moved to).

The keys this module publishes (stages, works, notices) are names, not
sentences: each face says them in its own words and languages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a user's session is slow to import: the kiosk's first screen needs only the names
    from .catalogue import Field, Piece
    from .ports import ScanJob, ScanProgress
    from .usersession import UserSession
    from .wizard import StepView
    from .workspace import WipeReport

__all__ = ["Flow", "FlowListener", "FlowState", "NotNow"]

# --- stages: a step's kind, or one of the flow's own ------------------------------------
#: Back before the first step: the procedure's checklist again, every answer kept.
CHECKLIST = "checklist"
#: The suivi's demande found: its statut and history, and a complément to send if one is asked.
FOUND = "found"
#: The session is over and wiped.
ENDED = "ended"

# --- intents: what a person does ---------------------------------------------------------
ANSWER = "answer"  # the step's own action: Continuer, Rechercher, Envoyer, Valider et envoyer, Terminer
BACK = "back"
EDIT = "edit"  # a section of the récapitulatif: "Modifier"
KEEP = "keep"  # what was typed, kept while the screen is redrawn (language, text size)
RESUME = "resume"  # the current step shown again (from the checklist, or at the start)
SCAN = "scan"
RESCAN = "rescan"
REMOVE_PAGE = "remove_page"
CANCEL_SCAN = "cancel_scan"
CONNECT = "connect"
BUY_TIMBRE = "buy_timbre"  # "Acheter un timbre": the timbre shop in the browser window
PRINT_RECEIPT = "print_receipt"  # the récépissé, or the suivi's ticket; printed again after a fault
PRINT_RECAP = "print_recap"
PRINT_ATTESTATION = "print_attestation"
PRINT_GUIDANCE = "print_guidance"
FINISH = "finish"  # the person is done: the face then ends the session (END)
END = "end"  # the session ends and is wiped: Terminer, abandon, idle, closing time, stop

# --- works: what a blocking intent waits for ---------------------------------------------
LOOKUP = "lookup"
SENDING = "sending"
LOGIN = "login"
PAYING = "paying"
SUBMITTING = "submitting"
RECEIPT = "receipt"
PRINTING = "printing"
ATTESTATION = "attestation"
SCANNING = "scanning"
WIPING = "wiping"

# --- notices: what a face tells once it is done -------------------------------------------
SHEET_PRINTED = "sheet_printed"
ATTESTATION_PRINTED = "attestation_printed"

# --- devices a face may show the state of -------------------------------------------------
SCANNER = "scanner"
PRINTER = "printer"

#: What each intent waits for, whatever the step (ANSWER: see Flow.ACTIONS).
_WORK = {
    SCAN: SCANNING,
    RESCAN: SCANNING,
    CONNECT: LOGIN,
    BUY_TIMBRE: PAYING,
    PRINT_RECEIPT: RECEIPT,
    PRINT_RECAP: PRINTING,
    PRINT_ATTESTATION: ATTESTATION,
    PRINT_GUIDANCE: PRINTING,
    END: WIPING,
}


class NotNow(RuntimeError):
    """An intent the current state does not offer: a fault of the face that
    asked (a button that should have been greyed, a script out of step)."""


@dataclass(frozen=True)
class FlowState:
    """What a face shows, or a script answers, now."""

    #: The current step's kind ("form", "pieces"…), or CHECKLIST, FOUND, ENDED.
    stage: str
    #: The current step, as the wizard shows it (None once ended).
    view: StepView | None
    #: The intents valid now (a screen greys the others).
    intents: frozenset[str]
    #: The pièces this step still needs a page of.
    to_scan: tuple[Piece, ...] = ()

    def can(self, intent: str) -> bool:
        return intent in self.intents

    @property
    def fields(self) -> tuple[Field, ...]:
        """The questions this step asks (what ANSWER takes, by field id)."""
        return self.view.fields if self.view is not None and self.stage != CHECKLIST else ()


class FlowListener:
    """What a face of the flow is told. Every method does nothing here: a face
    overrides those it shows. Called on the thread the intent runs on."""

    def step_changed(self, state: FlowState) -> None:
        """The state to show: another step or stage, or the same one with
        something new (a page scanned, a récépissé printed, what a failure left)."""

    def errors(self, state: FlowState) -> None:
        """The person's answer was refused: the step stays, and the wizard's
        errors say what to fix (missing pièces: their pages)."""

    def busy(self, work: str) -> None:
        """Blocking ``work`` begins (LOOKUP, SUBMITTING, RECEIPT…)."""

    def notice(self, what: str) -> None:
        """Something done the person is told of (SHEET_PRINTED, ATTESTATION_PRINTED)."""

    def scan_progress(self, progress: ScanProgress) -> None:
        """How far the scan under way is (pages done, the page's percentage, a
        preview): called on the scan worker's thread, often."""

    def device_used(self, device: str, error: BaseException | None) -> None:
        """``device`` (SCANNER, PRINTER) worked, or failed with ``error``."""

    def finished(self, outcome: str) -> None:
        """The person is done ("submitted" or "guided"): the face ends the session (:meth:`Flow.end`)."""

    def ended(self, report: WipeReport) -> None:
        """The session is over; ``report`` says whether the wipe was clean."""


class Flow:
    """One user's way through their procedure, over their session."""

    def __init__(self, session: UserSession, listener: FlowListener | None = None):
        self.session = session
        self.listener = listener if listener is not None else FlowListener()
        self._at_checklist = False
        self._scanning = False
        self._outcome = ""
        self._ended = False

    # --- the state -------------------------------------------------------------------------
    @property
    def stage(self) -> str:
        if self._ended:
            return ENDED
        if self._at_checklist:
            return CHECKLIST
        wizard = self.session.wizard
        kind = wizard.current.kind
        return FOUND if kind == "suivi" and wizard.lookup is not None else kind

    @property
    def state(self) -> FlowState:
        if self._ended:
            return FlowState(ENDED, None, frozenset())
        wizard = self.session.wizard
        return FlowState(self.stage, wizard.view(), self._intents(), tuple(wizard.missing_pieces()))

    def can(self, intent: str) -> bool:
        return intent in self._intents()

    def blocking(self, intent: str) -> str:
        """The work ``intent`` waits for in the current state (LOOKUP, SCANNING…),
        or "" when it returns at once."""
        if intent == ANSWER:
            return self.ACTIONS.get(self.stage, self.GO_ON)[1]
        return _WORK.get(intent, "")

    def _intents(self) -> frozenset[str]:
        if self._ended:
            return frozenset()
        if self._outcome:
            return frozenset({END})
        if self._scanning:
            return frozenset({CANCEL_SCAN, END})
        stage = self.stage
        if stage == CHECKLIST:
            return frozenset({RESUME, END})
        session, wizard = self.session, self.session.wizard
        offered = {RESUME, KEEP, END}
        if not wizard.finished:
            offered.add(BACK)
        if stage != FOUND or (session.suivi or {}).get("complement"):
            offered.add(ANSWER)
        if stage in (FOUND, "guidance"):
            offered.add(FINISH)
        if stage == "guidance":
            offered.add(PRINT_GUIDANCE)
        if stage == "connexion":
            offered.add(CONNECT)
        if stage == "recap":
            offered.add(EDIT)
        if stage == "confirmation":
            offered.add(PRINT_RECAP)
            if session.procedure.attestation_inscription and session.numero:
                offered.add(PRINT_ATTESTATION)
        if stage in (FOUND, "confirmation") and (session.numero or session.suivi):
            offered.add(PRINT_RECEIPT)
        if wizard.view().pieces:
            offered |= {SCAN, RESCAN, REMOVE_PAGE}
        if stage != CHECKLIST and any(f.kind == "timbre" for f in wizard.view().fields):
            offered.add(BUY_TIMBRE)
        return frozenset(offered)

    def _check(self, intent: str) -> None:
        if not self.can(intent):
            raise NotNow(f"{intent} is not offered at the stage {self.stage!r}")

    # --- what a face is told -------------------------------------------------------------
    def _show(self) -> None:
        self.listener.step_changed(self.state)

    def _refused(self) -> None:
        self.listener.errors(self.state)

    @contextmanager
    def _shown_if_failed(self) -> Iterator[None]:
        """A failure is raised to the face once it has the state the failure left."""
        try:
            yield
        except Exception:
            self._show()
            raise

    # --- intents -------------------------------------------------------------------------
    def resume(self) -> None:
        """Show where the person is: the current step (at the start, or back from the checklist)."""
        self._check(RESUME)
        self._at_checklist = False
        self._show()

    def answer(self, values: Mapping[str, str] | None = None) -> bool:
        """The step's own action, with what the person typed or chose (field id
        → text); False when it is refused (the errors are shown), True when it
        was done. See :attr:`ACTIONS`."""
        self._check(ANSWER)
        action = self.ACTIONS.get(self.stage, self.GO_ON)[0]
        return action(self, dict(values) if values is not None else None)

    def back(self, values: Mapping[str, str] | None = None) -> None:
        """The step before, what was typed here kept even unfinished; before the first, the checklist."""
        self._check(BACK)
        wizard = self.session.wizard
        if values:
            wizard.set_values(dict(values))
        if not wizard.back():
            self._at_checklist = True
        self._show()

    def edit(self, step_id: str) -> None:
        """From the récapitulatif, one step to change; its Continuer comes back."""
        self._check(EDIT)
        self.session.wizard.goto(step_id, from_recap=True)
        self._show()

    def reached_steps(self) -> list[tuple[str, str]]:
        """(id, title) of the steps up to the current one: where assist mode may take the person back."""
        if self._ended or self._at_checklist or self.session.wizard.finished:
            return []
        wizard = self.session.wizard
        steps = wizard.active_steps()
        here = wizard.current.id
        reached = []
        for step in steps:
            reached.append((step.id, step.title))
            if step.id == here:
                break
        return reached

    def jump(self, step_id: str) -> None:
        """Assist mode: the mediator takes the person back to a step already reached, every value kept.
        Never forward: the steps between would go unchecked."""
        if step_id not in dict(self.reached_steps()):
            raise NotNow(f"step {step_id!r} is not one already reached")
        self.session.wizard.goto(step_id)
        self._show()

    def keep(self, values: Mapping[str, str]) -> None:
        """What was typed, kept as it is, valid or not: the face redraws the step."""
        self._check(KEEP)
        self.session.wizard.set_values(dict(values))

    def recheck(self, field_id: str, value: str) -> bool:
        """A field marked wrong, answered again: its error goes as soon as the
        value is right (True then). A field with no error is left alone: nothing
        is refused while the person is still typing."""
        self._check(KEEP)
        wizard = self.session.wizard
        shown = wizard.errors.get(field_id)
        if shown is None:
            return False
        wizard.set_values({field_id: value})
        if field_id in wizard.errors:
            wizard.errors[field_id] = shown  # still wrong: the sentence stays as it was
            return False
        return True

    def scan(self, piece_id: str) -> int:
        """Scan pages into the pièce; returns how many it has now."""
        self._check(SCAN)
        return self._scan(piece_id)

    def rescan(self, piece_id: str) -> int:
        """The last page is not right: it goes, and the scanner takes it again."""
        self._check(RESCAN)
        self.session.remove_page(piece_id)
        return self._scan(piece_id)

    def remove_page(self, piece_id: str) -> None:
        self._check(REMOVE_PAGE)
        self.session.remove_page(piece_id)
        self._show()

    def cancel_scan(self) -> None:
        """Stop the scan under way, if any (from another thread than the scan's)."""
        self.session.cancel_scan()

    def connect(self) -> bool:
        """FranceConnect in the browser window, then the next step; given up, the same step."""
        self._check(CONNECT)
        self.listener.busy(LOGIN)
        with self._shown_if_failed():
            self.session.login_franceconnect()
        return self._go_on(None)

    def buy_timbre(self, field_id: str, values: Mapping[str, str] | None = None) -> str:
        """The timbre shop in the browser window; its number fills ``field_id``. What was
        typed on the step is kept first, and kept whatever the shop's answer."""
        self._check(BUY_TIMBRE)
        if values is not None:
            self.session.wizard.set_values(dict(values))
        self.listener.busy(PAYING)
        with self._shown_if_failed():
            numero = self.session.buy_timbre(field_id)
        self._show()
        return numero

    def print_receipt(self) -> None:
        """The récépissé (or the suivi's ticket), again after a fault."""
        self._check(PRINT_RECEIPT)
        self._print_receipt()

    def print_recap(self) -> int:
        """The récapitulatif and the numéro on the A4 printer; returns its job id."""
        self._check(PRINT_RECAP)
        self.listener.busy(PRINTING)
        with self._shown_if_failed():
            job = self.session.print_recap_a4()
        self.listener.notice(SHEET_PRINTED)
        return job

    def print_attestation(self) -> int:
        """The attestation d'inscription, recto-verso on the A4 printer; returns its job id."""
        self._check(PRINT_ATTESTATION)
        self.listener.busy(ATTESTATION)
        with self._shown_if_failed():
            job = self.session.print_attestation()
        self.listener.notice(ATTESTATION_PRINTED)
        return job

    def print_guidance(self, a4: bool = True) -> str:
        """What to do next, on paper; returns the printer used ("a4" or "receipt")."""
        self._check(PRINT_GUIDANCE)
        self.listener.busy(PRINTING)
        with self._shown_if_failed():
            where = self.session.print_guidance(a4=a4)
        self.listener.notice(SHEET_PRINTED)
        return where

    def finish(self) -> bool:
        """The person is done: the face is told the outcome and ends the session."""
        self._check(FINISH)
        return self._finish(None)

    def end(self, outcome: str, *, hurry: bool = False) -> WipeReport:
        """End the session (see UserSession.end: the scan stopped, the logout,
        the wipe and its check); valid at any time, once."""
        report = self.session.end(outcome, hurry=hurry)
        self._ended = True
        self.listener.ended(report)
        return report

    def wait_ended(self, timeout: float) -> bool:
        """True once an :meth:`end` begun (perhaps on another thread) is over."""
        return self.session.wait_ended(timeout)

    # --- what each kind of step does ------------------------------------------------------
    def _go_on(self, values: dict[str, str] | None) -> bool:
        """Validate and go forward (a form, the pièces, the confirmation's Terminer, a kind the
        flow has no rule for); from the last step, nowhere further: the person is done."""
        wizard = self.session.wizard
        here = wizard.current.id
        if not wizard.next(values):
            self._refused()
            return False
        if wizard.current.id == here:
            return self._finish(None)
        self._show()
        return True

    def _look_up(self, values: dict[str, str] | None) -> bool:
        """Suivre ma demande: the numéro typed, ANTS answers its statut and history."""
        wizard = self.session.wizard
        field = next((f for f in wizard.view().fields if f.kind == "numero_demande"), None)
        if field is None or not wizard.set_values(values or {}):
            self._refused()
            return False
        self.listener.busy(LOOKUP)
        try:
            self.session.lookup_demande(wizard.values.get(field.id, ""))
        except Exception:
            self._refused()
            raise
        self._show()
        return True

    def _send_pieces(self, _values: dict[str, str] | None) -> bool:
        """The pièces an agent asked for, sent; then the récépissé of the sending."""
        if self.session.wizard.missing_pieces():
            self._refused()
            return False
        self.listener.busy(SENDING)
        with self._shown_if_failed():
            self.session.answer_complement()
        self._show()
        self._print_receipt()
        return True

    def _submit(self, values: dict[str, str] | None) -> bool:
        """The récapitulatif accepted: the demande goes to ANTS, then its récépissé is printed."""
        wizard = self.session.wizard
        if not wizard.set_values(values or {}) or not wizard.step_complete():
            self._refused()
            return False
        self.listener.busy(SUBMITTING)
        with self._shown_if_failed():  # ANTS's refusal, or an expired login, moves the wizard
            self.session.submit()
        self._show()
        self._print_receipt()
        return True

    def _finish(self, _values: dict[str, str] | None) -> bool:
        self._outcome = "submitted" if self.session.numero else "guided"
        self.listener.finished(self._outcome)
        return True

    #: What ANSWER does at each stage, and the work it may wait for; at any other stage, GO_ON.
    GO_ON: tuple[Callable[[Flow, dict[str, str] | None], bool], str] = (_go_on, "")
    ACTIONS: dict[str, tuple[Callable[[Flow, dict[str, str] | None], bool], str]] = {
        "suivi": (_look_up, LOOKUP),
        FOUND: (_go_on, ""),  # to the scan of what the agent asked for
        "complement": (_send_pieces, SENDING),
        "recap": (_submit, SUBMITTING),
        "guidance": (_finish, ""),
    }

    # --- the devices -------------------------------------------------------------------
    def _scan(self, piece_id: str) -> int:
        self._scanning = True
        self.listener.busy(SCANNING)
        try:
            pages = self.session.scan_piece(piece_id, on_progress=self._progress)
        except Exception as exc:
            self._scanning = False
            self.listener.device_used(SCANNER, exc)
            self._show()
            raise
        self._scanning = False
        self.listener.device_used(SCANNER, None)
        self._show()
        return pages

    def _progress(self, job: ScanJob) -> None:
        self.listener.scan_progress(job.progress)

    def _print_receipt(self) -> None:
        self.listener.busy(RECEIPT)
        try:
            self.session.print_receipt()
        except Exception as exc:
            self.listener.device_used(PRINTER, exc)
            self._show()
            raise
        self.listener.device_used(PRINTER, None)
        self._show()
