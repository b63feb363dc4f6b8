from __future__ import annotations

from session.flow import ANSWER

from ..i18n import tr
from ..widgets.common import KLabel
from .base import KioskScreen, load_kv, sentences


class SuiviScreen(KioskScreen):
    """Where a demande is: its statut, what comes next, its history; and, when an
    agent asked for a document, the way to send it."""

    def refresh(self) -> None:
        session = self.controller.session
        found = session.suivi or {}
        self.ids.numero.text = found.get("numero", "")
        self.ids.procedure.text = tr.text(found.get("procedure_title", ""))
        self.ids.statut.text = tr.text(found.get("statut_label", ""))
        self.ids.next_text.text = tr.text(found.get("next", ""))
        box = self.ids.history
        box.clear_widgets()
        for entry in found.get("historique", []):
            line = f"{entry['date']} — {tr.text(entry['label'])}"
            if entry.get("commentaire"):
                line += f" : {entry['commentaire']}"
            box.add_widget(KLabel(text=line))
        complement = found.get("complement")
        self.ids.complement.text = complement["message"] if complement else ""
        can_send = self.controller.can(ANSWER)
        self.ids.send.opacity = 1 if can_send else 0
        self.ids.send.disabled = not can_send

    def clear(self) -> None:
        for name in ("numero", "procedure", "statut", "next_text", "complement"):
            self.ids[name].text = ""
        self.ids.history.clear_widgets()

    def send_documents(self) -> None:
        self.controller.next()

    def finish(self) -> None:
        self.controller.done()

    def spoken_text(self) -> str:
        ids = self.ids
        return sentences(ids.procedure.text, ids.statut.text, ids.next_text.text, ids.complement.text)


load_kv(__file__)
