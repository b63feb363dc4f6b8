"""What to do after (or instead of) an online demande: send originals by
post, go to a mairie, give a code to a buyer. Built from a procedure's
``guidance`` steps, with the user's values and what ANTS handed out filled
in; printable on the A4 printer or, without one, on the receipt printer.

Never a dead end: a procedure that cannot be done online ends here too.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

from drivers.printer import Receipt

from .catalogue import Step
from .validation import departement

_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?)\}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Shown where a value is not known (ANTS did not give it): the user asks the mediator.
UNKNOWN = "(demandez au médiateur)"


@dataclass(frozen=True)
class GuidanceSection:
    heading: str
    paragraphs: tuple[str, ...]
    address: tuple[str, ...]


@dataclass(frozen=True)
class Guidance:
    title: str
    intro: str
    sections: tuple[GuidanceSection, ...]

    @property
    def paragraphs(self) -> list[str]:
        """Every paragraph, in order (the intro first)."""
        return ([self.intro] if self.intro else []) + [p for s in self.sections for p in s.paragraphs]

    @property
    def address(self) -> tuple[str, ...]:
        """The address to write on the envelope (the first one), or ()."""
        return next((s.address for s in self.sections if s.address), ())

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "intro": self.intro,
            "paragraphs": self.paragraphs,
            "address": list(self.address),
            "sections": [
                {"heading": s.heading, "paragraphs": list(s.paragraphs), "address": list(s.address)}
                for s in self.sections
            ],
        }

    def to_pdf(self, *, subtitle: str = "", footer: str = "", qr: str = "") -> bytes:
        from drivers.printer.a4doc import A4Document  # reportlab: loaded only to print

        doc = A4Document(self.title, subtitle=subtitle, footer=footer)
        if self.intro:
            doc.paragraph(self.intro)
        for section in self.sections:
            if section.heading:
                doc.heading(section.heading)
            for paragraph in section.paragraphs:
                doc.paragraph(paragraph)
            if section.address:
                doc.paragraph("\n".join(section.address))
        if qr:
            doc.qr(qr, caption="Suivre la demande avec un téléphone.")
        return doc.to_pdf()

    def to_receipt(self, *, numero: str = "", qr: str = "") -> Receipt:
        lines: list[tuple[str, str]] = []
        if self.intro:
            lines.append(("", self.intro))
        for section in self.sections:
            for i, paragraph in enumerate(section.paragraphs or ("",)):
                lines.append((section.heading if i == 0 else "", paragraph))
        return Receipt(
            title=self.title,
            lines=lines,
            numero=numero,
            qr_data=qr,
            footer=[line for s in self.sections for line in s.address],
        )


def is_date(value: object) -> bool:
    """True for an ISO date (AAAA-MM-JJ): a date ANTS hands out, shared by everyone who files that day."""
    return isinstance(value, str) and bool(_ISO_DATE.fullmatch(value))


def shown(value: object) -> str:
    """A value as a person reads it: ISO dates as JJ/MM/AAAA."""
    if isinstance(value, str) and is_date(value):
        return _dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def fill(text: str, context: dict[str, Any]) -> str:
    """Replace ``{name}`` and ``{delivre.key}`` by their values (ISO dates as JJ/MM/AAAA)."""

    def one(match: re.Match[str]) -> str:
        node: Any = context
        for part in match.group(1).split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return UNKNOWN if node in (None, "") else shown(node)

    return _PLACEHOLDER.sub(one, text)


def build(
    steps: list[Step],
    values: dict[str, str],
    *,
    numero: str | None,
    delivre: dict[str, Any],
    today: _dt.date | None = None,
) -> Guidance | None:
    """The guidance of the applicable ``guidance`` steps, or None when there is none."""
    steps = [s for s in steps if s.kind == "guidance"]
    if not steps:
        return None
    context: dict[str, Any] = {**values, "numero": numero or "", "delivre": delivre or {}}
    try:
        context["departement"] = departement(values.get("code_postal", ""))
    except ValueError:
        context["departement"] = ""
    sections = []
    for step in steps:
        for block in step.guidance:
            if not block.applies(values, today):
                continue
            address = tuple(fill(line, context) for line in block.address)
            given = (delivre or {}).get(block.address_from) if block.address_from else None
            if isinstance(given, dict) and given.get("adresse"):
                address = tuple(x for x in (given.get("destinataire", ""), *str(given["adresse"]).split(", ")) if x)
            sections.append(
                GuidanceSection(
                    heading=fill(block.heading, context),
                    paragraphs=tuple(fill(p, context) for p in block.paragraphs),
                    address=address,
                )
            )
    first = steps[0]
    return Guidance(title=fill(first.title, context), intro=fill(first.intro, context), sections=tuple(sections))
