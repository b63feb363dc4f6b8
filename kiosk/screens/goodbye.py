from __future__ import annotations

from .base import KioskScreen, load_kv, sentences


class GoodbyeScreen(KioskScreen):
    """Confirms the wipe and reminds the user to take their papers."""

    def refresh(self) -> None:
        self.ids.message.text = self.controller.goodbye_message

    def home(self) -> None:
        self.controller.reset()

    def spoken_text(self) -> str:
        ids = self.ids
        return sentences(ids.title.text, ids.message.text, ids.papers.text, ids.ticket.text)


class OutOfOrderScreen(KioskScreen):
    """Shown when the wipe could not be verified: nobody else may use the kiosk."""

    def spoken_text(self) -> str:
        return sentences(self.ids.title.text, self.ids.call.text)


load_kv(__file__)
