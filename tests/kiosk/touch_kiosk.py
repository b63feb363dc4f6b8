"""The tests' kiosk: the demo tour's driver (kiosk/tour.py), plus what only
tests need: typing on the on-screen keyboard, key by key, and waiting for the
idle watch's next look at the clock."""

from __future__ import annotations

from kiosk.tour import KioskDriver
from kiosk.widgets.keyboard import BACKSPACE, SHIFT, SPACE, Key


class TouchKiosk(KioskDriver):
    """``typing``: "touch" types every character on the on-screen keyboard;
    "keys" types through the physical keyboard's path (the window's text
    events, as a USB keyboard's), still tapping the input to focus it."""

    def __init__(self, services, size=(1280, 800), now=None, wall=None, speaker=None, typing: str = "touch"):
        super().__init__(services, size=size, now=now, wall=wall, speaker=speaker)
        self.typing = typing

    def idle_tick(self) -> None:
        """Run the event loop until the idle watch has looked at the time again."""
        seen = self.app.idle.ticks
        self.wait(lambda: self.app.idle.ticks > seen, timeout=5, what="the idle watch")
        self.pump(2)

    def keyboard(self):
        return self.screen.ids.keyboard

    def key(self, label: str) -> Key:
        for w in self.keyboard().walk(restrict=True):
            if isinstance(w, Key) and w.key == label:
                return w
        raise LookupError(f"no key {label!r} on the {self.keyboard().layout} keyboard")

    def type_into(self, field_id: str, text: str, typing: str | None = None) -> None:
        """Tap the input, clear it, and type ``text`` (see ``typing``)."""
        if (typing or self.typing) == "keys":
            super().type_into(field_id, text)
            return
        text_input = self.focus_input(field_id)
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
        self.expect_typed(field_id, text_input, text)
