"""Assist mode on the kiosk: the mediator's PIN pad, the person's consent, the
"Médiateur présent" banner and the mediator's tools, until control is handed
back. The rules (PIN, lockout, consent, audit) are session/assist.py's
AssistMode; this module shows its phases and forwards the taps.

The way in is "Espace médiateur" on the call banner once a call went out
(kiosk/assist_call.py): the mediator came to this kiosk. The tools act
through the controller's own intents, offered only where the flow offers them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout

from session import flow as F
from session.assist import ACTIVE, CONSENT, CONSENT_QUESTION, OFF, PIN_ENTRY, AssistMode
from userfacing import UserFacingError

from .i18n import tr
from .widgets.common import KRow

log = logging.getLogger(__name__)

PIN_WRONG = "Code incorrect."
PIN_LOCKED = "Trop d'essais : la saisie du code est bloquée {minutes} min."
HANDED_BACK = "Le médiateur vous rend la main."


def _why(exc: BaseException) -> str:
    """The printer's sentence in the user's language; anything else is a bug, logged with its traceback."""
    if isinstance(exc, UserFacingError):
        return exc.translated(tr._)
    log.error("test print failed", exc_info=exc)
    return tr._("La borne rencontre un problème. Appelez le médiateur.")


class KioskAssist(EventDispatcher):
    phase = StringProperty(OFF)
    typed = StringProperty("")  # the PIN as dots
    error = StringProperty("")
    question = StringProperty(CONSENT_QUESTION)
    idle_paused = BooleanProperty(False)
    devices = StringProperty("")
    training_on = BooleanProperty(False)  # training mode's state, for the tool's label
    #: The help sheet of the current step while the mediator reads it ("" otherwise).
    sheet = StringProperty("")
    #: The steps already reached, (id, title), while the mediator picks one to go back to.
    steps = ListProperty([])

    def __init__(self, controller: Any, mode: AssistMode, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.controller, self.mode = controller, mode
        mode.on_change = self._changed
        self._pin = ""
        self._awake: Any = None
        controller.bind(flow=self._flow_changed)

    # --- PIN and consent ------------------------------------------------------
    def open(self) -> None:
        self._pin, self.typed, self.error = "", "", ""
        if self.mode.gate.locked:
            self._locked()
        self.mode.ask_pin()

    def digit(self, d: str) -> None:
        if len(self._pin) < 12:
            self._pin += d
            self.typed = "•" * len(self._pin)

    def erase(self) -> None:
        self._pin = self._pin[:-1]
        self.typed = "•" * len(self._pin)

    def validate(self) -> None:
        pin, self._pin, self.typed = self._pin, "", ""
        if self.mode.enter_pin(pin):
            self.error = ""
        elif self.mode.gate.locked:
            self._locked()
        else:
            self.error = tr._(PIN_WRONG)

    def _locked(self) -> None:
        self.error = tr._(PIN_LOCKED).format(minutes=(self.mode.gate.remaining_s() + 59) // 60)

    def cancel(self) -> None:
        self.mode.cancel_pin()

    def consent(self, given: bool) -> None:
        self.mode.consent(given)

    # --- the tools ------------------------------------------------------------
    def toggle_idle(self) -> None:
        self.mode.tool("idle_resumed" if self.mode.idle_paused else "idle_paused")

    def show_sheet(self) -> None:
        """The current step's help sheet, from the procedure's own data: what it asks, each
        field's help, the pièces and which documents fit."""
        flow = self.controller.flow
        view = flow.state.view if flow is not None else None
        if view is None or not self.mode.tool("sheet_read", view.step.id):
            return
        from kivy.utils import escape_markup

        def t(text: str) -> str:
            return str(escape_markup(tr.text(text)))

        lines = [f"[b]{t(view.step.title)}[/b] — {view.number}/{view.total}"]
        if view.step.intro:
            lines.append(t(view.step.intro))
        for f in view.fields:
            lines.append(f"• {t(f.label)}" + (f" : {t(f.help)}" if f.help else ""))
        for p in view.pieces:
            lines.append(f"• {t(p.label)}" + (f" : {t(p.help)}" if p.help else ""))
        self.sheet = "\n".join(lines)

    def close_sheet(self) -> None:
        self.sheet = ""

    def pick_step(self) -> None:
        """ "Revenir à une étape": the steps already reached, to choose from."""
        flow = self.controller.flow
        if self.mode.phase == ACTIVE and flow is not None:
            self.steps = flow.reached_steps()

    def jump(self, step_id: str) -> None:
        self.steps = []
        flow = self.controller.flow
        if flow is not None and step_id in dict(flow.reached_steps()) and self.mode.tool("step_jumped", step_id):
            flow.jump(step_id)

    def reprint(self) -> None:
        if self.controller.can(F.PRINT_RECEIPT) and self.mode.tool("receipt_reprinted"):
            self.controller.print_receipt()

    def show_devices(self) -> None:
        if self.mode.tool("devices_shown"):
            c = self.controller
            self.devices = "  ·  ".join(s for s in (c.scanner_state, c.printer_state) if s) or tr._("Appareils prêts")

    def test_print(self) -> None:
        """A test ticket on the receipt printer, on the job queue; the result beside "Médiateur présent"."""
        printer = getattr(self, "printer", None)
        if printer is None or not self.mode.tool("test_print"):
            return
        from drivers.printer import Receipt

        ticket = Receipt(title="Impression test", lines=[("Borne", self.kiosk_id)], footer=["Rien de personnel."])
        self.devices = tr._("Impression test en cours…")
        self.controller.jobs.submit(
            lambda: printer.print_receipt(ticket),
            on_done=lambda _r: setattr(self, "devices", tr._("Impression test : réussie")),
            on_error=lambda exc: setattr(self, "devices", tr._("Impression test : échec") + f" ({_why(exc)})"),
        )

    def end_session(self) -> None:
        if self.mode.tool("session_ended") and self.controller.flow is not None:
            self.mode.end()
            self.controller.finish("abandoned")

    def toggle_training(self) -> None:
        """Training mode on or off (kiosk/assist_training.py); a session open is ended first."""
        training = getattr(self.controller, "training", None)
        if training is None or training.switching:
            return
        if self.mode.tool("training_off" if training.on else "training_on"):
            training.toggle()

    def hand_back(self) -> None:
        self.mode.end()
        self.controller.notice = tr._(HANDED_BACK)

    # --- state -----------------------------------------------------------------
    def _changed(self, phase: str) -> None:
        self.phase = phase
        self.idle_paused = self.mode.idle_paused
        self.controller.assisted = phase == ACTIVE or bool(self.controller.mediator_call and self._calling())
        if phase != ACTIVE:
            self.devices = ""
        if self.idle_paused and self._awake is None:
            self._awake = Clock.schedule_interval(self._keep_awake, 1.0)
        elif not self.idle_paused and self._awake is not None:
            self._awake.cancel()
            self._awake = None

    def _calling(self) -> bool:
        return self.controller.mediator_call.open

    def _keep_awake(self, _dt: float) -> None:
        if self.controller.idle is not None:
            self.controller.idle.touched()

    def _flow_changed(self, _c: Any, flow: Any) -> None:
        if flow is None and self.mode.phase != OFF:
            self.mode.end()  # the session is over: so is the help given in it


