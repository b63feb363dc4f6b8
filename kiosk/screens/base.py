from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import Screen

from ..widgets import common  # noqa: F401  (loads the shared widget rules)


def load_kv(module_file: str) -> None:
    """Load the .kv file beside a screen's module, once."""
    path = str(Path(module_file).with_suffix(".kv"))
    if path not in Builder.files:
        Builder.load_file(path)


class MadeAhead:
    """Widgets made ahead (see kiosk/ahead.py), kept by key for the language
    they were made in: ``made(key, make)`` gives the one made before, or makes it.

    A form's, a pièce's or a récapitulatif's key starts with the procedure the
    widget was made for: a step, field or pièce of the same id in another
    procedure may say other words, and is another widget. Everything goes at
    the session's end (clear)."""

    def __init__(self):
        self._made: dict[tuple, object] = {}

    def __call__(self, key: tuple, make):
        from ..i18n import tr

        key = (tr.lang, *key)
        widget = self._made.get(key)
        if widget is None:
            widget = self._made[key] = make()
        return widget

    def values(self):
        return self._made.values()

    def clear(self) -> None:
        self._made.clear()


def sentences(*parts: str) -> str:
    """Texts joined for reading aloud: each ends with a full stop, so the voice pauses."""
    out = []
    for part in parts:
        part = " ".join((part or "").split())
        if part:
            out.append(part if part[-1] in ".?!:…" else part + ".")
    return " ".join(out)


class KioskScreen(Screen):
    controller = ObjectProperty(None)

    def refresh(self) -> None:
        """Called each time the screen is shown: read the session's state."""

    def clear(self) -> None:
        """Forget everything of the user this screen shows (the wipe)."""

    def spoken_text(self) -> str:
        """What the "Écouter" button reads: the screen's question and its help."""
        return ""
