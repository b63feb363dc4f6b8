"""One module and one .kv per screen. A screen's module (and its .kv) is
imported when the screen is first made: the welcome screen at start, the
others after the first frame, between frames (see KioskRoot.make_ahead)."""
from __future__ import annotations

import importlib

from .base import KioskScreen

#: Screen name -> (module, class).
WHERE = {
    "welcome": ("welcome", "WelcomeScreen"),
    "chooser": ("chooser", "ChooserScreen"),
    "checklist": ("checklist", "ChecklistScreen"),
    "form": ("form", "FormScreen"),
    "pieces": ("pieces", "PiecesScreen"),
    "recap": ("recap", "RecapScreen"),
    "confirmation": ("confirmation", "ConfirmationScreen"),
    "guidance": ("guidance", "GuidanceScreen"),
    "suivi": ("suivi", "SuiviScreen"),
    "connexion": ("connexion", "ConnexionScreen"),
    "goodbye": ("goodbye", "GoodbyeScreen"),
    "out_of_order": ("goodbye", "OutOfOrderScreen"),
}
NAMES = tuple(WHERE)


def screen_class(name: str) -> type[KioskScreen]:
    module, cls = WHERE[name]
    return getattr(importlib.import_module(f".{module}", __name__), cls)


def make_screen(name: str, controller) -> KioskScreen:
    return screen_class(name)(name=name, controller=controller)


def all_screens(controller) -> list[KioskScreen]:
    return [make_screen(name, controller) for name in NAMES]


__all__ = ["NAMES", "WHERE", "KioskScreen", "all_screens", "make_screen", "screen_class"]
