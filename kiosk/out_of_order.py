"""What the screen shows when the kiosk cannot start its service: a site file
that is wrong, or that names no ANTS backend. Under systemd (the unit is
``Type=notify``) the kiosk does not exit into a restart loop that flashes the
screen: it says "Borne hors service" to the public, the file, the key and what
is expected in small print for the technician (the same line as in the
journal), and tells systemd it is up, with that line as its status
(``systemctl status pointnum-kiosk``). Nothing of a user exists yet: no
session, no service, no device is opened.
"""

from __future__ import annotations

import os

from .sdnotify import Notifier, watchdog_interval


def under_systemd() -> bool:
    return bool(os.environ.get("NOTIFY_SOCKET"))


def show(technician_line: str) -> int:
    """Run the out-of-order screen until the unit is stopped; returns the exit status (2)."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config

    Config.set("kivy", "log_enable", "0")
    Config.set("graphics", "fullscreen", "auto")
    Config.set("graphics", "show_cursor", "0")
    for module in Config.options("modules") if Config.has_section("modules") else ():
        Config.remove_option("modules", module)

    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.metrics import dp
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label

    notifier = Notifier()

    class OutOfOrder(App):
        title = "Point numérique"

        def build(self):
            box = BoxLayout(orientation="vertical", padding=dp(60), spacing=dp(24))
            box.add_widget(Label(text="Borne hors service", font_size=dp(64), bold=True))
            box.add_widget(Label(text="Adressez-vous à l'accueil, s'il vous plaît.", font_size=dp(36)))
            small = Label(text=technician_line, font_size=dp(16), color=(0.8, 0.8, 0.8, 1))
            small.bind(width=lambda label, width: setattr(label, "text_size", (width, None)))
            box.add_widget(small)
            Window.bind(on_flip=self._ready, on_request_close=lambda *_a, **_k: True)
            return box

        def _ready(self, window, *_):
            window.unbind(on_flip=self._ready)
            notifier.ready(status=f"hors service : {technician_line}")
            interval = watchdog_interval()
            if interval is not None:
                Clock.schedule_interval(lambda _dt: notifier.watchdog(), interval)

    import signal

    app = OutOfOrder()
    signal.signal(signal.SIGTERM, lambda *_: app.stop())
    app.run()
    notifier.stopping()
    return 2
