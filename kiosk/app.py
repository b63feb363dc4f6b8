"""The Kivy application: builds the screens and wires them to the services.
Nothing else: the rules live in session/, the devices in drivers/."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kivy.app import App
from kivy.clock import Clock

from session.idle import IdlePolicy, IdleTimeouts, parse_closing_time

from . import fonts
from .controller import Controller
from .idle import IdleWatcher
from .jobs import JobQueue
from .root import KioskRoot
from .speech import Speaker, make_speaker

if TYPE_CHECKING:
    from config.factories import Services

log = logging.getLogger(__name__)


def _warm_imports() -> None:
    """Import what a user's session uses (HTTP client, images, PDF, receipt
    printer), so the first "Commencer" does not wait for it."""
    import importlib

    for name in ("session.usersession", "drivers.scanner.pipeline", "ants", "escpos.escpos"):
        importlib.import_module(name)


class KioskApp(App):
    title = "Point numérique"
    use_kivy_settings = False

    def __init__(
        self,
        services: Services,
        *,
        now: Callable[[], float] | None = None,
        wall: Callable[[], datetime] | None = None,
        speaker: Speaker | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.speaker = speaker
        self.controller: Controller | None = None
        self._clock = {k: v for k, v in (("now", now), ("wall", wall)) if v is not None}

    def build(self):
        fonts.register()
        settings = self.services.settings
        self.controller = Controller(
            catalogue=self.services.catalogue,
            new_session=self.services.new_session,
            jobs=JobQueue(),
            demo_codes=self.services.demo_codes,
            devices=self.services.devices,
            simulated=tuple(
                kind
                for kind, fake in (
                    ("scanner", settings.scanner.driver == "simulated"),
                    ("printer", settings.printer.driver == "capture"),
                )
                if fake
            ),
            presence_by_udev=tuple(
                kind
                for kind, real in (
                    ("scanner", settings.scanner.driver == "sane"),
                    ("printer", settings.printer.driver == "usb"),
                )
                if real
            ),
        )
        ui = settings.ui
        policy = IdlePolicy(
            IdleTimeouts(
                first=ui.idle_first_s,
                step=ui.idle_step_s,
                scan=ui.idle_scan_s,
                mediator=ui.idle_mediator_s,
                warning=ui.idle_warning_s,
            ),
            closing_time=parse_closing_time(settings.site.closing_time),
            **self._clock,
        )
        self.idle = IdleWatcher(policy, self.controller)
        if self.speaker is None:
            self.speaker = make_speaker(ui.read_aloud)
        root = KioskRoot(self.controller, site_name=settings.site.name, idle=self.idle, speaker=self.speaker)
        from .assist_call import attach_call

        self.mediator_call = attach_call(root, self.controller, settings)
        self.controller.show("welcome")
        from kivy.core.window import Window

        Window.bind(on_keyboard=self._on_keyboard, on_request_close=self._on_request_close)
        self._kiosk_root = root
        Window.bind(on_flip=self._after_first_frame)
        return root

    def _after_first_frame(self, window, *_):
        """The welcome screen is up: now what a session needs, before anyone touches."""
        window.unbind(on_flip=self._after_first_frame)
        controller, root = self.controller, self._kiosk_root
        # Off the UI thread: the libraries a session uses, then the scanner's
        # process (started now, not in the middle of someone's session).
        controller.ahead.warming = True
        controller.jobs.submit(_warm_imports)
        controller.jobs.submit(
            self.services.scanner.start, on_done=controller.ahead.warmed, on_error=controller.ahead.warmed
        )
        self.services.watch_devices()
        Clock.schedule_interval(self._retry_logouts, self.LOGOUT_RETRY_S)
        # On the UI thread, between frames: the other screens, then the chooser's tiles and lists.
        ahead = controller.ahead
        ahead.prepare(
            [
                *root.make_ahead(),
                root.manager.size_screens,
                lambda: ahead.prepare(root.manager.get_screen("chooser").prepare()),
            ]
        )

    #: Seconds between two attempts at the ANTS logouts that could not be done at a session's end.
    LOGOUT_RETRY_S = 60

    def _retry_logouts(self, _dt) -> None:
        if self.controller is not None and self.services.logouts_pending():
            self.controller.jobs.submit(self.services.retry_logouts)

    def _on_request_close(self, *_args, **_kwargs):
        # Alt+F4 or the window manager's close: the kiosk stays (a technician stops the service).
        return True

    def _on_keyboard(self, _window, key, _scancode, _codepoint, modifiers):
        # No way out through the keyboard: Esc, F1 (settings), Alt+F4.
        if key == 27 or key == 282 or (key == 285 and "alt" in modifiers):
            return True
        return False

    def open_settings(self, *args):
        return False

    def on_stop(self):
        if self.controller is not None:
            self.controller.shutdown()  # bounded: see Controller.shutdown
        if getattr(self, "mediator_call", None) is not None:
            self.mediator_call.stop()  # "hors ligne" said on the bus
