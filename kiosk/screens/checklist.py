from __future__ import annotations

from ..widgets.common import KLabel
from .base import KioskScreen, load_kv


class ChecklistScreen(KioskScreen):
    """"Avant de commencer": what to have at hand, so nobody is stuck at step 5."""

    def refresh(self) -> None:
        procedure = self.controller.procedure
        self.ids.title.text = procedure.title
        box = self.ids.checklist_items
        box.clear_widgets()
        for item in procedure.checklist:
            box.add_widget(KLabel(text="•  " + item))
        codes = self.controller.demo_codes()
        if codes.get("photo_codes") or codes.get("timbres"):
            lines = ["Démonstration : codes à utiliser"]
            if codes.get("photo_codes"):
                lines.append("Code photo : " + codes["photo_codes"][0]["code"])
            if codes.get("timbres"):
                lines.append("Timbre fiscal : " + codes["timbres"][0]["numero"])
            box.add_widget(KLabel(text="\n".join(lines), bold=True))

    def back(self) -> None:
        self.controller.show("chooser")

    def begin(self) -> None:
        self.controller.begin()


load_kv(__file__)
