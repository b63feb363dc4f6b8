from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from ..i18n import N_, tr
from ..widgets.common import Framed, KButton
from .base import KioskScreen, MadeAhead, load_kv, sentences

#: The four groups' names and their pictograms, in the kiosk's words
#: (the catalogue's groups, in the order people look for them).
GROUP_WORDS = {
    "permis": N_("Permis de conduire"),
    "carte-grise": N_("Carte grise"),
    "identite": N_("Carte d'identité ou passeport"),
    "suivi": N_("Suivre ma demande"),
}


class GroupTile(ButtonBehavior, Framed, BoxLayout):
    """A large tile: a pictogram above the group's name; touched as a whole."""

    group_id = StringProperty("")
    label = StringProperty("")
    screen: Any = None  # the ChooserScreen it is on, set when it is made

    def on_release(self):
        self.screen.open_group(self.group_id)


class ChooserScreen(KioskScreen):
    """Two levels: the four groups with pictograms, then the group's procedures,
    each with one sentence on when to choose it (a group of one procedure goes
    straight to it)."""

    group = StringProperty("")

    def __init__(self, **kwargs):
        self._tiles_made: list = []
        self._buttons_made = MadeAhead()  # each group's buttons, made once per language
        super().__init__(**kwargs)

    def on_kv_post(self, _base):
        # Only one of the two levels is in the tree at a time: hold both (ids are weak).
        self._levels = (self.ids.groups.__self__, self.ids.list.__self__)
        self.ids.body.remove_widget(self._levels[1])  # the tiles first, alone: laid out as shown

    def refresh(self) -> None:
        self.group = ""
        self._build()

    def on_group(self, *_):
        self._build()

    def _build(self) -> None:
        catalogue = self.controller.catalogue
        tiles, scroll = self._levels
        box = self.ids.procedures
        tiles.clear_widgets()
        box.clear_widgets()
        self._buttons = []
        body = self.ids.body
        shown = tiles if not self.group else scroll
        if shown.parent is not body:
            body.clear_widgets()
            body.add_widget(shown)
            if self.group:
                shown.scroll_y = 1
        if not self.group:
            for tile in self._tiles():
                tiles.add_widget(tile)
            return
        procedures = catalogue.in_group(self.group)
        self.ids.empty.opacity = 0 if procedures else 1
        for button in self._procedure_buttons(self.group):
            box.add_widget(button)
            self._buttons.append(button)
        # While the user reads the list: the checklists they may open next.
        checklist = self.controller.manager.get_screen("checklist") if self.controller.manager else None
        if checklist is not None:
            for procedure in procedures:
                self.controller.ahead.prepare(checklist.prepare(procedure))

    # The catalogue does not change while the kiosk runs: the tiles and each
    # group's buttons are made once (ahead, see prepare).
    def prepare(self) -> list:
        """The work of making the tiles and every group's buttons ahead."""
        groups = [g for g, _t in self.controller.catalogue.GROUPS]
        return [self._tiles_in_grid] + [lambda g=g: self._procedure_buttons(g) for g in groups]

    def _tiles_in_grid(self) -> None:
        """The tiles in their grid, laid out and their pictograms painted, before they are shown."""
        grid = self._levels[0]
        if grid.children:
            return
        if grid.parent is None:
            grid.size = self.ids.body.size
        for tile in self._tiles():
            grid.add_widget(tile)

    def _tiles(self) -> list:
        if not self._tiles_made:  # their words follow the language by themselves (tr._ in the .kv)
            for group_id, title in self.controller.catalogue.GROUPS:
                tile = GroupTile(group_id=group_id, label=GROUP_WORDS.get(group_id, title))
                tile.screen = self
                self._tiles_made.append(tile)
        return self._tiles_made

    def _procedure_buttons(self, group: str) -> list:
        scroll = self._levels[1]
        if scroll.parent is None:  # hidden: as large as when shown, so its list is laid out ahead
            scroll.size = self.ids.body.size
        return self._buttons_made(
            (group,), lambda: [self._procedure_button(p) for p in self.controller.catalogue.in_group(group)]
        )

    def _procedure_button(self, procedure) -> ProcedureButton:
        button = ProcedureButton(
            title=tr.text(procedure.title), summary=tr.text(procedure.summary), width=self.ids.body.width
        )
        button.procedure_id = procedure.id
        button.bind(on_release=self._chosen)
        return button

    def group_title(self, group_id: str) -> str:
        return tr._(GROUP_WORDS.get(group_id, "")) if group_id else ""

    def open_group(self, group_id: str) -> None:
        """The group's procedures; a group with only one ("Suivre ma demande")
        opens it at once: a list of one is a touch for nothing."""
        procedures = self.controller.catalogue.in_group(group_id)
        if len(procedures) == 1:
            self.controller.choose(procedures[0].id)
            return
        self.group = group_id

    def _chosen(self, button) -> None:
        self.controller.choose(button.procedure_id)

    def back(self) -> None:
        if self.group:
            self.group = ""
        else:
            self.controller.reset()

    def clear(self) -> None:
        self.group = ""

    def spoken_text(self) -> str:
        if not self.group:
            return sentences(
                self.ids.question.text,
                *(tr._(GROUP_WORDS[g]) for g, _t in self.controller.catalogue.GROUPS if g in GROUP_WORDS),
            )
        if not self._buttons:
            return sentences(self.group_title(self.group), self.ids.empty.text)
        return sentences(self.ids.question.text, *(f"{b.title}. {b.summary}" for b in self._buttons))


class ProcedureButton(KButton):
    """A procedure: its name in bold, and when to choose it."""

    title = StringProperty("")
    summary = StringProperty("")


load_kv(__file__)
