from __future__ import annotations

from ..i18n import LANGUAGES, tr
from .base import KioskScreen, load_kv, sentences


class WelcomeScreen(KioskScreen):
    """The attract screen: one big invitation to touch, and the language choice."""

    languages = LANGUAGES

    def start(self) -> None:
        self.controller.start()

    def choose_language(self, lang: str) -> None:
        self.controller.set_language(lang)

    def spoken_text(self) -> str:
        return sentences(tr._("Bonjour !"), self.ids.invite.text, self.ids.start.text)


load_kv(__file__)
