""" "Je n'ai pas de timbre", beside "Acheter un timbre" on the paiement step.

Nobody meets a dead end for want of a timbre fiscal: a panel over the form (the
form under it untouched, so nothing typed is lost) says where to buy one (here
with a bank card when the site has a timbre shop, at a bureau de tabac, or on
timbres.impots.gouv.fr), what it costs when the procedure's data says so, and,
truthfully, that the dossier is kept only while the person stays: the idle
policy's own figures say for how long, and a médiateur can help. Its buttons
forward the same intents as the form's "Acheter un timbre" and the top bar's
"Appeler un médiateur".
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from ..i18n import N_, tr
from .common import KButton

Builder.load_file(str(Path(__file__).with_name("timbre_help.kv")))

TITLE = N_("Vous n'avez pas de timbre fiscal ?")
FEE = N_("Pour cette démarche, le timbre fiscal coûte {} €.")
HERE = N_("Ici, avec une carte bancaire : touchez « Acheter un timbre ici ».")
NOT_HERE = N_("Cette borne ne vend pas de timbre fiscal.")
TABAC = N_("Dans un bureau de tabac (buraliste) qui affiche « timbre fiscal ».")
ONLINE = N_("Sur internet :")  # the address on a line of its own: a Latin font in every language
SITE = "timbres.impots.gouv.fr"
KEPT_MINUTES = N_(
    "Ce que vous avez écrit est gardé tant que vous restez à la borne. Après {} minutes sans toucher "
    "l'écran, la borne vous demande si vous êtes là, puis efface tout."
)
KEPT_SECONDS = N_(
    "Ce que vous avez écrit est gardé tant que vous restez à la borne. Après {} secondes sans toucher "
    "l'écran, la borne vous demande si vous êtes là, puis efface tout."
)
LEAVE = N_("Si vous partez acheter le timbre, tout sera effacé et il faudra recommencer. Un médiateur peut vous aider.")


def fee_text(fee: float) -> str:
    """25.0 → "25"; 12.5 → "12,50" (12.50 in English)."""
    if float(fee).is_integer():
        return str(int(fee))
    text = f"{fee:.2f}"
    return text if tr.lang == "en" else text.replace(".", ",")


class TimbreHelp(BoxLayout):
    """The panel, over the form screen it was opened on (``screen``)."""

    #: The timbre shop can open here (a browser window is configured).
    shop = BooleanProperty(False)
    fee = StringProperty("")  # "" when the procedure's data gives no amount
    kept = StringProperty("")  # msgid of the idle sentence
    kept_for = StringProperty("")
    site = StringProperty(SITE)

    def __init__(self, screen, field_id: str, **kwargs):
        super().__init__(**kwargs)
        self.screen = screen
        self.field_id = field_id
        controller = screen.controller
        session = controller.session
        self.shop = session is not None and session.logins.browser is not None
        fee = session.procedure.fee if session is not None else 0
        self.fee = fee_text(fee) if fee else ""
        if not self.shop:  # not offered at all (a greyed button would still say it)
            self.ids.answers.remove_widget(self.ids.buy)
        controller.bind(assisted=self._idle_said)
        self._idle_said()

    def _idle_said(self, *_) -> None:
        """How long the kiosk waits before the "still there?" warning, as the idle watch counts it."""
        controller = self.screen.controller
        idle = controller.idle
        if idle is None:
            self.kept = ""
            return
        seconds = idle.policy.timeouts.for_context("mediator" if controller.assisted else "step")
        if seconds >= 120:
            self.kept, self.kept_for = KEPT_MINUTES, str(round(seconds / 60))
        else:
            self.kept, self.kept_for = KEPT_SECONDS, str(round(seconds))

    def lines(self, say=None) -> list[str]:
        say = say or tr._
        out = [say(TITLE)]
        if self.fee:
            out.append(say(FEE).format(self.fee))
        out += [say(HERE) if self.shop else say(NOT_HERE), say(TABAC), say(ONLINE), SITE]
        if self.kept:
            out.append(say(self.kept).format(self.kept_for))
        out.append(say(LEAVE))
        return out

    def spoken_text(self) -> str:
        from ..screens.base import sentences

        return sentences(*self.lines(tr.gettext))

    def buy(self) -> None:
        """The same intent as the form's "Acheter un timbre"."""
        self.close()
        self.screen.buy_timbre(self.field_id)

    def call_mediator(self) -> None:
        """The same intent as the top bar's "Appeler un médiateur"; the panel stays."""
        self.screen.controller.call_mediator()

    def close(self, *_) -> None:
        self.screen.controller.unbind(assisted=self._idle_said)
        self.screen.unbind(on_leave=self.close)
        if self.parent is not None:
            self.parent.remove_widget(self)
        if self.screen.ids.get("timbre_help") is self:
            del self.screen.ids["timbre_help"]

    # the form under the panel takes no touch while it is up; the top bar (outside it) still does
    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        super().on_touch_up(touch)
        return True


def open_help(screen, field_id: str) -> TimbreHelp:
    """The panel over ``screen``; the keyboard goes down, what is typed stays."""
    shown = screen.ids.get("timbre_help")
    if shown is not None:
        return shown
    screen.hide_keyboard()
    panel = TimbreHelp(screen, field_id)
    screen.ids["timbre_help"] = panel
    screen.bind(on_leave=panel.close)  # another screen (the wipe included): it goes
    screen.add_widget(panel)
    return panel


def offer(screen, field_id: str, slot) -> KButton:
    """The "Je n'ai pas de timbre" button, under "Acheter un timbre"."""
    button = KButton(text=tr._("Je n'ai pas de timbre"), role="secondary", size_hint_y=None)
    button.bind(on_release=lambda _b: open_help(screen, field_id))
    slot.add_widget(button)
    screen.ids[f"no_timbre_{field_id}"] = button
    return button
