"""The root widget: the top bar (read aloud, the three text sizes, contrast, the
language, help), the
message banner, the screens, and the overlay shown while a device or the
network works.

It also keeps touch simple for people who never used a touchscreen: one
finger at a time (a second finger put down while the first is still there is
ignored, and so are its moves and its lifting)."""

from __future__ import annotations

import weakref
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from .i18n import LANGUAGES, N_, shape, tr
from .screens import NAMES, make_screen
from .theme import THEME

Builder.load_file(str(Path(__file__).with_name("root.kv")))

#: Said after the idle warning's countdown (the button's own words are in root.kv).
TOUCH_STILL_HERE = N_("Touchez le bouton « Je suis toujours là ».")
#: The language button's words at the largest text size: the language in use, short.
SHORT_NAMES = {"fr": "FR", "en": "EN", "ar": "عربي"}


class KScreenManager(ScreenManager):
    """Kivy's screen manager without its stencil (see root.kv).

    Every screen has the manager's size, shown or not: widgets made ahead for a
    screen (see kiosk/ahead.py) are then laid out, and their text drawn, at
    their final width before the screen is shown."""

    controller = None

    def get_screen(self, name):
        """A screen not made yet is made now (they are made ahead: see KioskRoot.make_ahead)."""
        if name in NAMES and not self.has_screen(name):
            self.make(name)
        return super().get_screen(name)

    def make(self, name: str) -> None:
        if not self.has_screen(name):
            screen = make_screen(name, self.controller)
            screen.size = self.size
            self.add_widget(screen)

    def size_screens(self, *_):
        for screen in self.screens:
            if screen.size != self.size:
                screen.size = self.size

    def on_size(self, *_):
        self.size_screens()


class ModalLayer(FloatLayout):
    """While active, its own widgets get the touches and nothing beneath it does
    (a job in progress, the idle warning): nothing is tapped twice or by mistake.
    While inactive it is out of the widget tree (see KioskRoot._sync_layers)."""

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


class LanguageLayer(ModalLayer):
    """The choice of language, hanging under the top bar. The bar stays live (its
    language button closes the choice, "Écouter" reads it); a touch anywhere else
    outside the choice closes it and does nothing beneath."""

    bar = ObjectProperty(None, allownone=True)
    panel = ObjectProperty(None, allownone=True)
    close = ObjectProperty(None, allownone=True)

    def on_touch_down(self, touch):
        if not self.active:
            return False
        if self.bar is not None and self.bar.collide_point(*touch.pos):
            return False
        if self.panel is not None and self.panel.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        touch.ud["language_dismiss"] = True
        return True

    def on_touch_up(self, touch):
        if not self.active:
            return False
        if touch.ud.get("language_dismiss"):
            if self.close is not None:
                self.close()
            return True
        return super().on_touch_up(touch)


