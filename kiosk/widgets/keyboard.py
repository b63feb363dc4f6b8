"""The docked on-screen keyboard: AZERTY with the accents of French on their
own keys, and a numeric keypad for numbers and dates.

It types into whichever input last took the focus, with the same calls a
physical keyboard's text goes through, so the physical keyboard still works.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from ..i18n import N_, RtlLabelMixin, tr

Builder.load_file(str(Path(__file__).with_name("keyboard.kv")))

BACKSPACE = N_("Effacer")
SHIFT = N_("Maj")
SPACE = N_("espace")
NEXT = N_("Suivant")

LAYOUTS = {
    "text": [
        list("1234567890") + [BACKSPACE],
        list("azertyuiop") + ["-"],
        list("qsdfghjklm") + ["'"],
        [SHIFT] + list("wxcvbn") + ["@", ".", "_"],
        # The accents share the space bar's row: one row less, more of the question in view.
        list("éèêëàâçùîïô") + [SPACE, NEXT],
    ],
    "number": [
        list("123"),
        list("456"),
        list("789"),
        ["/", "0", BACKSPACE, NEXT],
    ],
}


class Key(RtlLabelMixin, Button):
    """One key; a named key's Arabic word drawn right to left, as every label is."""

    key = StringProperty("")


class OnScreenKeyboard(BoxLayout):
    target = ObjectProperty(None, allownone=True)
    layout = StringProperty("text")
    shifted = BooleanProperty(False)
    #: The height it needs shown: one touch target per row.
    natural_height = NumericProperty(0)

    def on_kv_post(self, _base_widget):
        from ..theme import THEME

        self._rows = self.ids.rows.__self__  # held: out of the tree while hidden
        self._build()
        self.on_opacity()
        THEME.bind(key_height=self._resize)

    def _resize(self, *_):
        """The text size changed: the keys grow or shrink with it, every layout's."""
        from ..theme import THEME

        for made in self.__dict__.get("_made", {}).values():
            for row in made:
                row.height = THEME.key_height
        self.natural_height = len(LAYOUTS[self.layout]) * (THEME.key_height + dp(2)) + dp(12)

    def on_opacity(self, *_):
        """Hidden, its rows leave the widget tree: sixty keys drawn transparent
        would still cost their painting on every frame."""
        rows = getattr(self, "_rows", None)
        if rows is None:
            return
        if self.opacity == 0 and rows.parent is self:
            self.remove_widget(rows)
        elif self.opacity > 0 and rows.parent is None:
            self.add_widget(rows)

    def on_layout(self, *_):
        self._build()

    def on_shifted(self, *_):
        self.relabel()

    # Hidden, it has no height but its rows still stand where they were: touches
    # outside its own box are not its business (a disabled widget swallows them).
    def on_touch_down(self, touch):
        if self.disabled or self.opacity == 0 or not self.collide_point(*touch.pos):
            return False
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        if self.disabled or self.opacity == 0:
            return False
        return super().on_touch_up(touch)

    def attach(self, text_input) -> None:
        self.target = text_input
        layout = "number" if getattr(text_input, "input_kind", "text") in ("number", "date") else "text"
        if layout == self.layout:
            self.relabel()
        self.layout = layout

    def _build(self) -> None:
        """Show the layout's rows; each layout's keys are made once and kept
        (making 60 keys on every focus would cost a tenth of a second)."""
        if "rows" not in self.ids:
            return
        from ..theme import THEME

        rows = self.ids.rows
        rows.clear_widgets()
        layout = LAYOUTS[self.layout]
        self.natural_height = len(layout) * (THEME.key_height + dp(2)) + dp(12)
        cache = self.__dict__.setdefault("_made", {})
        if self.layout not in cache:
            made = []
            for keys in layout:
                row = BoxLayout(spacing=self.spacing, size_hint_y=None, height=THEME.key_height)
                for k in keys:
                    key = Key(key=k, text=k)
                    if k in (SPACE, NEXT, BACKSPACE, SHIFT):
                        key.size_hint_x = {SPACE: 3, NEXT: 1.5, BACKSPACE: 1.6, SHIFT: 1.3}[k]
                    key.bind(on_release=self._pressed)
                    row.add_widget(key)
                made.append(row)
            cache[self.layout] = made
        for row in cache[self.layout]:
            row.height = THEME.key_height
            rows.add_widget(row)
        self.relabel()

    def relabel(self) -> None:
        """Letters follow Maj; the named keys follow the language."""
        for row in self.ids.rows.children:
            for key in row.children:
                k = key.key
                text = (k.upper() if self.shifted else k) if len(k) == 1 else tr._(k)
                if key.text != text:
                    key.text = text

    def _pressed(self, key: Key) -> None:
        self.press(key.key)

    def press(self, key: str) -> None:
        target = self.target
        if key == SHIFT:
            self.shifted = not self.shifted
            return
        if key == NEXT:
            self.dispatch("on_next")
            return
        if target is None:
            return
        if key == BACKSPACE:
            target.do_backspace()
        else:
            char = " " if key == SPACE else (key.upper() if self.shifted else key)
            target.insert_text(char)
            if self.shifted:
                self.shifted = False

    def on_next(self):
        """Dispatched by the "Suivant" key: the screen moves to the next input."""

    __events__ = ("on_next",)
