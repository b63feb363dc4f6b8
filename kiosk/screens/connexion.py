from __future__ import annotations

from ..i18n import tr
from .base import KioskScreen, load_kv, sentences


class ConnexionScreen(KioskScreen):
    """FranceConnect, for the procedures that require it. The button opens the
    locked browser window on FranceConnect's own pages: the person types their
    password there, never on the kiosk; the identity that comes back fills the
    état civil, and nothing of it is kept after the session."""

    def refresh(self) -> None:
        view = self.controller.session.wizard.view()
        self.ids.indicator.text = (
            tr._("Étape {number} sur {total}").format(number=view.number, total=view.total)
            + " — "
            + tr.text(view.step.title)
        )
        self.ids.intro.text = tr.text(view.step.intro)

    def connect(self) -> None:
        self.controller.connect()

    def go_back(self) -> None:
        self.controller.back()

    def spoken_text(self) -> str:
        return sentences(self.ids.indicator.text, self.ids.intro.text, self.ids.how.text)


load_kv(__file__)
