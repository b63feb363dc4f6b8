from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from ..i18n import tr
from ..widgets.common import Framed, show_whole
from .base import KioskScreen, MadeAhead, load_kv, sentences
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
    screen: Any = None  # the PiecesScreen it is on, set when it is made

    @staticmethod
    def status_text(pages: int, max_pages: int, _lang: str = "") -> str:
        """Where the pièce stands, in a plain sentence with real plurals, and what to do next."""
        if not pages:
            return tr._("Pas encore numérisé")
        if pages == 1:
            text = tr._("1 page numérisée sur {} au plus.").format(max_pages) if max_pages > 1 else tr._("Numérisé.")
        else:
            text = tr._("{} pages numérisées sur {} au plus.").format(pages, max_pages)
        if pages < max_pages:
            text += " " + tr._("Un verso ou une autre page ? Retournez la feuille et touchez « Ajouter une page ».")
        return text

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

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._built = MadeAhead()  # kept until the session ends
        self._rows: dict[str, PieceRow] = {}

    def prepare(self, step, procedure_id: str) -> list:
        """The work of making ``step``'s rows ahead (see kiosk/ahead.py)."""
        return [lambda piece=piece: self._row(procedure_id, step, piece) for piece in step.pieces]

    def _row(self, procedure_id: str, step, piece) -> PieceRow:
        return self._built((procedure_id, step.id, piece.id), lambda: self._make_row(piece))

    def _make_row(self, piece) -> PieceRow:
        row = PieceRow(
            piece_id=piece.id,
            label=tr.text(piece.label),
            help=tr.text(piece.help),
            max_pages=piece.max_pages,
            width=self.ids.pieces.width,
        )
        row.screen = self
        return row

    def refresh(self) -> None:
        session = self.controller.session
        wizard = session.wizard
        view = wizard.view()
        show_step(self, view)
        box = self.ids.pieces
        box.clear_widgets()
        self._rows = {}
        latest = ""
        for piece in view.pieces:
            preview = session.workspace.preview(piece.id)
            row = self._row(session.procedure.id, view.step, piece)
            row.pages = len(session.workspace.pages(piece.id))
            row.error = tr.text(wizard.errors.get(piece.id, ""))
            row.preview = str(preview) if preview else ""
            box.add_widget(row)
            self._rows[piece.id] = row
            if preview and piece.id == getattr(self.controller, "last_scanned", None):
                latest = str(preview)
        self.preview = latest
        current = next((r for r in self._rows.values() if r.error), None) or next(
            (r for r in self._rows.values() if not r.pages), None
        )
        self._show_whole(current)

    def _show_whole(self, row) -> None:
        """The pièce to scan now (or the first with an error) scrolled whole into
        view, its Numériser button with it, once laid out."""
        if row is None:
            self.ids.scroll.scroll_y = 1
            return

        def scroll(_dt, again: bool = True) -> None:
            if row.parent is not None:
                show_whole(self.ids.scroll, row, padding=dp(4))
            if again:
                Clock.schedule_once(lambda dt: scroll(dt, again=False), 0)

        Clock.schedule_once(scroll, 0)

    def clear(self) -> None:
        self.ids.pieces.clear_widgets()
        for row in self._built.values():
            row.preview = ""
        self._built.clear()
        self._rows = {}
        self.preview = ""

    def show_errors(self) -> None:
        wizard = self.controller.session.wizard
        missing = {p.id for p in wizard.missing_pieces()}
        for piece_id, row in self._rows.items():
            row.error = tr.text(wizard.errors.get(piece_id, "")) or (
                tr._("Numérisez ce document pour continuer.") if piece_id in missing else ""
            )
        self._show_whole(next((r for r in self._rows.values() if r.error), None))

    def go_next(self) -> None:
        self.controller.next()

    def go_back(self) -> None:
        self.controller.back()

    def spoken_text(self) -> str:
        parts = [self.ids.indicator.ids.count.text, self.ids.indicator.title, self.ids.how.text, self.ids.intro.text]
        for row in getattr(self, "_rows", {}).values():
            parts += [row.label, row.help, row.ids.status.text, row.error]
        return sentences(*parts)


load_kv(__file__)
