"""The screens follow the session's flow (session/flow.py): what it publishes,
brought to Kivy's thread and shown.

The flow calls its listener on the thread its intent runs on: the job queue's
for what blocks (a scan, the submission, a print), Kivy's for the rest. A call
from another thread reaches Kivy's with ``Clock.schedule_once``, in the order
it was made; one on Kivy's thread is shown at once, so that a step answered
shows the next screen in the same frame. Events of a flow the kiosk no longer
follows (its session ended meanwhile) are dropped.

The words are the kiosk's: the flow publishes keys (its works, its notices),
said here in the user's language.
"""

from __future__ import annotations

import logging
import threading

from kivy.clock import Clock

from session.flow import (
    ATTESTATION,
    ATTESTATION_PRINTED,
    LOGIN,
    LOOKUP,
    PAYING,
    PRINTING,
    RECEIPT,
    SCANNING,
    SENDING,
    SHEET_PRINTED,
    SUBMITTING,
    WIPING,
    FlowListener,
)

from .i18n import N_, tr

log = logging.getLogger(__name__)

#: What the busy overlay says while the flow works.
WORKS = {
    LOOKUP: N_("Recherche de votre demande…"),
    SENDING: N_("Envoi des documents à l'ANTS…"),
    LOGIN: N_("Connexion à FranceConnect…"),
    PAYING: N_("Achat du timbre fiscal…"),
    SUBMITTING: N_("Envoi de votre demande à l'ANTS…"),
    RECEIPT: N_("Impression du récépissé…"),
    PRINTING: N_("Impression…"),
    ATTESTATION: N_("Impression de l'attestation…"),
    SCANNING: N_("Numérisation en cours… Ne bougez pas le document."),
    WIPING: N_("Effacement de vos données…"),
}
#: What the banner says once something is done.
NOTICES = {
    SHEET_PRINTED: N_("La feuille est imprimée. Prenez-la sous l'imprimante."),
    ATTESTATION_PRINTED: N_("L'attestation est imprimée recto-verso. Prenez la feuille sous l'imprimante."),
}


def texture_of(jpeg: bytes):
    """A texture from JPEG bytes, in memory only (no file, nothing kept in Kivy's cache)."""
    import io

    from kivy.core.image import Image as CoreImage

    try:
        return CoreImage(io.BytesIO(jpeg), ext="jpg", nocache=True).texture
    except Exception as exc:  # a preview is a comfort: the scan goes on without it
        log.debug("preview not shown: %s", type(exc).__name__)
        return None


class ScreensFollow(FlowListener):
    """The controller's listener of one flow (``flow``, set once it is made)."""

    def __init__(self, controller):
        self.controller = controller
        self.flow = None
        self._ui = threading.get_ident()
        self._lock = threading.Lock()
        self._progress = None  # the scan's latest progress, not shown yet
        self._preview = None  # the preview bytes the texture shows

    def _on_ui(self, show, *args) -> None:
        def run(*_dt) -> None:
            if self.flow is not None and self.controller.flow is self.flow:
                show(*args)

        if threading.get_ident() == self._ui:
            run()
        else:
            Clock.schedule_once(run, 0)

    def step_changed(self, state) -> None:
        self._on_ui(self.controller.show_state, state)

    def errors(self, state) -> None:
        self._on_ui(self._errors)

    def _errors(self) -> None:
        screen = self.controller.manager.current_screen
        if hasattr(screen, "show_errors"):
            screen.show_errors()

    def busy(self, work: str) -> None:
        self._on_ui(self._busy, work)

    def _busy(self, work: str) -> None:
        if self.controller.busy:
            self.controller.busy_message = tr._(WORKS[work])

    def notice(self, what: str) -> None:
        self._on_ui(self._notice, what)

    def _notice(self, what: str) -> None:
        self.controller.notice = tr._(NOTICES[what])

    def device_used(self, device: str, error: BaseException | None) -> None:
        self._on_ui(self.controller.devices.report, device, error)

    def finished(self, outcome: str) -> None:
        self._on_ui(self.controller.finish, outcome)

    # --- the scan under way: the worker tells its progress often; shown once a frame at most ---
    def scan_progress(self, progress) -> None:
        with self._lock:
            shown_soon, self._progress = self._progress is not None, progress
        if not shown_soon:
            self._on_ui(self._scan_shown)

    def _scan_shown(self) -> None:
        with self._lock:
            progress, self._progress = self._progress, None
        controller = self.controller
        if progress is None or not controller.cancellable:  # the scan is over already
            return
        text = tr._(WORKS[SCANNING])
        if progress.pages_done:
            text += "\n" + tr._("{} page(s) numérisée(s).").format(progress.pages_done)
        if progress.percent is not None:
            text += "\n" + tr._("Page en cours : {} %").format(int(progress.percent))
        controller.busy_message = text
        if progress.preview is not None and progress.preview is not self._preview:
            self._preview = progress.preview
            controller.scan_preview = texture_of(progress.preview)

    def scan_over(self) -> None:
        with self._lock:
            self._progress = None
        self._preview = None
