"""One module and one .kv per screen. A screen's module (and its .kv) is
imported when the screen is first made: the welcome screen at start, the
others after the first frame, between frames (see KioskRoot.make_ahead)."""

from __future__ import annotations

import importlib

from session.flow import CHECKLIST, FOUND

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
    "closed": ("closed", "ClosedScreen"),
}
NAMES = tuple(WHERE)

#: Which screen shows which stage of the session's flow (session.flow): a
#: step's kind, or a stage of the flow's own. A kind not listed (a new one the
#: session learns before the kiosk has a screen for it) is shown by the form
#: screen: its title, its intro text, its fields if any, and "Continuer".
SCREEN_FOR = {
    "form": "form",
    "pieces": "pieces",
    "recap": "recap",
    "confirmation": "confirmation",
    "guidance": "guidance",
    "suivi": "form",
    "complement": "pieces",
    "connexion": "connexion",
    FOUND: "suivi",
    CHECKLIST: "checklist",
}


def screen_for(stage: str) -> str:
    """The screen that shows a stage of the flow (or a step of that kind)."""
    return SCREEN_FOR.get(stage, "form")


def screen_class(name: str) -> type[KioskScreen]:
    module, cls = WHERE[name]
    return getattr(importlib.import_module(f".{module}", __name__), cls)


def make_screen(name: str, controller) -> KioskScreen:
    return screen_class(name)(name=name, controller=controller)


def all_screens(controller) -> list[KioskScreen]:
    return [make_screen(name, controller) for name in NAMES]


__all__ = ["NAMES", "SCREEN_FOR", "WHERE", "KioskScreen", "all_screens", "make_screen", "screen_class", "screen_for"]
