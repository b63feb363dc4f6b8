"""The demonstration tour: ``kiosk --demo`` on a machine with no screen.

The app is built into Kivy's window (offscreen) without ``App.run()``, and
the tour goes through one whole procedure as a person would: every tap is a
touch of its own, dispatched through Kivy's event loop and landing wherever
the widget is drawn; every answer is typed through the window's keyboard
path. After each move the tour checks, against the session's flow, that the
kiosk went where the person would expect, and stops with a TourError saying
which screen or step did not; these checks are plain code, so they still hold
under ``python -O``. Waiting is a bounded pump of the event loop, never a
sleep.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from kivy.base import EventLoop
from kivy.input.motionevent import MotionEvent
from kivy.uix.scrollview import ScrollView

from .app import KioskApp
from .controller import Controller
from .screens.pieces import PieceRow
from .speech import CaptureSpeaker
from .widgets.common import KCheck, KInput, KToggle


class TourError(RuntimeError):
    """The kiosk did not show what the tour expected; the message says where."""


_fingers = itertools.count(1)


class Finger(MotionEvent):
    """One finger on the window at (x, y), in window pixels: down, then up."""

    def __init__(self, window: Any, x: float, y: float):
        self.window = window
        super().__init__("kiosk-tour", next(_fingers), self._relative(x, y), is_touch=True, type_id="touch")
        self.profile = ["pos"]

    def _relative(self, x: float, y: float) -> dict[str, float]:
        return {"x": x / (self.window.width - 1.0), "y": y / (self.window.height - 1.0)}

    def depack(self, args: dict[str, float]) -> None:
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)

    def down(self) -> None:
        EventLoop.post_dispatch_input("begin", self)

    def up(self) -> None:
        EventLoop.post_dispatch_input("end", self)


class KioskDriver:
    """The kiosk built into Kivy's window, and a person's moves on it."""

    def __init__(
        self,
        services: Any,
        size: tuple[int, int] = (1280, 800),
        now: Callable[[], float] | None = None,
        wall: Callable[[], datetime] | None = None,
        speaker: Any = None,
    ):
        EventLoop.ensure_window()
        self.window = EventLoop.window
        self.window.size = size
        self.speaker = speaker if speaker is not None else CaptureSpeaker()
        self.app = KioskApp(services, now=now, wall=wall, speaker=self.speaker)
        self.root = self.app.build()
        if self.app.controller is None:
            raise TourError("the kiosk was built without its controller")
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
        while self.controller.ahead.preparing and frames < max_frames:
            EventLoop.idle()
            frames += 1
        return frames

    def wait(self, predicate: Callable[[], object], timeout: float = 30.0, what: str = "the kiosk") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TourError(
                    f"waited {timeout:.0f}s for {what}; screen is {self.screen.name!r}, "
                    f"notice {self.controller.notice!r}"
                )
            EventLoop.idle()

    def wait_idle(self, timeout: float = 60.0) -> None:
        self.wait(lambda: not self.controller.busy and not self.controller.jobs.busy, timeout, "the job queue")
        self.pump(2)

    @property
    def screen(self) -> Any:
        return self.controller.manager.current_screen

    # --- touches --------------------------------------------------------------
    def tap_at(self, x: float, y: float, hold_frames: int = 0) -> None:
        """Finger down and up at (x, y); then one frame, so the layout follows."""
        finger = Finger(self.window, x, y)
        finger.down()
        self.pump(hold_frames)
        finger.up()
        self.pump(1)

    def tap(self, widget: Any) -> None:
        if widget.disabled:
            raise TourError(
                f"on screen {self.screen.name!r}, {type(widget).__name__} "
                f"{getattr(widget, 'text', '')!r} is greyed out where the tour taps it"
            )
        self._until_still(widget)  # as a person sees it: laid out, not mid-way
        scroll = _scroll_parent(widget)
        if scroll is not None:
            scroll.scroll_to(widget, padding=10, animate=False)
            self.pump(2)
            self._until_still(widget)
        x, y = widget.to_window(*widget.center)
        if not (0 <= x < self.window.width and 0 <= y < self.window.height):
            raise TourError(
                f"on screen {self.screen.name!r}, {type(widget).__name__} "
                f"{getattr(widget, 'text', '')!r} is off the window at {(x, y)}"
            )
        self.tap_at(x, y)

    def _until_still(self, widget: Any, max_frames: int = 30) -> None:
        """Frames until ``widget`` stays where it is (text measured, layouts done)."""
        where = None
        for _ in range(max_frames):
            now = (*widget.to_window(*widget.pos), *widget.size)
            if now == where:
                return
            where = now
            self.pump(1)

    def button(self, text: str, root: Any = None) -> Any:
        """The visible button whose text starts with ``text``."""
        for w in (root or self.screen).walk(restrict=True):
            shown = re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", getattr(w, "text", ""))
            if hasattr(w, "on_release") and shown.startswith(text) and w.opacity > 0 and not w.disabled:
                return w
        raise LookupError(f"no button {text!r} on screen {self.screen.name!r}")

    def tap_group(self, group_id: str) -> None:
        """On the chooser: the tile of a group of procedures."""
        for w in self.screen.ids.groups.children:
            if w.group_id == group_id:
                self.tap(w)
                return
        raise TourError(f"screen {self.screen.name!r} shows no tile for the group {group_id!r}")

    def tap_button(self, text: str) -> None:
        try:
            widget = self.button(text)
        except LookupError:
            raise TourError(f"screen {self.screen.name!r} shows no button {text!r} to tap") from None
        self.tap(widget)

    def field_input(self, field_id: str) -> KInput:
        for w in self.screen.walk(restrict=True):
            if isinstance(w, KInput) and w.field_id == field_id:
                return w
        raise LookupError(f"no input {field_id!r} on screen {self.screen.name!r}")

    def focus_input(self, field_id: str) -> KInput:
        """Tap the input of ``field_id``; it has the focus, its cursor at the end."""
        try:
            text_input = self.field_input(field_id)
        except LookupError:
            raise TourError(f"screen {self.screen.name!r} shows no input for {field_id!r}") from None
        self.tap(text_input)
        if not text_input.focus:
            raise TourError(f"on screen {self.screen.name!r}, the input for {field_id!r} did not take the focus")
        text_input.cursor = (len(text_input.text), 0)
        return text_input

    def type_into(self, field_id: str, text: str) -> None:
        """Tap the input, clear it, and type ``text`` as a USB keyboard would:
        Backspace key events, then the text as the window's text event."""
        text_input = self.focus_input(field_id)
        for _ in range(len(text_input.text)):
            self.window.dispatch("on_key_down", 8, 42, None, [])
            self.window.dispatch("on_key_up", 8, 42)
        self.window.dispatch("on_textinput", text)
        self.pump(1)
        self.expect_typed(field_id, text_input, text)

    def expect_typed(self, field_id: str, text_input: KInput, text: str) -> None:
        if text_input.text != text:
            raise TourError(
                f"on screen {self.screen.name!r}, {len(text)} characters were typed into "
                f"{field_id!r} but the input shows {len(text_input.text)} other ones"
            )

    def choose(self, label: str) -> None:
        for w in self.screen.walk(restrict=True):
            if isinstance(w, KToggle) and w.text == label:
                self.tap(w)
                return
        raise TourError(f"screen {self.screen.name!r} shows no choice {label!r}")

    def check(self) -> None:
        for w in self.screen.walk(restrict=True):
            if isinstance(w, KCheck):
                if w.state != "down":
                    self.tap(w)
                return
        raise TourError(f"screen {self.screen.name!r} shows no check box")

    def piece_row(self, piece_id: str) -> PieceRow:
        for w in self.screen.walk(restrict=True):
            if isinstance(w, PieceRow) and w.piece_id == piece_id:
                return w
        raise TourError(f"screen {self.screen.name!r} shows no row for the pièce {piece_id!r}")

    # --- what the session shows -------------------------------------------------
    def step_id(self) -> str:
        session = self.controller.session
        if session is None:
            raise TourError(
                f"the user's session has ended; screen is {self.screen.name!r}, notice {self.controller.notice!r}"
            )
        return "" if session.wizard.finished else session.wizard.current.id

    def expect_step(self, step_id: str, after: str) -> None:
        """The flow is at ``step_id`` once the person has done ``after``."""
        shown = self.step_id()
        if shown != step_id:
            session = self.controller.session
            errors = sorted(session.wizard.errors) if session is not None else []
            said = f"; the step marks {', '.join(errors)} as wrong" if errors else ""
            raise TourError(f"after {after}, the kiosk shows the step {shown!r}, not {step_id!r}{said}")

    def expect_screen(self, name: str, after: str) -> None:
        if self.screen.name != name:
            raise TourError(f"after {after}, the kiosk shows the screen {self.screen.name!r}, not {name!r}")

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


