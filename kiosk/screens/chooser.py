from __future__ import annotations

from ..theme import THEME
from ..widgets.common import KButton, KTitle
from .base import KioskScreen, load_kv


class ChooserScreen(KioskScreen):
    """The four groups, then each procedure with one sentence on when to choose it."""

    def refresh(self) -> None:
        box = self.ids.procedures
        box.clear_widgets()
        catalogue = self.controller.catalogue
        for group_id, group_title in catalogue.GROUPS:
            procedures = catalogue.in_group(group_id)
            if not procedures:
                continue
            box.add_widget(KTitle(text=group_title))
            for procedure in procedures:
                button = KButton(
                    text=f"{procedure.title}\n[size={int(THEME.font_small)}]{procedure.summary}[/size]",
                    markup=True, role="secondary")
                button.procedure_id = procedure.id
                button.bind(on_release=self._chosen)
                box.add_widget(button)

    def _chosen(self, button) -> None:
        self.controller.choose(button.procedure_id)

    def home(self) -> None:
        self.controller.reset()


load_kv(__file__)
