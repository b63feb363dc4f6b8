from __future__ import annotations

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import BooleanProperty, StringProperty

from ..i18n import tr
from ..widgets import field_extras
from ..widgets.common import FieldBox, KButton, KCheck, KInput, KToggle, show_whole
from ..widgets.keyboard import OnScreenKeyboard  # noqa: F401  (used in form.kv)
from .base import KioskScreen, MadeAhead, load_kv, sentences


def show_step(screen, view) -> None:
    """The step indicator and the step's intro, on the form, pieces and recap screens."""
    indicator = screen.ids.indicator
    indicator.number, indicator.total, indicator.title = view.number, view.total, tr.text(view.step.title)
    screen.ids.intro.text = tr.text(view.step.intro)


class FormScreen(KioskScreen):
    """A step made of fields: one FieldBox each, built from the procedure's data.

    While an input has the focus (``typing``), the on-screen keyboard is up with,
    beside it, Continuer, "Effacer tout" and "Fermer le clavier"; the question
    being answered is scrolled whole above it, its error included.

    Building a FieldBox costs milliseconds (Kivy applies its rules widget by
    widget): the boxes of a procedure's steps are built ahead, while the user
    reads (see :meth:`prepare`), and kept until the session ends; showing a step
    then only fills them with the values."""

    typing = BooleanProperty(False)
    #: The document reading the step offers (kiosk/reading.py): its button's words, its hint,
    #: and what the person is told of the last reading ("" when none).
    reading_offer = StringProperty("")
    reading_hint = StringProperty("")
    reading_told = StringProperty("")
    reading_done = BooleanProperty(False)  # what is told is that it was read (not why it was not)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from ..reading import Reading

        self.reading = Reading(self)
        self._built = MadeAhead()
        self._boxes: dict[str, FieldBox] = {}
        self._inputs: list[KInput] = []

    def prepare(self, step, procedure_id: str) -> list:
        """The work of building ``step``'s boxes ahead, one callable per field."""
        return [lambda field=field: self._field_box(procedure_id, step, field) for field in step.fields]

    def _field_box(self, procedure_id: str, step, field) -> FieldBox:
        return self._built((procedure_id, step.id, field.id), lambda: self._make_field_box(step, field))

    def _make_field_box(self, step, field) -> FieldBox:
        fb = FieldBox(field_id=field.id, label=tr.text(field.label), help=tr.text(field.help))
        slot = fb.ids.slot
        if field.input == "choice":
            group = f"{step.id}-{field.id}"
            for val, label in field.choices:
                toggle = KToggle(text=tr.text(label), value=val, group=group, allow_no_selection=False)
                toggle.bind(state=lambda *_a, fb=fb: self._answered(fb))
                slot.add_widget(toggle)
        elif field.input == "accept":
            check = KCheck(text=tr.text(field.label))
            check.bind(state=lambda *_a, fb=fb: self._answered(fb))
            slot.add_widget(check)
            fb.label = ""
        else:
            text_input = KInput(input_kind=field.input, field_id=field.id, capitalize=field.kind in ("name", "commune"))
            text_input.bind(focus=self._focused)
            text_input.bind(text=lambda *_a, fb=fb: self._answered(fb))
            slot.add_widget(text_input)
            if field.kind == "timbre":  # bought on the timbre shop's page, in the browser window
                # side by side, "Acheter un timbre" first in reading order: one row less to see
                row = Factory.TimbreButtons()
                buy = KButton(text=tr._("Acheter un timbre"), role="secondary", size_hint_y=None)
                buy.bind(on_release=lambda _button, field_id=field.id: self.buy_timbre(field_id))
                row.add_widget(buy)
                self.ids[f"buy_{field.id}"] = buy
                from ..widgets import timbre_help  # "Je n'ai pas de timbre": where to buy one, never a dead end

                help_button = timbre_help.offer(self, field.id, row)
                for button in (buy, help_button):
                    button.bind(height=lambda *_a, row=row: setattr(row, "height", max(c.height for c in row.children)))
                row.height = max(buy.height, help_button.height)
                slot.add_widget(row)
        field_extras.attach(self, step, field, fb)  # the commune from the code postal, the médiateur offered
        fb.width = self.ids.fields.width  # laid out, and its text drawn, at its final width
        return fb

    _filling = False

    def _answered(self, fb: FieldBox) -> None:
        """An answer changed: its error goes as soon as it is right."""
        if self._filling or not fb.error or self._boxes.get(fb.field_id) is not fb:
            return
        value = self._value_of(fb)
        if value is not None and self.controller.recheck(fb.field_id, value):
            fb.error = ""
            for w in fb.ids.slot.children:
                if isinstance(w, KInput):
                    w.has_error = False

    def refresh(self) -> None:
        self._filling = True
        try:
            self._refresh()
        finally:
            self._filling = False

    def _refresh(self) -> None:
        session = self.controller.session
        wizard = session.wizard
        view = wizard.view()
        show_step(self, view)
        self.reading.show_step(view)
        box = self.ids.fields
        box.clear_widgets()
        self._boxes = {}
        self._inputs = []
        for field in view.fields:
            fb = self._field_box(session.procedure.id, view.step, field)
            fb.error = tr.text(wizard.errors.get(field.id, ""))
            value = wizard.values.get(field.id, "")
            for widget in fb.ids.slot.children:
                if isinstance(widget, KToggle):
                    widget.state = "down" if value == widget.value else "normal"
                elif isinstance(widget, KCheck):
                    widget.state = "down" if value == "1" else "normal"
                elif isinstance(widget, KInput):
                    widget.focus = False
                    widget.text = self._display(field, value)
                    widget.has_error = field.id in wizard.errors
                    self._inputs.append(widget)
            box.add_widget(fb)
            self._boxes[field.id] = fb
        # Hidden without disabling: disabling restyles its sixty keys, twice per step.
        self.ids.keyboard.target = None
        self.typing = False
        self.ids.scroll.scroll_y = 1
        first = next(iter(self._boxes.values()), None)
        if first is not None:  # the intro (and a reading's button) above it scroll away if both do not fit
            self._scroll_whole(first, top_first=True, above=self.ids.reading_box if self.reading_offer else None)

    def clear(self) -> None:
        self.reading.clear()
        self.reading_offer = self.reading_hint = self.reading_told = ""
        self.ids.fields.clear_widgets()
        for fb in self._built.values():  # what the user typed goes with them
            for widget in fb.ids.slot.children:
                if isinstance(widget, KInput):
                    widget.text = ""
                    widget.reset_undo()
        self._built.clear()
        self._boxes, self._inputs = {}, []
        keyboard = self.ids.keyboard
        keyboard.target = None
        keyboard.shifted = False
        self.typing = False
        self.ids.indicator.title = self.ids.intro.text = ""

    @staticmethod
    def _display(field, value: str) -> str:
        if field.kind == "date" and len(value) == 10 and value[4] == "-":
            y, m, d = value.split("-")
            return f"{d}/{m}/{y}"
        return value

    def _focused(self, text_input: KInput, focused: bool) -> None:
        if not focused:
            return
        keyboard = self.ids.keyboard
        keyboard.attach(text_input)
        self.typing = True
        self._show_whole(text_input)

    def _show_whole(self, text_input: KInput) -> None:
        """Scroll the question of ``text_input`` (label, help, input, error) into
        view, once the keyboard has taken its place (two frames of layout)."""
        box = text_input.parent.parent if text_input.parent is not None else None
        self._scroll_whole(box if isinstance(box, FieldBox) else text_input)

    def _scroll_whole(self, target, top_first: bool = False, above=None) -> None:
        """Scroll ``target`` whole into view; ``above`` (the reading's button) with it when both fit."""

        def both_fit() -> bool:
            top = above.to_window(above.x, above.top)[1]
            return top - target.to_window(target.x, target.y)[1] <= self.ids.scroll.height - dp(12)

        def scroll(_dt, left: int = 2) -> None:
            # Once a frame while the layout settles; show_whole reads where things are
            # drawn, so each pass must follow a settled frame.
            if top_first and target.height > self.ids.scroll.height:
                # the first question, taller than the view: from the top; once laid out
                # there, its label and help scrolled up into view if what is above hides them
                if left:
                    self.ids.scroll.scroll_y = 1
                else:
                    show_whole(self.ids.scroll, target.children[-2] if target.help else target.children[-1])
            elif left == 0:
                pass
            elif above is not None and target.parent is not None and both_fit():
                show_whole(self.ids.scroll, above, padding=dp(6))
                show_whole(self.ids.scroll, target, padding=dp(6))
            elif target.parent is not None:
                show_whole(self.ids.scroll, target, padding=dp(6))
            if left:
                Clock.schedule_once(lambda dt: scroll(dt, left - 1), 0)

        Clock.schedule_once(scroll, 0)

    def hide_keyboard(self) -> None:
        """The keyboard goes down; the answers stay as typed."""
        target = self.ids.keyboard.target
        if target is not None:
            target.focus = False
        self.ids.keyboard.target = None
        self.typing = False

    def clear_field(self) -> None:
        """The "Effacer tout" key: the field being typed in, emptied at once."""
        target = self.ids.keyboard.target
        if target is not None:
            target.text = ""
            target.focus = True

    def focus_next(self) -> None:
        current = self.ids.keyboard.target
        if current in self._inputs:
            i = self._inputs.index(current)
            if i + 1 < len(self._inputs):
                self._inputs[i + 1].focus = True
                return
        self.go_next()

    @staticmethod
    def _value_of(fb: FieldBox) -> str | None:
        widgets = fb.ids.slot.children
        toggles = [w for w in widgets if isinstance(w, KToggle)]
        checks = [w for w in widgets if isinstance(w, KCheck)]
        inputs = [w for w in widgets if isinstance(w, KInput)]
        if toggles:
            chosen = [t.value for t in toggles if t.state == "down"]
            return chosen[0] if chosen else ""
        if checks:
            return "1" if checks[0].state == "down" else ""
        if inputs:
            return inputs[0].text
        return None

    def collect(self) -> dict[str, str]:
        raw: dict[str, str] = {}
        for field_id, fb in self._boxes.items():
            value = self._value_of(fb)
            if value is not None:
                raw[field_id] = value
        return raw

    def show_errors(self) -> None:
        errors = self.controller.session.wizard.errors
        first = None
        for field_id, fb in self._boxes.items():
            fb.error = tr.text(errors.get(field_id, ""))
            for w in fb.ids.slot.children:
                if isinstance(w, KInput):
                    w.has_error = bool(fb.error)
            if fb.error and first is None:
                first = fb
        if first is not None:
            self._scroll_whole(first)

    # --- document reading (kiosk/reading.py) -------------------------------------
    def read_document(self) -> None:
        """The step's "Lire …" button: the document on the glass is scanned and read."""
        self.reading.start()

    def input_of(self, field_id: str) -> KInput | None:
        fb = self._boxes.get(field_id)
        return next((w for w in fb.ids.slot.children if isinstance(w, KInput)), None) if fb else None

    def show_values(self, values: dict[str, str]) -> None:
        """``values`` put in the step's answers (inputs and choices), to be looked at and corrected."""
        for field_id, value in values.items():
            fb = self._boxes.get(field_id)
            for widget in fb.ids.slot.children if fb else ():
                if isinstance(widget, KToggle):
                    widget.state = "down" if value == widget.value else "normal"
                elif isinstance(widget, KInput):
                    widget.text = value

    def focus_field(self, field_id: str) -> None:
        text_input = self.input_of(field_id)
        if text_input is not None:
            text_input.focus = True

    def focus_first_empty(self) -> None:
        """The next answer to give: a required input still empty takes the keyboard; else
        the first input left empty after the last answered one (the e-mail after an
        address read: either it or the mobile is asked); else a required question is shown."""
        raw = self.collect()
        wizard = self.controller.session.wizard
        required = {f.id for f in wizard.view().fields if f.is_required({**wizard.values, **raw})}
        ids = list(self._boxes)
        empty = [i for i in ids if not raw.get(i)]
        answered = [n for n, i in enumerate(ids) if raw.get(i)]
        after = [i for i in ids[answered[-1] + 1 :] if i in empty] if answered else empty
        for field_id in [i for i in empty if i in required] + after:
            text_input = self.input_of(field_id)
            if text_input is not None:
                text_input.focus = True
                return
        shown = next((i for i in empty if i in required), None)
        if shown is not None:
            self._scroll_whole(self._boxes[shown])

    def buy_timbre(self, field_id: str) -> None:
        """The timbre shop opens in the browser window; what was typed here is kept."""
        self.controller.buy_timbre(field_id, self.collect())

    def go_next(self) -> None:
        raw = self.collect()
        self.reading.before_next(raw)
        self.controller.next(raw)

    def spoken_text(self) -> str:
        if self.reading.panel is not None:
            return self.reading.panel.spoken_text()
        if "timbre_help" in self.ids:  # the panel of "Je n'ai pas de timbre" (kiosk/widgets/timbre_help.py)
            return self.ids["timbre_help"].spoken_text()
        parts = [self.ids.indicator.ids.count.text, self.ids.indicator.title, self.ids.intro.text]
        parts += [self.reading_offer, self.reading_hint, self.reading_told]
        for fb in self._boxes.values():
            parts += [fb.label, fb.help, fb.error]
            parts += [w.text for w in reversed(fb.ids.slot.children) if isinstance(w, (KToggle, KCheck))]
        return sentences(*parts)

    def go_back(self) -> None:
        self.controller.back(self.collect())


load_kv(__file__)
