"""What a form's field brings beside its input, from the field's own data.

- A code postal whose field names its commune (``commune_field`` in
  session/steps.toml): once its five digits are typed, the commune is filled
  by itself when the code has only one (the next question then takes the
  keyboard), or its communes are offered as buttons, one tap each, under the
  commune's input, the keyboard put down so that they show whole; what is typed
  there narrows them. The person can always type another name: the table
  (session/codes_postaux.py) only helps, and a code it does not know is said in
  one sentence, not refused.
- A field that offers the médiateur (``offer_mediator = true``): while its
  error is shown, a button under it calls one.

The form screen calls :func:`attach` once for each field box it makes; the
rest follows the inputs' own events.
"""

from __future__ import annotations

import re
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from session.codes_postaux import communes, matching

from ..i18n import N_, tr
from ..theme import THEME
from .common import FieldBox, KButton, KInput, show_whole

Builder.load_file(str(Path(__file__).with_name("field_extras.kv")))

#: At most this many communes are offered at once, keyboard down (two a row; two rows at the
#: largest text size); typing the start of the name narrows the rest. With the keyboard up, one
#: row: the question stays whole above the keyboard at every text size.
SHOWN = 6
SHOWN_LARGEST = 4
SHOWN_TYPING = 2

PICK = N_("Touchez votre commune, ou écrivez son nom.")
NARROW = N_("Écrivez le début du nom de votre commune : ce code postal en a {}.")
UNKNOWN = N_("Ce code postal n'est pas dans notre liste : vérifiez-le, ou écrivez le nom de votre commune.")
NONE_LIKE = N_("Aucune commune de ce code postal ne commence ainsi : vérifiez le nom, ou gardez-le.")


class CommuneChoices(BoxLayout):
    """Under a commune's input: a sentence, and the communes to touch."""

    #: The communes of the code postal typed ("" : none looked up yet).
    code = StringProperty("")
    names = ListProperty([])
    #: The sentence shown (a msgid: the .kv translates it), and the number it may name.
    note = StringProperty("")
    count = NumericProperty(0)
    #: The name this widget wrote in the input (replaced freely; a name the person typed is not).
    filled = StringProperty("")

    def __init__(self, commune_input: KInput, code_field: str, **kwargs):
        super().__init__(**kwargs)
        self.commune_input = commune_input
        self.code_field = code_field
        commune_input.bind(text=self._typed, focus=self._typed)

    def placed(self, form) -> None:
        """Its box is shown on the form (a step drawn again, the language changed, boxes made
        again): the communes of the code postal the form shows, the name typed left as it is."""
        codes = [w for w in _inputs_of(form) if w.field_id == self.code_field] if form is not None else []
        code = codes[0].text.replace(" ", "") if codes else ""
        self.code = code if re.fullmatch(r"\d{5}", code) else ""
        self._show()

    def looked_up(self, code: str) -> int:
        """The code postal is whole: its communes; how many there are."""
        found = communes(code)
        self.code = code
        typed = self.commune_input.text
        if typed and typed == self.filled:
            typed = ""  # written by us for another code: it goes
        if len(found) == 1:
            self._write(found[0].nom)
        elif typed != self.commune_input.text:
            self._write("")
        self._show()
        return len(found)

    def forget(self) -> None:
        self.code = ""
        self._show()

    def pick(self, button: KButton) -> None:
        self._write(button.text)
        self._show()
        _focus_after(self.commune_input)

    def _write(self, name: str) -> None:
        self.filled = name
        self.commune_input.text = name
        self.commune_input.cursor = (len(name), 0)

    def _typed(self, *_):
        if self.code:
            self._show()

    def _show(self) -> None:
        found = communes(self.code) if self.code else ()
        typed = self.commune_input.text.strip()
        like = matching(self.code, typed) if self.code else ()
        names: list[str] = []
        if not self.code or typed in {c.nom for c in found}:
            note = ""  # nothing looked up, or one of them written
        elif not found:
            note = UNKNOWN
        elif len(found) == 1:
            note = ""  # written by itself, then changed by the person: theirs
        elif not like:
            note = NONE_LIKE
        else:
            typing = self.commune_input.focus
            limit = SHOWN_TYPING if typing else SHOWN_LARGEST if THEME.text_size == "tres-grand" else SHOWN
            names = [c.nom for c in like[:limit]]
            # Typing, the buttons above the keyboard say it themselves: room for the question.
            note = "" if typing else NARROW if len(like) > limit and not typed else PICK
        self.count = len(like)
        self.note = note
        if names != list(self.names):
            self.names = names
            grid = self.ids.names
            grid.clear_widgets()
            for name in names:
                button = KButton(text=name, role="secondary")
                button.bind(on_release=self.pick)
                grid.add_widget(button)


