"""The attestation d'inscription au permis de conduire (équivalent du Cerfa
réf. 02), produced once a permis-inscription is in instruction (seed 004):
one sheet, recto the attestation, verso what to do with it, for the user to
print recto-verso and show the examiner.

Drawn with reportlab's canvas, in a TrueType font embedded in the PDF (DejaVu
Sans when Debian's fonts-dejavu-core is there, else reportlab's own Vera), so
that every accent of a name prints and reads back as itself.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PROCEDURE = "permis-inscription"
#: The statuts in which the attestation exists: from instruction on, unless rejected.
AVAILABLE = frozenset({"en_instruction", "complement_demande", "validee", "en_production", "expediee", "distribuee"})
TITLE = "Attestation d'inscription au permis de conduire — équivalent Cerfa réf. 02"

_MARGIN = 20 * mm
_WIDTH = A4[0] - 2 * _MARGIN
_FONT_FILES = {"regular": ("DejaVuSans.ttf", "Vera.ttf"), "bold": ("DejaVuSans-Bold.ttf", "VeraBd.ttf")}
_fonts: dict[str, str] = {}

VERSO = [
    (
        "À quoi sert ce document",
        [
            "Cette attestation prouve votre inscription à l'examen du permis de conduire. Elle remplace le "
            "formulaire Cerfa réf. 02.",
        ],
    ),
    (
        "Comment l'imprimer",
        [
            "Elle doit être imprimée recto-verso sur une seule feuille : l'attestation au recto, ces "
            "explications au verso.",
        ],
    ),
    (
        "Le jour de l'examen",
        [
            "À présenter à l'inspecteur chargé de l'évaluation lors des épreuves du permis de conduire, avec "
            "une pièce d'identité en cours de validité et les pièces habituelles.",
        ],
    ),
    (
        "Ensuite",
        [
            "Gardez votre numéro NEPH : il vous suit toute votre vie de conducteur. Après la réussite à "
            "l'examen, la demande de titre remplace le Cerfa réf. 06.",
            "Pour toute information : www.demarches.interieur.gouv.fr",
        ],
    ),
]


def _font(weight: str) -> str:
    if weight not in _fonts:
        import reportlab

        dejavu, vera = _FONT_FILES[weight]
        for path in (
            Path("/usr/share/fonts/truetype/dejavu") / dejavu,
            Path(reportlab.__file__).parent / "fonts" / vera,
        ):
            if path.exists():
                pdfmetrics.registerFont(TTFont(f"ants-mock-{weight}", str(path)))
                _fonts[weight] = f"ants-mock-{weight}"
                break
        else:  # pragma: no cover - reportlab ships Vera
            raise FileNotFoundError(f"no TrueType font for the attestation ({dejavu}, {vera})")
    return _fonts[weight]


def _jjmmaaaa(iso: str) -> str:
    try:
        return (datetime.fromisoformat(iso) if "T" in iso else date.fromisoformat(iso)).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return iso or "—"


def instruction_date(demande: dict) -> str:
    """When the demande first went into instruction (ISO), from its history."""
    return next((e["date"] for e in demande["historique"] if e["statut"] == "en_instruction"), "")


def lines_of(demande: dict) -> list[tuple[str, str]]:
    """The recto's (label, value) lines, from the stored demande."""
    dossier = demande["dossier"]
    etat = dossier.get("etat_civil") if isinstance(dossier.get("etat_civil"), dict) else {}
    prenoms = etat.get("prenoms")
    if not isinstance(prenoms, list):
        prenoms = []
    naissance = dossier.get("naissance") if isinstance(dossier.get("naissance"), dict) else {}
    lieu = ", ".join(str(naissance[k]) for k in ("commune", "pays") if naissance.get(k))
    lines = [
        ("Numéro de demande", demande["numero"]),
        ("Numéro NEPH", str(demande["delivre"].get("neph") or "—")),
        ("Nom de naissance", str(etat.get("nom_naissance") or "").upper()),
    ]
    if etat.get("nom_usage"):
        lines.append(("Nom d'usage", str(etat["nom_usage"]).upper()))
    lines += [
        ("Prénom(s)", ", ".join(str(p) for p in prenoms if p)),
        ("Date de naissance", _jjmmaaaa(str(etat.get("date_naissance") or ""))),
    ]
    if lieu:
        lines.append(("Lieu de naissance", lieu))
    lines += [
        ("Catégorie demandée", str(dossier.get("categorie") or "—")),
        ("Apprentissage anticipé (AAC)", "oui" if dossier.get("aac") is True else "non"),
        ("Demande déposée le", _jjmmaaaa(demande["cree_le"])),
        ("Instruite depuis le", _jjmmaaaa(instruction_date(demande))),
    ]
    return lines


