from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from ..i18n import tr
from ..widgets.common import Framed, KCheck
from .base import KioskScreen, MadeAhead, load_kv, sentences
from .form import show_step


class RecapSection(Framed, BoxLayout):
    step_id = StringProperty("")
    title = StringProperty("")
    body = StringProperty("")
    screen: Any = None  # the RecapScreen it is on, set when it is made

    def edit(self) -> None:
        self.screen.controller.edit(self.step_id)


class RecapScreen(KioskScreen):
    """Everything entered, section by section, each with "Modifier"; then the attestation."""

    _accept = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Sections and the attestation box, made ahead and filled when shown;
        # dropped with what they show when the session ends.
        self._built = MadeAhead()
        self._sections: list[RecapSection] = []

    def prepare(self, step, procedure_id: str) -> list:
        """The work of making ahead the section of ``step`` (or its attestation box)."""
        return [lambda: self._section(procedure_id, step.id)] + [
            lambda field=field: self._check(procedure_id, field) for field in step.fields if field.kind == "accept"
        ]

    def _section(self, procedure_id: str, step_id: str) -> RecapSection:
        def make():
            section = RecapSection(step_id=step_id, width=self.ids.sections.width)
            section.screen = self
            return section

        return self._built((procedure_id, "section", step_id), make)

    def _check(self, procedure_id: str, field) -> KCheck:
        def make() -> KCheck:
            check = KCheck(text=tr.text(field.label), width=self.ids.attest.width)
            check.bind(state=self._answered)
            return check

        return self._built((procedure_id, "accept", field.id), make)

    def _answered(self, check: KCheck, state: str) -> None:
        """The box ticked: its error goes at once."""
        if check is self._accept and self.ids.error.text:
            if self.controller.recheck(self._accept_field.id, "1" if state == "down" else ""):
                self.ids.error.text = ""

    def fill(self) -> list[RecapSection]:
        """The sections, with what the user entered so far. Also called ahead,
        after each step (see kiosk/ahead.py): when the récapitulatif
        comes, its text is already drawn."""
        session = self.controller.session
        if session is None:
            return []
        sections = []
        for step_id, title, entries in session.recap_sections():
            lines = [
                f"{tr.text(label)} : "
                + (tr._("{} page(s)").format(value) if isinstance(value, int) else tr.text(value))
                for label, value in entries
            ]
            section = self._section(session.procedure.id, step_id)
            section.title, section.body = tr.text(title), "\n".join(lines)
            sections.append(section)
        return sections

    def refresh(self) -> None:
        session = self.controller.session
        wizard = session.wizard
        view = wizard.view()
        show_step(self, view)
        box = self.ids.sections
        box.clear_widgets()
        self._sections = self.fill()
        for section in self._sections:
            box.add_widget(section)
        self._accept = None
        self.ids.attest.clear_widgets()
        for field in view.fields:
            if field.kind == "accept":
                self._accept_field = field
                check = self._check(session.procedure.id, field)
                check.state = "down" if wizard.values.get(field.id) == "1" else "normal"
                self.ids.attest.add_widget(check)
                self._accept = check
        self.ids.error.text = tr.text(wizard.errors.get("attestation", ""))

    def clear(self) -> None:
        self.ids.sections.clear_widgets()
        self.ids.attest.clear_widgets()
        for widget in self._built.values():
            if isinstance(widget, RecapSection):
                widget.body = ""
        self._built.clear()
        self._sections = []
        self._accept = None
        self.ids.error.text = ""

    def collect(self) -> dict[str, str]:
        if self._accept is None:
            return {}
        return {self._accept_field.id: "1" if self._accept.state == "down" else ""}

    def show_errors(self) -> None:
        self.ids.error.text = tr.text(self.controller.session.wizard.errors.get("attestation", ""))

    def spoken_text(self) -> str:
        parts = [self.ids.indicator.ids.count.text, self.ids.intro.text]
        for section in getattr(self, "_sections", []):
            parts += [section.title, *section.body.splitlines()]
        if self._accept is not None:
            parts.append(self._accept.text)
        return sentences(*parts, self.ids.error.text)

    def validate(self) -> None:
        self.controller.next(self.collect())

    def go_back(self) -> None:
        self.controller.back(self.collect())


load_kv(__file__)
