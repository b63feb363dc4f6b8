"""A demande's statut and history as a user reads them: plain French labels
for the ANTS lifecycle (ants/mock/PROCEDURES.md, "Lifecycle"), dates as
JJ/MM/AAAA, the pièces an agent asks for."""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Any

from .catalogue import Piece, load_pieces

STATUTS = {
    "brouillon": "Pas encore envoyée (brouillon)",
    "en_attente_paiement": "En attente du paiement",
    "en_instruction": "En cours d'examen par l'administration",
    "complement_demande": "Un document vous est demandé",
    "validee": "Acceptée",
    "en_production": "Le document est en fabrication",
    "expediee": "Le document a été envoyé par La Poste",
    "distribuee": "Le document vous a été remis",
    "rejetee": "Refusée",
}

#: What the user should do now, by statut.
NEXT = {
    "brouillon": "Terminez la demande pour l'envoyer.",
    "en_attente_paiement": "Payez le timbre fiscal pour que la demande soit examinée.",
    "en_instruction": "Vous n'avez rien à faire. Vous recevrez un message à chaque étape.",
    "complement_demande": "Scannez le document demandé : la demande continuera ensuite.",
    "validee": "Vous n'avez rien à faire. Le document va être fabriqué.",
    "en_production": "Vous n'avez rien à faire. Le document sera envoyé par La Poste.",
    "expediee": "Le facteur vous le remettra contre signature. Absent ? La Poste le garde 15 jours.",
    "distribuee": "La démarche est terminée.",
    "rejetee": "Lisez la raison du refus. Le médiateur peut vous aider à refaire une demande.",
}


@lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    from .catalogue import Catalogue

    return {p.ants_procedure: p.title for p in Catalogue.load() if p.online}


def _date(iso: str) -> str:
    try:
        return _dt.datetime.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return ""


def pieces_asked(ids: list[str]) -> tuple[Piece, ...]:
    known = load_pieces()
    out = []
    for piece_id in ids:
        info = known.get(piece_id, {})
        out.append(
            Piece(
                id=piece_id,
                label=info.get("label", piece_id.replace("_", " ")),
                help=info.get("help", ""),
                max_pages=int(info.get("max_pages", 5)),
            )
        )
    return tuple(out)


def describe(raw: dict[str, Any]) -> dict[str, Any]:
    """The answer of ``GET /api/v1/demandes/{numero}`` as the screen shows it."""
    statut = raw.get("statut", "")
    complement = raw.get("complement") if statut == "complement_demande" else None
    return {
        "numero": raw.get("numero", ""),
        "procedure": raw.get("procedure", ""),
        "procedure_title": _titles().get(raw.get("procedure", ""), "Demande"),
        "statut": statut,
        "statut_label": STATUTS.get(statut, statut.replace("_", " ")),
        "next": NEXT.get(statut, ""),
        "cree_le": _date(raw.get("cree_le", "")),
        "historique": [
            {
                "statut": e.get("statut", ""),
                "label": STATUTS.get(e.get("statut", ""), e.get("statut", "")),
                "date": _date(e.get("date", "")),
                "commentaire": e.get("commentaire") or "",
            }
            for e in raw.get("historique") or []
        ],
        "complement": None
        if not complement
        else {
            "message": complement.get("message", ""),
            "pieces": [{"id": p.id, "label": p.label} for p in pieces_asked(list(complement.get("pieces") or []))],
        },
    }
