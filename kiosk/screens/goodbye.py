from __future__ import annotations

from .base import KioskScreen, load_kv


class GoodbyeScreen(KioskScreen):
    """Confirms the wipe and reminds the user to take their papers."""

    def refresh(self) -> None:
        self.ids.message.text = self.controller.goodbye_message

    def home(self) -> None:
        self.controller.reset()


class OutOfOrderScreen(KioskScreen):
    """Shown when the wipe could not be verified: nobody else may use the kiosk."""


load_kv(__file__)
