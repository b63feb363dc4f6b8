"""A small builder of A4 PDF documents for the A4 printer: a title,
paragraphs, key/value lines, a QR code, page breaks.

reportlab (pure Python wheel) rather than fpdf2: its platypus layout wraps
and breaks pages by itself, its QR codes are vectors (sharp at any printer
resolution), and it embeds a subset of a TrueType font, so every French
letter (é, œ, ç, €) prints and reads back (pdftotext) as itself.
DejaVu Sans from Debian's ``fonts-dejavu-core``; reportlab's own Vera as a
fallback.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
_FONTS = {"regular": ("DejaVuSans.ttf", "Vera.ttf"), "bold": ("DejaVuSans-Bold.ttf", "VeraBd.ttf")}
_registered: dict[str, str] = {}


def _font(weight: str) -> str:
    """The registered name of the regular or bold font (registered once)."""
    if weight in _registered:
        return _registered[weight]
    import reportlab

    dejavu, vera = _FONTS[weight]
    candidates = [d / dejavu for d in _FONT_DIRS] + [Path(reportlab.__file__).parent / "fonts" / vera]
    for path in candidates:
        if path.exists():
            name = f"pointnum-{weight}"
            pdfmetrics.registerFont(TTFont(name, str(path)))
            _registered[weight] = name
            return name
    raise FileNotFoundError(f"no TrueType font for A4 documents (apt-get install fonts-dejavu-core): {candidates}")


class A4Document:
    """Blocks added in order, then :meth:`to_pdf`::

    doc = A4Document("Attestation d'inscription", subtitle="Point numérique de ...")
    doc.paragraph("Madame, Monsieur, ...")
    doc.fields([("Nom", "SPECIMEN"), ("Numéro", "2025-000123")])
    doc.qr("https://...", caption="Suivre la demande")
    pdf = doc.to_pdf()
    """

    def __init__(self, title: str, *, subtitle: str = "", author: str = "", footer: str = ""):
        self.title = title
        self.subtitle = subtitle
        self.author = author
        self.footer = footer
        regular, bold = _font("regular"), _font("bold")
        self._styles = {
            "title": ParagraphStyle("title", fontName=bold, fontSize=18, leading=23, spaceAfter=4 * mm),
            "subtitle": ParagraphStyle(
                "subtitle",
                fontName=regular,
                fontSize=11,
                leading=14,
                textColor=colors.HexColor("#444444"),
                spaceAfter=6 * mm,
            ),
            "heading": ParagraphStyle(
                "heading", fontName=bold, fontSize=13, leading=17, spaceBefore=4 * mm, spaceAfter=2 * mm
            ),
            "body": ParagraphStyle("body", fontName=regular, fontSize=11, leading=15, spaceAfter=3 * mm),
            "key": ParagraphStyle(
                "key", fontName=regular, fontSize=10.5, leading=14, textColor=colors.HexColor("#444444")
            ),
            "value": ParagraphStyle("value", fontName=bold, fontSize=10.5, leading=14),
            "caption": ParagraphStyle("caption", fontName=regular, fontSize=9, leading=12),
        }
        self._regular = regular
        self._story: list[Any] = [Paragraph(escape(title), self._styles["title"])]
        if subtitle:
            self._story.append(Paragraph(escape(subtitle), self._styles["subtitle"]))

    # -- blocks ------------------------------------------------------------------

    def heading(self, text: str) -> A4Document:
        self._story.append(Paragraph(escape(text), self._styles["heading"]))
        return self

    def paragraph(self, text: str) -> A4Document:
        """Plain text (no markup); line breaks are kept."""
        self._story.append(Paragraph(escape(text).replace("\n", "<br/>"), self._styles["body"]))
        return self

    def fields(self, pairs: list[tuple[str, str]]) -> A4Document:
        """Key/value lines, aligned in two columns."""
        rows = [
            [Paragraph(escape(k), self._styles["key"]), Paragraph(escape(v), self._styles["value"])] for k, v in pairs
        ]
        table = Table(rows, colWidths=[60 * mm, None], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self._story += [table, Spacer(1, 3 * mm)]
        return self

    def qr(self, data: str, caption: str = "", size_mm: float = 35) -> A4Document:
        """A QR code of ``data`` (vector), with an optional caption beside it."""
        widget = QrCodeWidget(data, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        size = size_mm * mm
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        if caption:
            block = Table(
                [[drawing, Paragraph(escape(caption), self._styles["caption"])]],
                colWidths=[size + 5 * mm, None],
                hAlign="LEFT",
            )
            block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        else:
            block = drawing
        self._story.append(KeepTogether([Spacer(1, 2 * mm), block]))
        return self

    def page_break(self) -> A4Document:
        self._story.append(PageBreak())
        return self

    # -- output ------------------------------------------------------------------

    def _decorate(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(self._regular, 8.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        if self.footer:
            canvas.drawString(20 * mm, 12 * mm, self.footer)
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"Page {doc.page}")
        canvas.restoreState()

    def to_pdf(self) -> bytes:
        out = io.BytesIO()
        template = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=22 * mm,
            title=self.title,
            author=self.author,
            creator="pointnum",
            initialFontName=self._regular,
        )  # no unembedded Helvetica
        template.build(list(self._story), onFirstPage=self._decorate, onLaterPages=self._decorate)
        return out.getvalue()