class AssistBanner(KRow):
    assist = ObjectProperty(None)

    # Hidden (height 0), its greyed buttons would still absorb the touches where they lie.
    def on_touch_down(self, touch: Any) -> bool:
        return bool(self.assist.phase == ACTIVE and super().on_touch_down(touch))

    def on_touch_up(self, touch: Any) -> bool:
        return bool(self.assist.phase == ACTIVE and super().on_touch_up(touch))


class AssistLayer(FloatLayout):
    """The PIN pad, the consent question and the steps to go back to, over everything,
    taking every touch while shown."""

    assist = ObjectProperty(None)

    def on_kv_post(self, *_args: Any) -> None:
        self.assist.bind(steps=self._steps)

    def _shown(self) -> bool:
        return self.assist.phase in (PIN_ENTRY, CONSENT) or bool(self.assist.steps or self.assist.sheet)

    def _steps(self, _assist: Any, steps: list[tuple[str, str]]) -> None:
        from .widgets.common import KButton

        box = self.ids.step_buttons
        box.clear_widgets()
        for step_id, title in steps:
            button = KButton(text=tr.text(title), role="secondary", size_hint_y=None)
            button.step_id = step_id
            button.bind(on_release=lambda b: self.assist.jump(b.step_id))
            box.add_widget(button)

    def on_touch_down(self, touch: Any) -> bool:
        if not self._shown():
            return False
        super().on_touch_down(touch)
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if not self._shown():
            return False
        super().on_touch_up(touch)
        return True


Builder.load_file(str(Path(__file__).with_name("assist_mode.kv")))


def attach_assist(root: Any, controller: Any, settings: Any, printer: Any = None) -> KioskAssist:
    """Assist mode wired to the site's PINs and the audit file beside the statistics."""
    from session.audit import AuditLog
    from sitebus.pins import PinGate

    med = settings.mediators
    gate = PinGate(med.pins, max_failures=med.max_failures, lockout_s=med.lockout_s)
    audit = AuditLog(
        settings.stats_path().with_name("audit.db"), kiosk=settings.sitebus.kiosk, keep_days=med.audit_days
    )
    assist = KioskAssist(controller, AssistMode(gate, audit))
    assist.audit, assist.printer, assist.kiosk_id = audit, printer, settings.sitebus.kiosk
    column = root.ids.topbar.parent
    banner = AssistBanner(assist=assist)
    column.add_widget(banner, index=column.children.index(root.ids.banner))
    layer = AssistLayer(assist=assist)
    root.add_widget(layer)
    root.ids["assist_banner"], root.ids["assist_layer"] = banner, layer
    controller.assist = assist
    return assist
