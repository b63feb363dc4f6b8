"""What the session proposes to fill from the documents the user scanned.

The readers (documents/, in the scan worker) say what a page says; the
session decides what of it to propose: only fields the procedure has, never
over a value the user typed, and the user confirms or corrects each before it
counts. A justificatif de domicile made out to another name than the identity
document's is told in one sentence (the user may be hosted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Told when the names differ (translated by the kiosk: kiosk/locale).
NAME_DIFFERS = (
    "Le nom sur le justificatif de domicile n'est pas celui de votre pièce d'identité : "
    "si vous êtes hébergé, ajoutez l'attestation de la personne qui vous héberge."
)


@dataclass
class Proposal:
    """Fields read from the scans, waiting for the user's confirmation."""

    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # field id -> what it was read from
    told: list[str] = field(default_factory=list)


#: Told when a document gave nothing to fill (translated by the kiosk: kiosk/locale).
NOT_READ = {
    "identite": "Votre pièce n'a pas pu être lue : tapez vos informations.",
    "domicile": "Votre justificatif n'a pas pu être lu : tapez votre adresse.",
}


@dataclass
class DocumentRead:
    """One document scanned to fill a step (see UserSession.read_document): what
    it proposes, and what the user is told, as (French template, values) pairs
    for the kiosk to translate: why it was refused or not read, that it was
    turned, that the names differ."""

    kind: str
    proposal: Proposal
    told: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def _same_name(a: str, b: str) -> bool:
    words = {w for w in a.upper().replace("-", " ").split() if len(w) > 1}
    return bool(words & {w for w in b.upper().replace("-", " ").split() if len(w) > 1})


def propose(readings: list[Any], fields: set[str], typed: dict[str, str]) -> Proposal:
    """From page readings (documents.PageReading), the values to propose for the
    procedure's ``fields``, leaving alone those the user ``typed``."""
    proposal = Proposal()
    identity_name = ""
    holder = ""
    for reading in readings:
        if reading is None or reading.refused is not None or not reading.kind:
            continue
        if reading.kind == "identite":
            identity_name = reading.fields.get("nom_naissance", identity_name)
        if reading.kind == "domicile" and reading.holder:
            holder = reading.holder
        for field_id, value in reading.fields.items():
            if field_id in fields and value and not typed.get(field_id) and field_id not in proposal.values:
                proposal.values[field_id] = value
                proposal.sources[field_id] = reading.kind
    if identity_name and holder and not _same_name(identity_name, holder):
        proposal.told.append(NAME_DIFFERS)
    return proposal


def confirm(proposal: Proposal, values: dict[str, str], corrected: dict[str, str] | None = None) -> dict[str, str]:
    """The user's answer: the proposal with their corrections, into ``values``; returns what was set."""
    chosen = {**proposal.values, **(corrected or {})}
    values.update({k: v for k, v in chosen.items() if v})
    return chosen
