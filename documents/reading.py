"""One scanned page, read and checked: what it says (the fields the session
may prefill) and why it must be scanned again, if it must.

:func:`read_page` is pure (a page image in, a :class:`PageReading` out) and
runs in the scan worker's process, beside the page pipeline, never on the
UI's thread. What it returns holds a user's data: it crosses the worker's
pipe into the session's memory and goes nowhere else (no log line carries a
value, only keys and timings).

Refusals are sentences "Rescannez : …" for the user, one reason each. A check
that cannot decide lets the page through: a false refusal is worse than none.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from PIL import Image

from . import checks, codes, mrz, twoddoc

#: The user's sentences, by key (translated by the kiosk: kiosk/locale).
MESSAGES = {
    "dark": "Rescannez : la page est trop sombre, fermez bien le couvercle du scanner.",
    "blurred": "Rescannez : la page est floue, posez-la bien à plat sur la vitre sans la bouger.",
    "cut": "Rescannez : le document dépasse du bord de la vitre, posez-le contre le coin marqué d'une flèche.",
    "not-identity": "Rescannez : ce n'est pas une pièce d'identité, posez la face avec votre photo contre la vitre.",
    "too-old": "Rescannez : ce justificatif date du {date}, il faut un document de moins de 6 mois.",
    # what is told without refusing the page
    "upside-down": "La page était à l'envers : elle a été retournée.",
    "mrz-unchecked": "Les lignes en bas de votre pièce n'ont pas pu être vérifiées : tapez vos informations.",
    "2ddoc-unchecked": "Le code 2D-Doc de ce document n'a pas pu être vérifié : tapez votre adresse.",
    "code-unread": "Le code n'a pas pu être lu sur cette page : tapez-le.",
    "looks-identity": (
        "Cette page ressemble à une pièce d'identité : vérifiez que c'est votre justificatif de domicile."
    ),
}


@dataclass(frozen=True)
class Told:
    """A sentence for the user: its key in :data:`MESSAGES` and its values."""

    key: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return MESSAGES[self.key]

    def sentence(self) -> str:
        return self.template.format(**self.params)


@dataclass
class PageReading:
    """What a page said, and what the user is told about it.

    ``kind``: what the page was read as ("identite", "domicile", "photo",
    "timbre", "recepisse") or "" when nothing was read. ``fields``: form
    field ids and values read. ``refused``: the reason to scan again, or None.
    ``notes``: told without refusing. ``rotate``: degrees (clockwise) the page
    must be turned to be upright. ``holder``: the name a 2D-Doc is made out to,
    for the session to compare with the identity document's."""

    kind: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    refused: Told | None = None
    notes: list[Told] = field(default_factory=list)
    rotate: int = 0
    holder: str = ""
    seconds: float = 0.0
    checked: list[str] = field(default_factory=list)


def _size_mm(image: Image.Image, dpi: int) -> tuple[float, float]:
    return image.width * 25.4 / dpi, image.height * 25.4 / dpi


def read_page(
    page: Image.Image,
    expect: str,
    *,
    dpi: int = 300,
    raw: Image.Image | None = None,
    raw_dpi: int | None = None,
    today: dt.date | None = None,
    authorities: twoddoc.Authorities | None = None,
) -> PageReading:
    """Check and read one page scanned for ``expect`` (a pièce id, or "photo",
    "timbre", "recepisse" for a sheet that carries a code). ``page``: as the
    pipeline made it (cropped, straightened); ``raw``: as the scanner gave it,
    for the check that the document is not cut."""
    started = time.monotonic()
    today = today or dt.date.today()
    result = PageReading()
    try:
        _read(result, page, expect, dpi, raw, raw_dpi or dpi, today, authorities)
    finally:
        result.seconds = time.monotonic() - started
    return result


