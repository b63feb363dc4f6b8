from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from ..i18n import tr
from ..widgets.common import Framed, KCheck
from .base import KioskScreen, load_kv, sentences
from .form import show_step


class RecapSection(Framed, BoxLayout):
    step_id = StringProperty("")
    title = StringProperty("")
    body = StringProperty("")
    screen = None

    def edit(self) -> None:
        self.screen.controller.edit(self.step_id)


class RecapScreen(KioskScreen):
    """Everything entered, section by section, each with "Modifier"; then the attestation."""
    _accept = None

    def refresh(self) -> None:
        session = self.controller.session
        wizard = session.wizard
        view = wizard.view()
        show_step(self, view)
        self.ids.intro.text = view.step.intro
        self._sections = []
        box = self.ids.sections
        box.clear_widgets()
        for step_id, title, entries in session.recap_sections():
            lines = [f"{label} : " + (tr._("{} page(s)").format(value) if isinstance(value, int) else value)
                     for label, value in entries]
            section = RecapSection(step_id=step_id, title=title, body="\n".join(lines))
            section.screen = self
            box.add_widget(section)
            self._sections.append(section)
        self._accept = None
        for field in view.fields:
            if field.kind == "accept":
                self._accept_field = field
                check = KCheck(text=field.label, state="down" if wizard.values.get(field.id) == "1" else "normal")
                box.add_widget(check)
                self._accept = check
        self.ids.error.text = wizard.errors.get("attestation", "")

    def clear(self) -> None:
        self.ids.sections.clear_widgets()
        self._accept = None
        self.ids.error.text = ""

    def collect(self) -> dict[str, str]:
        if self._accept is None:
            return {}
        return {self._accept_field.id: "1" if self._accept.state == "down" else ""}

    def show_errors(self) -> None:
        self.ids.error.text = self.controller.session.wizard.errors.get("attestation", "")

    def spoken_text(self) -> str:
        parts = [self.ids.indicator.ids.count.text, self.ids.intro.text]
        for section in getattr(self, "_sections", []):
            parts += [section.title, *section.body.splitlines()]
        if self._accept is not None:
            parts.append(self._accept.text)
        return sentences(*parts, self.ids.error.text)

    def validate(self) -> None:
        self.controller.submit(self.collect())

    def go_back(self) -> None:
        self.controller.back(self.collect())


load_kv(__file__)
