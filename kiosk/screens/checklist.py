from __future__ import annotations

from ..i18n import tr
from ..widgets.common import KLabel
from .base import KioskScreen, load_kv, sentences


class ChecklistScreen(KioskScreen):
    """"Avant de commencer": what to have at hand, so nobody is stuck at step 5."""

    def refresh(self) -> None:
        procedure = self.controller.procedure
        self.ids.title.text = procedure.title
        box = self.ids.checklist_items
        box.clear_widgets()
        self._items = list(procedure.checklist)
        for item in procedure.checklist:
            box.add_widget(KLabel(text="•  " + item))
        codes = self.controller.demo_codes()
        if codes.get("photo_codes") or codes.get("timbres"):
            lines = [tr._("Démonstration : codes à utiliser")]
            if codes.get("photo_codes"):
                lines.append(tr._("Code photo :") + " " + codes["photo_codes"][0]["code"])
            if codes.get("timbres"):
                lines.append(tr._("Timbre fiscal :") + " " + codes["timbres"][0]["numero"])
            box.add_widget(KLabel(text="\n".join(lines), bold=True))

    def clear(self) -> None:
        self.ids.checklist_items.clear_widgets()

    def back(self) -> None:
        self.controller.show("chooser")

    def begin(self) -> None:
        self.controller.begin()

    def spoken_text(self) -> str:
        return sentences(self.ids.title.text, self.ids.prepare.text, *getattr(self, "_items", ()),
                         self.ids.begin.text)


load_kv(__file__)
