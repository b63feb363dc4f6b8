from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from .base import KioskScreen, load_kv


class PieceRow(BoxLayout):
    """One pièce justificative: what it is, its pages, scan and delete buttons."""
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

    def remove(self) -> None:
        self.screen.controller.remove_page(self.piece_id)


class PiecesScreen(KioskScreen):
    """Scan each pièce on the scanner; the session keeps the pages in its workspace."""

    def refresh(self) -> None:
        session = self.controller.session
        wizard = session.wizard
        view = wizard.view()
        self.ids.indicator.text = view.indicator
        self.ids.intro.text = view.step.intro
        box = self.ids.pieces
        box.clear_widgets()
        self._rows = {}
        for piece in view.pieces:
            preview = session.workspace.preview(piece.id)
            row = PieceRow(piece_id=piece.id, label=piece.label, help=piece.help,
                           pages=session.workspace.page_count(piece.id), max_pages=piece.max_pages,
                           error=wizard.errors.get(piece.id, ""), preview=str(preview) if preview else "")
            row.screen = self
            box.add_widget(row)
            self._rows[piece.id] = row

    def clear(self) -> None:
        self.ids.pieces.clear_widgets()
        self._rows = {}

    def show_errors(self) -> None:
        wizard = self.controller.session.wizard
        missing = {p.id for p in wizard.missing_pieces()}
        for piece_id, row in self._rows.items():
            row.error = wizard.errors.get(piece_id) or (
                "Numérisez ce document pour continuer." if piece_id in missing else "")

    def go_next(self) -> None:
        self.controller.next()

    def go_back(self) -> None:
        self.controller.back()


load_kv(__file__)