def _read(
    result: PageReading,
    page: Image.Image,
    expect: str,
    dpi: int,
    raw: Image.Image | None,
    raw_dpi: int,
    today: dt.date,
    authorities: twoddoc.Authorities | None,
) -> None:
    result.checked.append("dark")
    if checks.too_dark(page, dpi=dpi):
        result.refused = Told("dark")
        return
    result.checked.append("blurred")
    if checks.blurred(page, dpi=dpi):
        result.refused = Told("blurred")
        return
    if raw is not None:
        result.checked.append("cut")
        if checks.cut(raw, dpi=raw_dpi):
            result.refused = Told("cut")
            return
    found = codes.find_codes(page, dpi=dpi)
    if found and all(135 <= c.orientation <= 225 for c in found):
        result.rotate = 180
    if expect == "identite":
        _identity(result, page, dpi, found, today)
    elif expect == "domicile":
        _domicile(result, page, dpi, found, today, authorities or twoddoc.Authorities.from_folder())
    elif expect in ("photo", "timbre", "recepisse"):
        reader = {"photo": codes.photo_code, "timbre": codes.timbre, "recepisse": codes.numero_demande}[expect]
        name = {"photo": "code_photo", "timbre": "timbre", "recepisse": "numero"}[expect]
        value = reader(found)
        if value:
            result.kind = expect
            result.fields[name] = value
        else:
            result.notes.append(Told("code-unread"))
    if result.rotate:
        result.notes.insert(0, Told("upside-down"))


def _identity(result: PageReading, page: Image.Image, dpi: int, found: list[codes.Code], today: dt.date) -> None:
    result.checked.append("mrz")
    reading = mrz.read_mrz(page.rotate(180) if result.rotate else page, dpi=dpi, today=today)
    if not reading.found and not result.rotate:
        turned = mrz.read_mrz(page.rotate(180), dpi=dpi, today=today)
        if turned.found:
            reading, result.rotate = turned, 180
    if reading.identity is not None:
        who = reading.identity
        result.kind = "identite"
        result.fields.update(
            {
                "nom_naissance": who.nom,
                "prenom1": who.prenoms[0] if who.prenoms else "",
                "prenom2": who.prenoms[1] if len(who.prenoms) > 1 else "",
                "sexe": who.sexe,
                "date_naissance": who.date_naissance,
                "numero_titre": who.numero,
                "type_titre": who.kind,
            }
        )
        result.fields = {k: v for k, v in result.fields.items() if v}
        return
    if reading.found:
        result.notes.append(Told("mrz-unchecked"))
        return
    # Refused only on evidence of another document (a page's size or its print alone
    # cannot tell a card cropped badly from a letter: the page then goes through).
    if codes.two_d_docs(found) or codes.numero_demande(found) or codes.timbre(found):
        result.refused = Told("not-identity")


def _domicile(
    result: PageReading,
    page: Image.Image,
    dpi: int,
    found: list[codes.Code],
    today: dt.date,
    authorities: twoddoc.Authorities,
) -> None:
    result.checked.append("2ddoc")
    docs = []
    for code in codes.two_d_docs(found):
        try:
            docs.append(twoddoc.parse(code.text))
        except twoddoc.TwoDDocError:
            continue
    if not docs:
        width, height = _size_mm(page, dpi)
        if max(width, height) < 130:  # a card on the glass, not a bill: an MRZ says which
            result.checked.append("mrz")
            if mrz.read_mrz(page, dpi=dpi, today=today).found:
                # told, not refused: the verso of a card may be what a person hosted has to add
                result.notes.append(Told("looks-identity"))
        return
    doc = docs[0]
    if not authorities.verify(doc) or not doc.is_domicile:
        result.notes.append(Told("2ddoc-unchecked"))
        return
    if doc.issued is not None and doc.issued < twoddoc.six_months_before(today):
        result.refused = Told("too-old", {"date": doc.issued.strftime("%d/%m/%Y")})
        return
    result.kind = "domicile"
    result.fields.update(doc.address())
    result.holder = doc.holder()
