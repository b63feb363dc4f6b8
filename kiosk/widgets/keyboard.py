"""The docked on-screen keyboard: AZERTY with the accents of French on their
own keys, a numeric keypad for numbers and dates, and an e-mail layout.

It types into whichever input last took the focus, with the same calls a
physical keyboard's text goes through, so the physical keyboard still works.

The e-mail layout has what an address is made of ("@", ".", "-", "_", digits,
no accents) and a row of the site's e-mail domains ([keyboard] email_domains):
"@orange.fr" types the whole domain in one touch. A key is at least a touch
target wide and as wide as its word at the keys' text size, so the row holds
as many as fit at the text size; the others are not drawn.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from ..fonts import font_for
from ..i18n import N_, RtlLabelMixin, tr

Builder.load_file(str(Path(__file__).with_name("keyboard.kv")))

BACKSPACE = N_("Effacer")
SHIFT = N_("Maj")
SPACE = N_("espace")
NEXT = N_("Suivant")
#: The named keys: their words are translated, Maj does not change them.
NAMED = (BACKSPACE, SHIFT, SPACE, NEXT)
#: Endings typed whole on the e-mail layout, for an address at another provider.
ENDINGS = (".fr", ".com")
#: How many widths of a letter's key a wider key takes.
WIDE = {SPACE: 3, NEXT: 1.5, BACKSPACE: 1.6, SHIFT: 1.3}

LAYOUTS = {
    "text": [
        list("1234567890") + [BACKSPACE],
        list("azertyuiop") + ["-"],
        list("qsdfghjklm") + ["'"],
        [SHIFT] + list("wxcvbn") + ["@", ".", "_"],
        # The accents share the space bar's row: one row less, more of the question in view.
        list("éèêëàâçùîïô") + [SPACE, NEXT],
    ],
    # An address has no accent and no capital; the site's domains are one more row (see _fit_domains).
    "email": [
        list("1234567890") + [BACKSPACE],
        list("azertyuiop") + ["-"],
        list("qsdfghjklm") + ["_"],
        list("wxcvbn") + ["@", "."] + list(ENDINGS) + [NEXT],
    ],
    "number": [
        list("123"),
        list("456"),
        list("789"),
        ["/", "0", BACKSPACE, NEXT],
    ],
}

#: The site's e-mail domains, most used first (``[keyboard] email_domains``).
_email_domains: tuple[str, ...] = ()


def use_email_domains(domains) -> None:
    """The site's e-mail domains, set by the app from its settings before any keyboard types."""
    global _email_domains
    _email_domains = tuple(domains)


def domain_keys() -> list[str]:
    """The domain keys' words, in the site's order: "@orange.fr"."""
    return [f"@{domain}" for domain in _email_domains]


class Key(RtlLabelMixin, Button):
    """One key; a named key's Arabic word drawn right to left, as every label is."""

    key = StringProperty("")