def _scroll_parent(widget: Any) -> ScrollView | None:
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
    "email": "anais.lefevre@orange.fr",
}


def walk_permis_perte(
    driver: KioskDriver, user: Mapping[str, str], photo_code: str, timbre: str, shots: Path | None = None
) -> tuple[str, list[Path]]:
    """Touch through the whole "permis perdu" flow; screenshot each screen if ``shots``.
    Returns the dossier's numero and the screenshots taken."""
    taken: list[Path] = []

    def shot(name: str) -> None:
        if shots is not None:
            taken.append(driver.screenshot(Path(shots) / f"{len(taken) + 1:02d}-{name}.png"))

    def go_on(from_step: str, to_step: str) -> None:
        driver.tap_button("Continuer")
        driver.expect_step(to_step, after=f"« Continuer » on the step {from_step!r}")

    shot("accueil")
    driver.tap_button("Touchez ici")
    shot("choix-demarche")
    driver.tap_group("permis")
    shot("choix-permis")
    driver.tap_button("Permis perdu")
    shot("avant-de-commencer")
    driver.tap_button("J'ai tout")
    driver.expect_screen("form", after="« J'ai tout » on the checklist")
    driver.expect_step("motif", after="« J'ai tout » on the checklist")
    driver.choose("J'ai perdu mon permis")
    shot("etape-1-motif")
    go_on("motif", "etat-civil")
    driver.type_into("nom_naissance", user["nom_naissance"])
    driver.choose("Femme")
    driver.type_into("prenom1", user["prenom1"])
    driver.type_into("date_naissance", user["date_naissance"])
    shot("etape-2-etat-civil")
    go_on("etat-civil", "adresse")
    driver.type_into("numero_voie", user["numero_voie"])
    driver.type_into("nom_voie", user["nom_voie"])
    driver.type_into("code_postal", user["code_postal"])
    driver.type_into("commune", user["commune"])
    driver.type_into("email", user["email"])
    shot("etape-3-adresse")
    go_on("adresse", "photo")
    driver.type_into("code_photo", photo_code)
    shot("etape-4-photo")
    go_on("photo", "pieces")
    for piece in ("identite", "domicile"):
        for _attempt in range(3):  # a page the kiosk's checks refuse ("Rescannez : …") is scanned again
            driver.tap(driver.piece_row(piece).ids.scan)
            driver.wait_idle()
            session = driver.controller.session
            if session is None or session.workspace.page_count(piece) or piece not in session.wizard.errors:
                break
        if session is None or session.workspace.page_count(piece) < 1:
            raise TourError(
                f"on the step 'pieces', the scan of {piece!r} gave no page; notice {driver.controller.notice!r}"
            )
    shot("etape-5-pieces")
    go_on("pieces", "paiement")
    driver.type_into("timbre", timbre)
    shot("etape-6-paiement")
    go_on("paiement", "recapitulatif")
    driver.check()
    shot("etape-7-recapitulatif")
    driver.tap_button("Valider et envoyer")
    driver.wait(lambda: driver.screen.name == "confirmation", what="the confirmation screen")
    driver.wait_idle()
    shot("etape-8-confirmation")
    session = driver.controller.session
    if session is None or not session.numero:
        raise TourError(f"the confirmation screen came without a dossier's numero; notice {driver.controller.notice!r}")
    numero = session.numero
    driver.tap_button("Terminer")
    driver.wait_idle()
    shot("au-revoir")
    return numero, taken


def run_headless_demo(services: Any, out: Path, user: Mapping[str, str] = DEMO_USER) -> list[Path]:
    """The demo on a machine with no screen: one whole procedure, screenshots of each screen.
    ``user`` is who the tour types in; a TourError says where the kiosk did not follow."""
    from config.factories import make_client

    client = make_client(services.settings)
    try:
        photo_code = client.new_photo_code()
        timbre = client.buy_timbre("perte", user["code_postal"], "4970100000000014", "12/39", "123").numero
    finally:
        client.close()
    driver = KioskDriver(services)
    try:
        _numero, taken = walk_permis_perte(driver, user, photo_code, timbre, shots=out)
    finally:
        driver.close()
    return taken