class _Sheet:
    """A canvas with a cursor going down the page."""

    def __init__(self, canvas: Canvas):
        self.canvas = canvas
        self.y = A4[1] - _MARGIN

    def text(self, text: str, size: float = 11, bold: bool = False, indent: float = 0, after: float = 2 * mm):
        font = _font("bold" if bold else "regular")
        self.canvas.setFont(font, size)
        for line in simpleSplit(text, font, size, _WIDTH - indent):
            self.y -= size * 1.35
            self.canvas.drawString(_MARGIN + indent, self.y, line)
        self.y -= after

    def pair(self, label: str, value: str) -> None:
        self.canvas.setFont(_font("regular"), 10.5)
        self.y -= 15
        self.canvas.drawString(_MARGIN, self.y, label)
        self.canvas.setFont(_font("bold"), 10.5)
        self.canvas.drawString(_MARGIN + 62 * mm, self.y, value)

    def footer(self, page: int) -> None:
        self.canvas.setFont(_font("regular"), 8.5)
        self.canvas.drawString(
            _MARGIN,
            12 * mm,
            "ANTS (simulation) — attestation d'inscription, à imprimer recto-verso sur une seule feuille",
        )
        self.canvas.drawRightString(A4[0] - _MARGIN, 12 * mm, f"{'Recto' if page == 1 else 'Verso'} — {page}/2")


def attestation_pdf(demande: dict, issued: date) -> bytes:
    """Two A4 pages: recto the attestation of ``demande`` (as ``Store.demande_full`` gives it),
    verso the instructions."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(TITLE)
    canvas.setAuthor("Agence nationale des titres sécurisés (simulation)")
    canvas.setCreator("ants-mock")

    recto = _Sheet(canvas)
    recto.text("Agence nationale des titres sécurisés", 10, after=4 * mm)
    recto.text("Attestation d'inscription au permis de conduire", 18, bold=True, after=1 * mm)
    recto.text("Équivalent du Cerfa réf. 02", 12, after=8 * mm)
    recto.text(
        "L'Agence nationale des titres sécurisés atteste que la personne désignée ci-dessous est "
        "inscrite à l'examen du permis de conduire, pour la catégorie indiquée. Sa demande "
        "d'inscription est en cours d'instruction.",
        after=5 * mm,
    )
    for label, value in lines_of(demande):
        recto.pair(label, value)
    recto.y -= 10 * mm
    recto.text(f"Attestation produite le {issued:%d/%m/%Y}.", 10)
    recto.text("Voir au verso : ce document est à présenter à l'inspecteur le jour de l'examen.", 10, bold=True)
    recto.footer(1)
    canvas.showPage()

    verso = _Sheet(canvas)
    verso.text("Que faire de cette attestation ?", 16, bold=True, after=6 * mm)
    for heading, paragraphs in VERSO:
        verso.text(heading, 12.5, bold=True, after=1 * mm)
        for paragraph in paragraphs:
            verso.text(paragraph, after=2 * mm)
        verso.y -= 3 * mm
    verso.text(f"Demande n° {demande['numero']} — NEPH {demande['delivre'].get('neph') or '—'}", 9.5)
    verso.footer(2)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
