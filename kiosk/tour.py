"""Drive the real kiosk window with touch events, without ``App.run()``.

Used by the UI tests and by ``kiosk --demo`` on a machine with no screen:
the app is built into Kivy's window (offscreen or Xvfb), and every tap is a
real touch dispatched through Kivy's event loop, landing wherever the widget
is drawn. Waiting is a bounded pump of the event loop, never a sleep.
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

from kivy.base import EventLoop
from kivy.tests.common import UnitTestTouch

from .app import KioskApp
from .controller import Controller
from .speech import CaptureSpeaker
from .widgets.common import KCheck, KInput, KToggle
from .widgets.keyboard import BACKSPACE, SHIFT, SPACE, Key


class KioskDriver:
    """``typing``: "touch" types every character on the on-screen keyboard;
    "keys" types through the physical keyboard's path (the window's text
    events, as a USB keyboard's), still tapping the input to focus it."""

    def __init__(self, services, size: tuple[int, int] = (1280, 800), now=None, wall=None,
                 speaker=None, typing: str = "touch"):
        EventLoop.ensure_window()
        self.window = EventLoop.window
        self.window.size = size
        self.typing = typing
        self.speaker = speaker if speaker is not None else CaptureSpeaker()
        self.app = KioskApp(services, now=now, wall=wall, speaker=self.speaker)
        self.root = self.app.build()
        if self.app.controller is None:
            raise RuntimeError("KioskApp.build() made no controller")
        self.controller: Controller = self.app.controller
        self.window.add_widget(self.root)
        self.pump(3)

    # --- the loop -----------------------------------------------------------
    def pump(self, frames: int = 2) -> None:
        for _ in range(frames):
            EventLoop.idle()

    def settle(self, max_frames: int = 600) -> int:
        """Let the kiosk use the time a person spends reading the screen: frames
        until the widgets it builds ahead are made (see Controller.prepare).
        Returns the frames it took."""
        frames = 0
        while self.controller.preparing and frames < max_frames:
            EventLoop.idle()
            frames += 1
        return frames

    def wait(self, predicate, timeout: float = 30.0, what: str = "the kiosk") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f}s for {what}; screen is {self.screen.name!r}, "
                                   f"notice {self.controller.notice!r}")
            EventLoop.idle()

    def wait_idle(self, timeout: float = 60.0) -> None:
        self.wait(lambda: not self.controller.busy and not self.controller.jobs.busy, timeout, "the job queue")
        self.pump(2)

    def idle_tick(self) -> None:
        """Run the event loop until the idle watch has looked at the time again."""
        seen = self.app.idle.ticks
        self.wait(lambda: self.app.idle.ticks > seen, timeout=5, what="the idle watch")
        self.pump(2)

    @property
    def screen(self):
        return self.controller.manager.current_screen

    # --- touches --------------------------------------------------------------
    def tap_at(self, x: float, y: float, hold_frames: int = 0) -> None:
        """Finger down and up at (x, y); then one frame, so the layout follows."""
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.pump(hold_frames)
        touch.touch_up()
        self.pump(1)

    def tap(self, widget) -> None:
        if widget.disabled:
            raise AssertionError(f"{widget!r} ({getattr(widget, 'text', '')!r}) is disabled")
        self._until_still(widget)  # as a person sees it: laid out, not mid-way
        scroll = _scroll_parent(widget)
        if scroll is not None:
            scroll.scroll_to(widget, padding=10, animate=False)
            self.pump(2)
            self._until_still(widget)
        x, y = widget.to_window(*widget.center)
        if not (0 <= x < self.window.width and 0 <= y < self.window.height):
            raise AssertionError(f"{widget!r} is off screen at {(x, y)}")
        self.tap_at(x, y)

    def _until_still(self, widget, max_frames: int = 30) -> None:
        """Frames until ``widget`` stays where it is (text measured, layouts done)."""
        where = None
        for _ in range(max_frames):
            now = (*widget.to_window(*widget.pos), *widget.size)
            if now == where:
                return
            where = now
            self.pump(1)

    def button(self, text: str, root=None):
        """The visible button whose text starts with ``text``."""
        for w in (root or self.screen).walk(restrict=True):
            shown = re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", getattr(w, "text", ""))
            if hasattr(w, "on_release") and shown.startswith(text) and w.opacity > 0 \
                    and not w.disabled:
                return w
        raise LookupError(f"no button {text!r} on screen {self.screen.name!r}")

    def tap_group(self, group_id: str) -> None:
        """On the chooser: the tile of a group of procedures."""
        for w in self.screen.ids.groups.children:
            if w.group_id == group_id:
                self.tap(w)
                return
        raise LookupError(f"no group {group_id!r}")

    def tap_button(self, text: str) -> None:
        self.tap(self.button(text))

    def field_input(self, field_id: str) -> KInput:
        for w in self.screen.walk(restrict=True):
            if isinstance(w, KInput) and w.field_id == field_id:
                return w
        raise LookupError(f"no input {field_id!r} on screen {self.screen.name!r}")

    def keyboard(self):
        return self.screen.ids.keyboard

    def key(self, label: str) -> Key:
        for w in self.keyboard().walk(restrict=True):
            if isinstance(w, Key) and w.key == label:
                return w
        raise LookupError(f"no key {label!r} on the {self.keyboard().layout} keyboard")

    def type_into(self, field_id: str, text: str, typing: str | None = None) -> None:
        """Tap the input, clear it, and type ``text`` (see ``typing``)."""
        text_input = self.field_input(field_id)
        self.tap(text_input)
        assert text_input.focus, f"{field_id} did not take the focus"
        text_input.cursor = (len(text_input.text), 0)
        if (typing or self.typing) == "keys":
            self.type_keys(text_input, text)
            return
        for _ in range(len(text_input.text)):
            self.tap(self.key(BACKSPACE))
        for ch in text:
            if ch == " ":
                self.tap(self.key(SPACE))
            elif ch.isupper():
                self.tap(self.key(SHIFT))
                self.tap(self.key(ch.lower()))
            else:
                self.tap(self.key(ch))
        assert text_input.text == text, f"{field_id}: typed {text!r}, input shows {text_input.text!r}"

    def type_keys(self, text_input, text: str) -> None:
        """The physical keyboard: Backspace key events, then the text as the window's text event."""
        for _ in range(len(text_input.text)):
            self.window.dispatch("on_key_down", 8, 42, None, [])
            self.window.dispatch("on_key_up", 8, 42)
        self.window.dispatch("on_textinput", text)
        self.pump(1)
        assert text_input.text == text, f"typed {text!r} on the keyboard, input shows {text_input.text!r}"

    def choose(self, label: str) -> None:
        for w in self.screen.walk(restrict=True):
            if isinstance(w, KToggle) and w.text == label:
                self.tap(w)
                return
        raise LookupError(f"no choice {label!r}")

    def check(self) -> None:
        for w in self.screen.walk(restrict=True):
            if isinstance(w, KCheck):
                if w.state != "down":
                    self.tap(w)
                return
        raise LookupError("no check box on screen")

    # --- pictures -------------------------------------------------------------
    def screenshot(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.pump(3)
        written = self.window.screenshot(name=str(path))
        os.replace(written, path)
        return path

    def close(self) -> None:
        if self.controller.session is not None:
            self.controller.finish("abandoned")
            self.wait_idle()
        self.app.idle.stop()
        self.controller.sessions.no_goodbye()  # its timer would take the next kiosk back to French
        self.controller.jobs.stop()
        self.window.remove_widget(self.root)
        self.pump(2)


def _scroll_parent(widget):
    from kivy.uix.scrollview import ScrollView

    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, ScrollView):
            return parent
        parent = parent.parent
    return None


