from __future__ import annotations

from kivy.clock import Clock

from ..i18n import tr
from ..widgets.common import FieldBox, KButton, KCheck, KInput, KToggle
from ..widgets.keyboard import OnScreenKeyboard  # noqa: F401  (used in form.kv)
from .base import KioskScreen, MadeAhead, load_kv, sentences


def show_step(screen, view) -> None:
    """The step indicator and the step's intro, on the form, pieces and recap screens."""
    indicator = screen.ids.indicator
    indicator.number, indicator.total, indicator.title = view.number, view.total, tr.text(view.step.title)
    screen.ids.intro.text = tr.text(view.step.intro)


class FormScreen(KioskScreen):
    """A step made of fields: one FieldBox each, built from the procedure's data.

    Building a FieldBox costs milliseconds (Kivy applies its rules widget by
    widget): the boxes of a procedure's steps are built ahead, while the user
    reads (see :meth:`prepare`), and kept until the session ends; showing a step
    then only fills them with the values."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._built = MadeAhead()
        self._boxes: dict[str, FieldBox] = {}
        self._inputs: list[KInput] = []

    def prepare(self, step) -> list:
        """The work of building ``step``'s boxes ahead, one callable per field."""
        return [lambda field=field: self._field_box(step, field) for field in step.fields]

    def _field_box(self, step, field) -> FieldBox:
        return self._built((step.id, field.id), lambda: self._make_field_box(step, field))

    def _make_field_box(self, step, field) -> FieldBox:
        fb = FieldBox(field_id=field.id, label=tr.text(field.label), help=tr.text(field.help))
        slot = fb.ids.slot
        if field.input == "choice":
            group = f"{step.id}-{field.id}"
            for val, label in field.choices:
                slot.add_widget(KToggle(text=tr.text(label), value=val, group=group, allow_no_selection=False))
        elif field.input == "accept":
            slot.add_widget(KCheck(text=tr.text(field.label)))
            fb.label = ""
        else:
            text_input = KInput(input_kind=field.input, field_id=field.id)
            text_input.bind(focus=self._focused)
            slot.add_widget(text_input)
            if field.kind == "timbre":  # bought on the timbre shop's page, in the browser window
                buy = KButton(text=tr._("Acheter un timbre"), role="secondary", size_hint_y=None)
                buy.bind(on_release=lambda _button, field_id=field.id: self.buy_timbre(field_id))
                slot.add_widget(buy)
                self.ids[f"buy_{field.id}"] = buy
        fb.width = self.ids.fields.width  # laid out, and its text drawn, at its final width
        return fb

    def refresh(self) -> None:
        wizard = self.controller.session.wizard
        view = wizard.view()
        show_step(self, view)
        box = self.ids.fields
        box.clear_widgets()
        self._boxes = {}
        self._inputs = []
        for field in view.fields:
            fb = self._field_box(view.step, field)
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
        self.ids.keyboard.opacity = 0
        self.ids.keyboard.height = 0
        self.ids.scroll.scroll_y = 1

    def clear(self) -> None:
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
        keyboard.opacity = 1
        keyboard.height = keyboard.natural_height
        Clock.schedule_once(lambda _dt: self.ids.scroll.scroll_to(text_input, animate=False), 0)

    def focus_next(self) -> None:
        current = self.ids.keyboard.target
        if current in self._inputs:
            i = self._inputs.index(current)
            if i + 1 < len(self._inputs):
                self._inputs[i + 1].focus = True
                return
        self.go_next()

    def collect(self) -> dict[str, str]:
        raw: dict[str, str] = {}
        for field_id, fb in self._boxes.items():
            widgets = fb.ids.slot.children
            toggles = [w for w in widgets if isinstance(w, KToggle)]
            checks = [w for w in widgets if isinstance(w, KCheck)]
            inputs = [w for w in widgets if isinstance(w, KInput)]
            if toggles:
                chosen = [t.value for t in toggles if t.state == "down"]
                raw[field_id] = chosen[0] if chosen else ""
            elif checks:
                raw[field_id] = "1" if checks[0].state == "down" else ""
            elif inputs:
                raw[field_id] = inputs[0].text
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
            self.ids.scroll.scroll_to(first, animate=False)

    def buy_timbre(self, field_id: str) -> None:
        """The timbre shop opens in the browser window; what was typed here is kept."""
        self.controller.buy_timbre(field_id, self.collect())

    def go_next(self) -> None:
        self.controller.next(self.collect())

    def spoken_text(self) -> str:
        parts = [self.ids.indicator.ids.count.text, self.ids.indicator.title, self.ids.intro.text]
        for fb in self._boxes.values():
            parts += [fb.label, fb.help, fb.error]
            parts += [w.text for w in reversed(fb.ids.slot.children) if isinstance(w, (KToggle, KCheck))]
        return sentences(*parts)

    def go_back(self) -> None:
        self.controller.back(self.collect())


load_kv(__file__)
