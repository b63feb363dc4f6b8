from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from ..widgets.common import FieldBox, KCheck, KInput, KToggle
from ..widgets.keyboard import OnScreenKeyboard  # noqa: F401  (used in form.kv)
from .base import KioskScreen, load_kv, sentences


def show_step(screen, view) -> None:
    """The step indicator of the form, pieces and recap screens."""
    indicator = screen.ids.indicator
    indicator.number, indicator.total, indicator.title = view.number, view.total, view.step.title


class FormScreen(KioskScreen):
    """A step made of fields: one FieldBox each, built from the procedure's data."""

    def refresh(self) -> None:
        wizard = self.controller.session.wizard
        view = wizard.view()
        show_step(self, view)
        self.ids.intro.text = view.step.intro
        box = self.ids.fields
        box.clear_widgets()
        self._boxes: dict[str, FieldBox] = {}
        self._inputs: list[KInput] = []
        for field in view.fields:
            fb = FieldBox(field_id=field.id, label=field.label, help=field.help,
                          error=wizard.errors.get(field.id, ""))
            slot = fb.ids.slot
            value = wizard.values.get(field.id, "")
            if field.input == "choice":
                group = f"{view.step.id}-{field.id}"
                for val, label in field.choices:
                    toggle = KToggle(text=label, value=val, group=group, allow_no_selection=False,
                                     state="down" if value == val else "normal")
                    slot.add_widget(toggle)
            elif field.input == "accept":
                slot.add_widget(KCheck(text=field.label, state="down" if value == "1" else "normal"))
                fb.label = ""
            else:
                text_input = KInput(text=self._display(field, value), input_kind=field.input, field_id=field.id,
                                    has_error=field.id in wizard.errors)
                text_input.bind(focus=self._focused)
                slot.add_widget(text_input)
                self._inputs.append(text_input)
            box.add_widget(fb)
            self._boxes[field.id] = fb
        # Hidden without disabling: disabling restyles its sixty keys, twice per step.
        self.ids.keyboard.target = None
        self.ids.keyboard.opacity = 0
        self.ids.keyboard.height = 0
        self.ids.scroll.scroll_y = 1

    def clear(self) -> None:
        self.ids.fields.clear_widgets()
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
            fb.error = errors.get(field_id, "")
            for w in fb.ids.slot.children:
                if isinstance(w, KInput):
                    w.has_error = bool(fb.error)
            if fb.error and first is None:
                first = fb
        if first is not None:
            self.ids.scroll.scroll_to(first, animate=False)

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