#: A fictitious user for the demonstration tour.
DEMO_USER = {
    "nom_naissance": "Lefèvre",
    "prenom1": "Anaïs",
    "date_naissance": "14/07/1985",
    "nom_voie": "rue des Écoles",
    "numero_voie": "12",
    "code_postal": "33000",
    "commune": "Bordeaux",
    "email": "anais.lefevre@exemple.fr",
}


def walk_permis_perte(driver: KioskDriver, user: dict, photo_code: str, timbre: str, shots: Path | None = None):
    """Touch through the whole "permis perdu" flow; screenshot each screen if ``shots``."""
    taken: list[Path] = []

    def shot(name: str) -> None:
        if shots is not None:
            taken.append(driver.screenshot(Path(shots) / f"{len(taken) + 1:02d}-{name}.png"))

    shot("accueil")
    driver.tap_button("Touchez ici")
    shot("choix-demarche")
    driver.tap_group("permis")
    shot("choix-permis")
    driver.tap_button("Permis perdu")
    shot("avant-de-commencer")
    driver.tap_button("J'ai tout")
    driver.choose("J'ai perdu mon permis")
    shot("etape-1-motif")
    driver.tap_button("Continuer")
    driver.type_into("nom_naissance", user["nom_naissance"])
    driver.choose("Femme")
    driver.type_into("prenom1", user["prenom1"])
    driver.type_into("date_naissance", user["date_naissance"])
    shot("etape-2-etat-civil")
    driver.tap_button("Continuer")
    driver.type_into("numero_voie", user["numero_voie"])
    driver.type_into("nom_voie", user["nom_voie"])
    driver.type_into("code_postal", user["code_postal"])
    driver.type_into("commune", user["commune"])
    driver.type_into("email", user["email"])
    shot("etape-3-adresse")
    driver.tap_button("Continuer")
    driver.type_into("code_photo", photo_code)
    shot("etape-4-photo")
    driver.tap_button("Continuer")
    for piece in ("identite", "domicile"):
        row = driver.screen._rows[piece]
        driver.tap(row.ids.scan)
        driver.wait_idle()
        assert row.pages >= 1 or driver.screen._rows[piece].pages >= 1, driver.controller.notice
    shot("etape-5-pieces")
    driver.tap_button("Continuer")
    driver.type_into("timbre", timbre)
    shot("etape-6-paiement")
    driver.tap_button("Continuer")
    driver.check()
    shot("etape-7-recapitulatif")
    driver.tap_button("Valider et envoyer")
    driver.wait(lambda: driver.screen.name == "confirmation", what="the confirmation screen")
    driver.wait_idle()
    shot("etape-8-confirmation")
    session = driver.controller.session
    if session is None:
        raise RuntimeError(f"the session ended before its numero was read; notice {driver.controller.notice!r}")
    numero = session.numero
    driver.tap_button("Terminer")
    driver.wait_idle()
    shot("au-revoir")
    return numero, taken


def run_headless_demo(services, out: Path) -> list[Path]:
    """The demo on a machine with no screen: one whole procedure, screenshots of each screen."""
    from config.factories import make_client

    client = make_client(services.settings)
    try:
        photo_code = client.new_photo_code()
        timbre = client.buy_timbre("perte", DEMO_USER["code_postal"], "4970100000000014", "12/39", "123").numero
    finally:
        client.close()
    driver = KioskDriver(services, typing="keys")
    try:
        _numero, taken = walk_permis_perte(driver, DEMO_USER, photo_code, timbre, shots=out)
    finally:
        driver.close()
    return taken
