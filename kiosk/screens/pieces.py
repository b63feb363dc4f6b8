from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from ..i18n import tr
from ..widgets.common import Framed
from .base import KioskScreen, load_kv, sentences
from .form import show_step


class PieceRow(Framed, BoxLayout):
    """One pièce justificative: what it is, its pages, scan, rescan, delete."""
    piece_id = StringProperty("")
    label = StringProperty("")
    help = StringProperty("")
    pages = NumericProperty(0)
    max_pages = NumericProperty(1)
    error = StringProperty("")
    preview = StringProperty("")
    screen = None

    def scan(self) -> None:
        self.screen.controller.scan(self.piece_id)

    def rescan(self) -> None:
        self.screen.controller.rescan(self.piece_id)

    def remove(self) -> None:
        self.screen.controller.remove_page(self.piece_id)


class PiecesScreen(KioskScreen):
    """Scan each pièce: a drawing shows where to put the page on the glass; the
    last page scanned is shown large; each pièce lists its pages."""
    preview = StringProperty("")

    def refresh(self) -> None:
        session = self.controller.session
        wizard = session.wizard
        view = wizard.view()
        show_step(self, view)
        self.ids.intro.text = view.step.intro
        box = self.ids.pieces
        box.clear_widgets()
        self._rows = {}
        latest = ""
        for piece in view.pieces:
            preview = session.workspace.preview(piece.id)
            pages = session.workspace.pages(piece.id)
            row = PieceRow(piece_id=piece.id, label=piece.label, help=piece.help,
                           pages=len(pages), max_pages=piece.max_pages,
                           error=wizard.errors.get(piece.id, ""), preview=str(preview) if preview else "")
            row.screen = self
            box.add_widget(row)
            self._rows[piece.id] = row
            if preview and piece.id == getattr(self.controller, "last_scanned", None):
                latest = str(preview)
        self.preview = latest

    def clear(self) -> None:
        self.ids.pieces.clear_widgets()
        self._rows = {}
        self.preview = ""

    def show_errors(self) -> None:
        wizard = self.controller.session.wizard
        missing = {p.id for p in wizard.missing_pieces()}
        for piece_id, row in self._rows.items():
            row.error = wizard.errors.get(piece_id) or (
                tr._("Numérisez ce document pour continuer.") if piece_id in missing else "")

    def go_next(self) -> None:
        self.controller.next()

    def go_back(self) -> None:
        self.controller.back()

    def spoken_text(self) -> str:
        parts = [self.ids.indicator.ids.count.text, self.ids.indicator.title, self.ids.how.text,
                 self.ids.intro.text]
        for row in getattr(self, "_rows", {}).values():
            parts += [row.label, row.help, row.ids.status.text, row.error]
        return sentences(*parts)


load_kv(__file__)
