from __future__ import annotations

from ..i18n import tr
from ..widgets.common import KLabel, KTitle
from .base import KioskScreen, load_kv, sentences


class GuidanceScreen(KioskScreen):
    """What to do next when part of the procedure is done by post or at a counter:
    what to send, to which address; printed so nobody leaves empty-handed."""

    def refresh(self) -> None:
        session = self.controller.session
        guidance = session.guidance()
        view = session.wizard.view()
        self.ids.indicator.text = (
            tr._("Étape {number} sur {total}").format(number=view.number, total=view.total)
            + " — "
            + tr.text(view.step.title)
        )
        box = self.ids.sections
        box.clear_widgets()
        if guidance is None:
            self.ids.title.text = tr.text(view.step.title)
            return
        self.ids.title.text = tr.text(guidance.title)
        if guidance.intro:
            box.add_widget(KLabel(text=tr.text(guidance.intro)))
        for section in guidance.sections:
            if section.heading:
                box.add_widget(KTitle(text=tr.text(section.heading), font_size=self.ids.title.font_size * 0.8))
            for paragraph in section.paragraphs:
                box.add_widget(KLabel(text=tr.text(paragraph)))
            if section.address:
                box.add_widget(KLabel(text="\n".join(section.address), bold=True))

    def clear(self) -> None:
        self.ids.sections.clear_widgets()
        self.ids.title.text = ""

    def print_sheet(self) -> None:
        self.controller.print_guidance()

    def finish(self) -> None:
        self.controller.done()

    def spoken_text(self) -> str:
        texts = [w.text for w in reversed(self.ids.sections.children) if hasattr(w, "text")]
        return sentences(self.ids.title.text, *texts)


load_kv(__file__)
