from __future__ import annotations

from ..i18n import tr
from ..widgets.common import KInput
from ..widgets.keyboard import OnScreenKeyboard  # noqa: F401  (used in connexion.kv)
from .base import KioskScreen, load_kv, sentences


class ConnexionScreen(KioskScreen):
    """FranceConnect, for the procedures that require it: the identity it gives
    fills the état civil; nothing is kept after the session."""

    def refresh(self) -> None:
        view = self.controller.session.wizard.view()
        self.ids.indicator.text = (
            tr._("Étape {number} sur {total}").format(number=view.number, total=view.total)
            + " — "
            + tr.text(view.step.title)
        )
        self.ids.intro.text = tr.text(view.step.intro)
        for name in ("login", "password"):
            self.ids[name].text = ""
        self.hide_keyboard()

    def hide_keyboard(self) -> None:
        keyboard = self.ids.keyboard
        keyboard.target = None
        keyboard.opacity = 0
        keyboard.height = 0

    def clear(self) -> None:
        for name in ("login", "password"):
            self.ids[name].text = ""
        self.hide_keyboard()

    def focused(self, text_input: KInput, focused: bool) -> None:
        if focused:
            keyboard = self.ids.keyboard
            keyboard.attach(text_input)
            keyboard.opacity = 1
            keyboard.height = keyboard.natural_height

    def connect(self) -> None:
        self.controller.connect(self.ids.login.text, self.ids.password.text)

    def go_back(self) -> None:
        self.controller.back()

    def spoken_text(self) -> str:
        return sentences(self.ids.indicator.text, self.ids.intro.text)


load_kv(__file__)
