"""The docked on-screen keyboard: AZERTY with the accents of French on their
own keys, and a numeric keypad for numbers and dates.

It types into whichever input last took the focus, with the same calls a
physical keyboard's text goes through, so the physical keyboard still works.
"""
from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

Builder.load_file(str(Path(__file__).with_name("keyboard.kv")))

BACKSPACE = "Effacer"
SHIFT = "Maj"
SPACE = "espace"
NEXT = "Suivant"

LAYOUTS = {
    "text": [
        list("1234567890") + [BACKSPACE],
        list("azertyuiop") + ["-"],
        list("qsdfghjklm") + ["'"],
        [SHIFT] + list("wxcvbn") + ["@", ".", "_"],
        list("éèêëàâçùîïô"),
        [SPACE, NEXT],
    ],
    "number": [
        list("123"), list("456"), list("789"), ["/", "0", BACKSPACE], [NEXT],
    ],
}


class Key(Button):
    key = StringProperty("")


class OnScreenKeyboard(BoxLayout):
    target = ObjectProperty(None, allownone=True)
    layout = StringProperty("text")
    shifted = BooleanProperty(False)

    def on_kv_post(self, _base_widget):
        self._build()

    def on_layout(self, *_):
        self._build()

    def on_shifted(self, *_):
        for row in self.ids.rows.children:
            for key in row.children:
                if len(key.key) == 1:
                    key.text = key.key.upper() if self.shifted else key.key

    def attach(self, text_input) -> None:
        self.target = text_input
        self.layout = "number" if getattr(text_input, "input_kind", "text") in ("number", "date") else "text"

    def _build(self) -> None:
        if "rows" not in self.ids:
            return
        rows = self.ids.rows
        rows.clear_widgets()
        for keys in LAYOUTS[self.layout]:
            row = BoxLayout(spacing=self.spacing)
            for k in keys:
                key = Key(key=k, text=k)
                if k in (SPACE, NEXT, BACKSPACE, SHIFT):
                    key.size_hint_x = {SPACE: 3, NEXT: 1.5, BACKSPACE: 1.6, SHIFT: 1.3}[k]
                key.bind(on_release=self._pressed)
                row.add_widget(key)
            rows.add_widget(row)

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
