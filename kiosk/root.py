"""The root widget: the top bar (help, text size, contrast), the message
banner, the screens, and the overlay shown while a device or the network works."""
from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from .screens import all_screens
from .theme import THEME

Builder.load_file(str(Path(__file__).with_name("root.kv")))


class ModalLayer(FloatLayout):
    """While active, its own widgets get the touches and nothing beneath it does
    (a job in progress, the idle warning): nothing is tapped twice or by mistake."""
    active = BooleanProperty(False)

    def on_touch_down(self, touch):
        if not self.active:
            return False
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch):
        if not self.active:
            return False
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch):
        if not self.active:
            return False
        super().on_touch_up(touch)
        return True


class KioskRoot(FloatLayout):
    controller = ObjectProperty(None)
    idle = ObjectProperty(None, allownone=True)

    def __init__(self, controller, site_name: str = "", idle=None, **kwargs):
        super().__init__(controller=controller, idle=idle, **kwargs)
        self.ids.site.text = site_name
        manager = ScreenManager(transition=NoTransition())
        for screen in all_screens(controller):
            manager.add_widget(screen)
        self.ids.screens.add_widget(manager)
        controller.manager = manager
        self.manager = manager

    def on_touch_down(self, touch):
        if self.idle is not None:
            self.idle.touched()  # any touch, anywhere, re-arms the idle watch
        return super().on_touch_down(touch)

    def still_here(self) -> None:
        if self.idle is not None:
            self.idle.touched()

    def call_mediator(self) -> None:
        self.controller.call_mediator()

    def cycle_text_size(self) -> None:
        THEME.cycle_text_size()
        self._restyle()

    def toggle_contrast(self) -> None:
        THEME.toggle_contrast()

    def _restyle(self) -> None:
        screen = self.manager.current_screen
        if self.controller.session is not None or screen.name in ("chooser", "checklist"):
            if hasattr(screen, "refresh") and screen.name not in ("welcome",):
                raw = screen.collect() if hasattr(screen, "collect") else None
                if raw and self.controller.session is not None:
                    self.controller.session.wizard.set_values(raw)
                screen.refresh()

    def dismiss_notice(self) -> None:
        self.controller.notice = ""
