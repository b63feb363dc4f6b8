from __future__ import annotations

from ..i18n import tr
from ..widgets.common import KLabel
from .base import KioskScreen, MadeAhead, load_kv, sentences


class ChecklistScreen(KioskScreen):
    """ "Avant de commencer": what to have at hand, so nobody is stuck at step 5."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._made = MadeAhead()  # the catalogue is fixed: each list is made once
        self._demo = None

    def prepare(self, procedure) -> list:
        """The work of making ``procedure``'s list ahead (see kiosk/ahead.py)."""
        return [lambda: self._labels(procedure)]

    def _labels(self, procedure) -> list[KLabel]:
        width = self.ids.checklist_items.width
        return self._made(
            (procedure.id,), lambda: [KLabel(text="•  " + tr.text(item), width=width) for item in procedure.checklist]
        )

    def refresh(self) -> None:
        procedure = self.controller.procedure
        self.ids.title.text = tr.text(procedure.title)
        box = self.ids.checklist_items
        box.clear_widgets()
        self._items = list(procedure.checklist)
        for label in self._labels(procedure):
            box.add_widget(label)
        codes = self.controller.demo
        if codes.get("photo_codes") or codes.get("timbres"):
            lines = [tr._("Démonstration : codes à utiliser")]
            if codes.get("photo_codes"):
                lines.append(tr._("Code photo :") + " " + codes["photo_codes"][0]["code"])
            if codes.get("timbres"):
                lines.append(tr._("Timbre fiscal :") + " " + codes["timbres"][0]["numero"])
            if self._demo is None:
                self._demo = KLabel(bold=True)
            self._demo.text = "\n".join(lines)
            box.add_widget(self._demo)

    def clear(self) -> None:
        self.ids.checklist_items.clear_widgets()

    def back(self) -> None:
        self.controller.back()

    def begin(self) -> None:
        self.controller.begin()

    def spoken_text(self) -> str:
        return sentences(self.ids.title.text, self.ids.prepare.text, *getattr(self, "_items", ()), self.ids.begin.text)


load_kv(__file__)
