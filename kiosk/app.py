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
from .opening import TICK_S, OpeningWatch
from .root import KioskRoot
from .sdnotify import Notifier, watchdog_interval
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
        self._wall = wall or datetime.now
        self.notifier = Notifier()
        self.opening: OpeningWatch | None = None

    def build(self):
        fonts.register()
        settings = self.services.settings
        from .widgets.keyboard import use_email_domains

        use_email_domains(settings.keyboard.email_domains)  # the e-mail layout's domain keys
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

        self.mediator_call = attach_call(root, self.controller, settings, self.services)
        self.controller.show("welcome")
        self._watch_hours(settings)
        from kivy.core.window import Window

        Window.bind(on_keyboard=self._on_keyboard, on_request_close=self._on_request_close)
        self._kiosk_root = root
        Window.bind(on_flip=self._after_first_frame)
        return root

    def _watch_hours(self, settings) -> None:
        """The site's hours: the closed screen outside them, the notice before closing (kiosk/opening.py)."""
        from session.opening import OpeningHours

        hours = settings.hours
        self.opening = OpeningWatch(
            self.controller,
            OpeningHours.from_settings(hours),
            warning_min=hours.warning_min,
            site_url=hours.site_url,
            nearby=tuple(hours.nearby),
            wall=self._wall,
        )
        self.opening.tick()
        Clock.schedule_interval(self.opening.tick, TICK_S)

    def _after_first_frame(self, window, *_):
        """The welcome screen is up: now what a session needs, before anyone touches."""
        window.unbind(on_flip=self._after_first_frame)
        controller, root = self.controller, self._kiosk_root
        # The first frame is drawn: systemd may call the kiosk started, and from now
        # on the loop itself proves it turns (a frozen UI stops the pings).
        self.notifier.ready(status="accueil affiché")
        interval = watchdog_interval()
        if interval is not None:
            self.notifier.watchdog()
            Clock.schedule_interval(self._ping_watchdog, interval)
        self._write_metrics(0)
        Clock.schedule_interval(self._write_metrics, self.services.settings.metrics.interval_s)
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

    def _ping_watchdog(self, _dt) -> None:
        self.notifier.watchdog()

    def _write_metrics(self, _dt, up: bool = True) -> None:
        """The Prometheus textfile (kioskctl/metrics.py), written on the job queue: it reads the statistics."""
        if self.controller is None:
            return
        self.controller.jobs.submit(lambda: self._metrics_job(up), on_error=self._metrics_failed)

    def _metrics_job(self, up: bool) -> None:
        from kioskctl import metrics

        settings = self.services.settings
        devices = metrics.from_device_status(
            self.services.devices,
            simulated=[k for k, fake in (("scanner", settings.scanner.driver == "simulated"),) if fake],
        )
        open_now = self.opening.is_open() if self.opening is not None else None
        metrics.write(settings, up=up, devices=devices, open_now=open_now)

    @staticmethod
    def _metrics_failed(exc: BaseException) -> None:
        log.warning("metrics textfile not written: %s", type(exc).__name__)

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
        self.notifier.stopping()
        if self.controller is not None:
            self.controller.shutdown()  # bounded: see Controller.shutdown
        if getattr(self, "mediator_call", None) is not None:
            self.mediator_call.stop()  # "hors ligne" said on the bus
            training = getattr(self.controller, "training", None)
            if training is not None:
                training.stop()  # the training mock, if it runs
        try:
            from kioskctl import metrics

            metrics.write(self.services.settings, up=False)
        except OSError as exc:
            log.warning("metrics textfile not written: %s", type(exc).__name__)
        self.notifier.close()