class KioskRoot(FloatLayout):
    controller = ObjectProperty(None)
    idle = ObjectProperty(None, allownone=True)
    site_name = StringProperty("")
    #: True while "Écouter" is reading the screen aloud: the button then shows it, and stops it.
    speaking = BooleanProperty(False)
    #: True while the choice of the three languages is open under the top bar.
    choosing_language = BooleanProperty(False)
    languages = LANGUAGES
    _watch_speech = None

    def __init__(self, controller, site_name: str = "", idle=None, speaker=None, **kwargs):
        super().__init__(controller=controller, idle=idle, **kwargs)
        self.site_name = site_name
        self.speaker = speaker
        self._finger = None  # the one touch that counts
        manager = KScreenManager(transition=NoTransition())
        manager.controller = controller
        manager.make("welcome")  # the others after the first frame: see make_ahead
        self.ids.screens.add_widget(manager)
        controller.manager = manager
        self.manager = manager
        # The overlays, bottom to top. A widget drawn at opacity 0 still costs a
        # full-screen paint per frame in software rendering: an inactive layer is
        # taken out of the tree instead.
        self._layers = [child for child in reversed(self.children) if isinstance(child, ModalLayer)]
        for layer in self._layers:
            layer.bind(active=self._sync_layers)
        self._sync_layers()
        # The background is the window's clear colour: no full-screen rectangle
        # painted behind the screens.
        from kivy.core.window import Window

        self._window = Window
        THEME.bind(bg=self._paint_background)
        self._paint_background()
        if idle is not None:
            idle.bind(phase=self._idle_phase)
        self.ids.language_layer.close = self.toggle_languages
        manager.bind(current=self._screen_changed)
        tr.bind(lang=self._screen_changed)  # the next person's French too (Controller.reset)

    def _screen_changed(self, *_):
        self.choosing_language = False

    def make_ahead(self) -> list:
        """The work of making the other screens, one per slice (see kiosk/ahead.py)."""
        return [lambda name=name: self.manager.make(name) for name in NAMES if not self.manager.has_screen(name)]

    def _paint_background(self, *_):
        self._window.clearcolor = THEME.bg

    def _sync_layers(self, *_):
        for layer in self._layers:
            if layer.parent is not None:
                self.remove_widget(layer)
        for layer in self._layers:
            if layer.active:
                self.add_widget(layer)

    def on_touch_down(self, touch):
        if self._finger is not None and self._finger() is not None:
            touch.ud["kiosk_ignored"] = True
            self._still_here()
            return True  # a second finger: nothing happens
        self._finger = weakref.ref(touch)
        # Dispatch first: while the idle warning shows, its layer takes the touch
        # (nothing beneath it acts); then any touch, anywhere, re-arms the watch.
        handled = super().on_touch_down(touch)
        self._still_here()
        return handled

    def _still_here(self) -> None:
        if self.idle is not None:
            self.idle.touched()

    def on_touch_move(self, touch):
        if touch.ud.get("kiosk_ignored"):
            return True
        return super().on_touch_move(touch)

    def on_touch_up(self, touch):
        if touch.ud.get("kiosk_ignored"):
            return True
        if self._finger is not None and self._finger() is touch:
            self._finger = None
        return super().on_touch_up(touch)

    def read_aloud(self) -> None:
        """Say the current screen's question and help, in the user's language; while
        it speaks, the same button stops it (it shows "Arrêter la lecture")."""
        if self.speaker is None:
            return
        if self.speaking:
            self.speaker.stop()
            self._spoken()
            return
        if self.choosing_language:
            text = " ".join(f"{name}." for name in LANGUAGES.values())
        else:
            text = self.manager.current_screen.spoken_text()
        if self.controller.notice and not self.choosing_language:
            text = self.controller.notice + " " + text
        self.speaker.say(text, tr.lang)
        self.speaking = self.speaker.speaking()
        if self.speaking and self._watch_speech is None:
            self._watch_speech = Clock.schedule_interval(self._still_speaking, 0.2)

    def _still_speaking(self, _dt) -> None:
        if not self.speaker.speaking():
            self._spoken()

    def _spoken(self) -> None:
        self.speaking = False
        if self._watch_speech is not None:
            self._watch_speech.cancel()
            self._watch_speech = None

    def warning_text(self) -> str:
        """The idle warning as it is said: its title, its countdown, what to touch."""
        idle = self.idle
        title = "Êtes-vous toujours là ?" if idle is None or idle.reason == "idle" else "La borne va fermer."
        countdown = tr.gettext("Sans réponse, vos données seront effacées dans {} secondes.")
        remaining = int(idle.remaining) if idle is not None else 0
        return " ".join((tr.gettext(title), countdown.format(remaining), tr.gettext(TOUCH_STILL_HERE)))

    def _idle_phase(self, _idle, phase: str) -> None:
        """The warning is heard as well as shown: someone looking at their papers
        does not see the screen. A chime, then the words; any touch stops them."""
        if self.speaker is None:
            return
        if phase == "warning":
            self.speaker.alert(self.warning_text(), tr.lang)
        else:
            self.speaker.stop()
        self._spoken()  # whatever "Écouter" was reading was stopped

    def still_here(self) -> None:
        if self.idle is not None:
            self.idle.touched()

    def call_mediator(self) -> None:
        self.controller.call_mediator()

    def set_text_size(self, name: str) -> None:
        """One of the three sizes, chosen on the top bar (the one in use is filled)."""
        if THEME.text_size != name:
            THEME.text_size = name
            self._restyle()

    def size_button(self, name: str):
        """The top bar's button of the text size ``name``."""
        return self.ids[f"text_size_{name.replace('-', '_')}"]

    def toggle_contrast(self) -> None:
        THEME.toggle_contrast()

    @staticmethod
    def language_label(lang: str, text_size: str) -> str:
        """The language button's words: the language in use, named in itself; short
        at the largest text size, where the top bar has no room for more."""
        name = SHORT_NAMES[lang] if text_size == "tres-grand" else LANGUAGES[lang]
        return shape(name)

    def toggle_languages(self) -> None:
        self.choosing_language = not self.choosing_language

    def set_language(self, lang: str) -> None:
        """From any screen: the screen relabelled in place, what was typed and the
        step kept, the keyboard still up on the same input (Controller.reset goes
        back to French for the next person)."""
        self.choosing_language = False
        if tr.lang == lang:
            return
        tr.lang = lang
        self._restyle()

    def _restyle(self) -> None:
        """The current screen drawn again in the new language or text size; nothing
        typed is lost, no error appears that was not shown, the keyboard stays up."""
        screen = self.manager.current_screen
        if screen.name == "chooser":
            screen.property("group").dispatch(screen)  # the open group's list, relabelled
            return
        if self.controller.session is None and screen.name != "checklist":
            return
        if not hasattr(screen, "refresh") or screen.name == "welcome":
            return
        keyboard = screen.ids.get("keyboard")
        target = keyboard.target if keyboard is not None and getattr(screen, "typing", False) else None
        typing_in = (getattr(target, "field_id", ""), target.cursor) if target is not None else None
        raw = screen.collect() if hasattr(screen, "collect") else None
        if raw:
            wizard = self.controller.session.wizard
            shown = set(wizard.errors)
            self.controller.keep(raw)
            for field_id in [f for f in wizard.errors if f not in shown]:
                del wizard.errors[field_id]  # kept, not judged: a redraw is not "Continuer"
        screen.refresh()
        if typing_in is not None and typing_in[0]:
            screen.focus_field(typing_in[0])
            again = screen.input_of(typing_in[0])
            if again is not None:
                again.cursor = typing_in[1]

    def dismiss_notice(self) -> None:
        self.controller.notice = ""
