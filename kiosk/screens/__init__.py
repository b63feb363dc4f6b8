"""One module and one .kv per screen; :func:`all_screens` builds them all."""
from __future__ import annotations

from .base import KioskScreen
from .checklist import ChecklistScreen
from .chooser import ChooserScreen
from .confirmation import ConfirmationScreen
from .connexion import ConnexionScreen
from .form import FormScreen
from .goodbye import GoodbyeScreen, OutOfOrderScreen
from .guidance import GuidanceScreen
from .pieces import PiecesScreen
from .recap import RecapScreen
from .suivi import SuiviScreen
from .welcome import WelcomeScreen

SCREENS = {
    "welcome": WelcomeScreen,
    "chooser": ChooserScreen,
    "checklist": ChecklistScreen,
    "form": FormScreen,
    "pieces": PiecesScreen,
    "recap": RecapScreen,
    "confirmation": ConfirmationScreen,
    "guidance": GuidanceScreen,
    "suivi": SuiviScreen,
    "connexion": ConnexionScreen,
    "goodbye": GoodbyeScreen,
    "out_of_order": OutOfOrderScreen,
}


def all_screens(controller) -> list[KioskScreen]:
    return [cls(name=name, controller=controller) for name, cls in SCREENS.items()]


__all__ = ["SCREENS", "KioskScreen", "all_screens"]