def _inputs_of(widget) -> list[KInput]:
    return [w for w in widget.walk(restrict=True) if isinstance(w, KInput)]


def _form_of(widget):
    """The fields' box of the form holding ``widget`` (its FieldBoxes' parent)."""
    box = widget.parent
    while box is not None and not isinstance(box, FieldBox):
        box = box.parent
    return box.parent if box is not None else None


def _focus_after(text_input: KInput) -> None:
    """The keyboard goes to the input after ``text_input`` on its form, next frame
    (the key or button being released first finishes its own work)."""

    def move(_dt) -> None:
        form = _form_of(text_input)
        inputs = _inputs_of(form) if form is not None else []
        if text_input in inputs and inputs.index(text_input) + 1 < len(inputs):
            inputs[inputs.index(text_input) + 1].focus = True

    Clock.schedule_once(move, 0)


def _offer(screen, choices: CommuneChoices) -> None:
    """Several communes: the keyboard goes down and the commune's question, its
    buttons with it, is scrolled whole into view (next frame, then once laid out).
    The commune's input is a touch away for another name."""

    def show(_dt, frame: int = 0) -> None:
        if frame == 0:
            screen.hide_keyboard()
        else:
            box = choices.parent
            while box is not None and not isinstance(box, FieldBox):
                box = box.parent
            if box is not None:
                show_whole(screen.ids.scroll, box, padding=dp(6))
        if frame < 3:  # again while the footer comes back and the buttons are laid out
            Clock.schedule_once(lambda dt: show(dt, frame + 1), 0)

    Clock.schedule_once(show, 0)


def _choices_for(code_input: KInput, commune_id: str) -> CommuneChoices | None:
    form = _form_of(code_input)
    if form is None:
        return None
    for w in form.walk(restrict=True):
        if isinstance(w, CommuneChoices) and w.commune_input.field_id == commune_id:
            return w
    return None


def _code_typed(screen, code_input: KInput, commune_id: str, text: str) -> None:
    """Only while the person types the code (a screen filling its inputs is not typing)."""
    if not code_input.focus:
        return
    choices = _choices_for(code_input, commune_id)
    if choices is None:
        return
    code = text.replace(" ", "")
    if not re.fullmatch(r"\d{5}", code):
        choices.forget()
        return
    if code == choices.code:
        return
    count = choices.looked_up(code)
    if count == 1:
        _focus_after(choices.commune_input)  # the commune is written: on to the next question
    elif count > 1:
        _offer(screen, choices)


class MediatorOffer(KButton):
    """Under a field's error: call a médiateur (shown only while the error is)."""


def attach(screen, step, field, fb: FieldBox) -> None:
    """Give the box of ``field`` (on ``step``) what its data asks for."""
    slot = fb.ids.slot
    inputs = [w for w in slot.children if isinstance(w, KInput)]
    commune_id = field.options.get("commune_field")
    if commune_id and inputs:
        code_input = inputs[0]
        code_input.bind(text=lambda _w, text: _code_typed(screen, code_input, commune_id, text))
    code_fields = [f.id for f in step.fields if f.options.get("commune_field") == field.id]
    if inputs and code_fields:
        choices = CommuneChoices(inputs[0], code_fields[0])
        slot.add_widget(choices)
        fb.bind(parent=lambda _fb, form: choices.placed(form))
    if field.options.get("offer_mediator"):
        offer = MediatorOffer(text=tr._("Appeler un médiateur"), role="secondary")
        offer.bind(on_release=lambda _b: screen.controller.call_mediator())
        fb.bind(error=lambda _fb, error: _offer_shown(offer, bool(error)))
        _offer_shown(offer, bool(fb.error))
        fb.add_widget(offer)  # under the error: the sentence, then what it offers


def _offer_shown(offer: MediatorOffer, shown: bool) -> None:
    offer.opacity = 1 if shown else 0
    offer.disabled = not shown