def _rows_of(layout: str) -> int:
    return len(LAYOUTS[layout]) + (1 if layout == "email" and _email_domains else 0)


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
        self.bind(width=self._fit_domains)

    def _resize(self, *_):
        """The text size changed: the keys grow or shrink with it, every layout's."""
        from ..theme import THEME

        for made in self.__dict__.get("_made", {}).values():
            for row in made:
                row.height = THEME.key_height
        self.natural_height = _rows_of(self.layout) * (THEME.key_height + dp(2)) + dp(12)
        self._fit_domains()

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
        kind = getattr(text_input, "input_kind", "text")
        layout = {"number": "number", "date": "number", "email": "email"}.get(kind, "text")
        if layout == "email":
            self.shifted = False  # it has no Maj to undo one pressed on the letters
        if layout == self.layout:
            self.relabel()
            self._fit_domains()  # the site's domains may have changed since it was made
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
        self.natural_height = _rows_of(self.layout) * (THEME.key_height + dp(2)) + dp(12)
        cache = self.__dict__.setdefault("_made", {})
        if self.layout not in cache:
            made = []
            for keys in layout:
                row = BoxLayout(spacing=self.spacing, size_hint_y=None, height=THEME.key_height)
                for k in keys:
                    key = Key(key=k, text=k, size_hint_x=WIDE.get(k, 1))
                    key.bind(on_release=self._pressed)
                    row.add_widget(key)
                made.append(row)
            if self.layout == "email":
                made.append(BoxLayout(spacing=self.spacing, size_hint_y=None, height=THEME.key_height))
            cache[self.layout] = made
        for row in cache[self.layout]:
            row.height = THEME.key_height
            rows.add_widget(row)
        self._fit_domains()
        self.relabel()

    def _fit_domains(self, *_) -> None:
        """The e-mail layout's last row: the site's domain keys, in its order, each as wide as
        its word needs (and a touch target at least), as many as the keyboard's width holds."""
        made = self.__dict__.get("_made", {}).get("email")
        if not made:
            return
        from ..theme import THEME

        row = made[-1]
        room = self.width - self.padding[0] - self.padding[2]
        font = domain_font_size()
        keys = self.__dict__.setdefault("_domain_keys", {})
        fitting: list[Key] = []
        used = 0.0
        for label in domain_keys():
            width = key_width(label, font, THEME.target)
            if used + width + (self.spacing if fitting else 0) > room:
                continue  # not drawn; a shorter one after it may fit
            used += width + (self.spacing if fitting else 0)
            key = keys.get(label)
            if key is None:
                key = keys[label] = Key(key=label, text=label, size_hint_x=None)
                key.bind(on_release=self._pressed)
            key.width = width
            fitting.append(key)
        if list(reversed(row.children)) != fitting:
            row.clear_widgets()
            for key in fitting:
                row.add_widget(key)
        row.height = THEME.key_height
        self.natural_height = _rows_of(self.layout) * (THEME.key_height + dp(2)) + dp(12)

    def relabel(self) -> None:
        """Letters follow Maj; the named keys follow the language."""
        for row in self.ids.rows.children:
            for key in row.children:
                k = key.key
                text = tr._(k) if k in NAMED else k.upper() if self.shifted and len(k) == 1 else k
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
        elif len(key) > 1 and key[0] in "@.":
            self._type_ending(target, key)
        else:
            char = " " if key == SPACE else (key.upper() if self.shifted else key)
            target.insert_text(char)
            if self.shifted:
                self.shifted = False

    @staticmethod
    def _type_ending(target, key: str) -> None:
        """A domain ("@orange.fr") or an ending (".fr") typed whole; after a typed "@" the
        domain's "@" is not doubled, and what was typed of another domain after it is
        replaced (an address has one "@"); after a typed "." an ending's is not doubled."""
        before = target.text[: target.cursor_index()]
        if key[0] == "@" and "@" in before:
            typed = before[before.rindex("@") + 1 :]
            if not key[1:].startswith(typed):
                for _ in typed:
                    target.do_backspace()
                typed = ""
            key = key[1 + len(typed) :]
        elif before.endswith(key[0]):
            key = key[1:]
        if key:
            target.insert_text(key)

    def on_next(self):
        """Dispatched by the "Suivant" key: the screen moves to the next input."""

    __events__ = ("on_next",)


def domain_font_size() -> float:
    """The domain keys' text size: a named key's largest (see keyboard.kv)."""
    from ..theme import THEME

    return min(THEME.font, THEME.key_height * 0.45)


_extents: dict[tuple[str, float], float] = {}


def key_width(label: str, font_size: float, target: float) -> float:
    """A key wide enough for ``label`` at ``font_size`` (keyboard.kv then keeps that size), and a
    touch target at least."""
    if (label, font_size) not in _extents:
        from kivy.core.text import Label as CoreLabel

        _extents[(label, font_size)] = CoreLabel(font_size=font_size, font_name=font_for(label)).get_extents(label)[0]
    return max(target, _extents[(label, font_size)] + dp(16), len(label) * 0.56 * font_size + dp(12))
