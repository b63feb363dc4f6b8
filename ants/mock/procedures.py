"""The procedures the mock knows, how a dossier of each is judged, and the
machine-readable catalogue served at ``GET /api/v1/procedures``.

A ``Procedure`` checks one dossier and returns a ``Plan``: which pièces it
accepts and which it requires *for this situation*, the fee, the identifiers
to consume, the first statut. ``apply`` then runs inside the transaction that
stores the demande (assign a NEPH, issue a code de cession…). The families
live in ``rules_permis``, ``rules_cg`` and ``rules_identite``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .rules import Collector
from .settings import MockSettings

PIECES = {
    "identite": "pièce d'identité",
    "domicile": "justificatif de domicile",
    "recepisse_vol": "récépissé de déclaration de vol",
    "avis_medical": "avis médical",
    "assr": "ASSR 2 ou ASR",
    "jdc": "certificat de participation à la JDC",
    "titre_sejour": "titre de séjour",
    "cepc": "certificat d'examen du permis de conduire (CEPC)",
    "justificatif_etat_civil": "justificatif du changement d'état civil",
    "volet_conversion": "volet de conversion du brevet militaire",
    "attestation_formation": "attestation de formation (C ou D)",
    "diplome_pro": "diplôme professionnel",
    "decision": "décision d'annulation, d'invalidation ou de suspension",
    "permis_etranger": "permis de conduire étranger",
    "traduction_permis": "traduction officielle du permis étranger",
    "attestation_droits": "attestation des droits à conduire",
    "traduction_attestation": "traduction de l'attestation des droits à conduire",
    "certificat_cession": "certificat de cession (cerfa 15776)",
    "certificat_situation": "certificat de situation administrative",
    "carte_grise": "certificat d'immatriculation",
    "controle_technique": "procès-verbal de contrôle technique",
    "attestation_assurance": "attestation d'assurance",
    "mandat": "mandat et pièce d'identité du mandataire",
}

STATUT_DEPOT = "en_instruction"
DEPOT = "Demande transmise au service instructeur."


@dataclass
class Ctx:
    """What a check may look at besides the dossier."""

    store: Any
    settings: MockSettings
    today: date
    now: datetime
    session: dict = field(default_factory=dict)  # {"type": "invite"|"compte"|"franceconnect", "compte": ...}


@dataclass
class Plan:
    pieces: dict[str, bool] = field(default_factory=dict)  # accepted pièce -> required here
    fee: Decimal | None = Decimal("0")  # None: not known from this dossier (motif, vehicle missing)
    photo: str | None = None  # code photo-signature to consume
    timbre: str | None = None  # timbre to consume, or "differe"
    statut: str = STATUT_DEPOT
    commentaire: str = DEPOT
    motif: str = ""
    facts: dict = field(default_factory=dict)  # what check found, for apply (vehicle, NEPH…)

    def need(self, *piece_ids: str, required: bool = True) -> None:
        for piece_id in piece_ids:
            self.pieces[piece_id] = self.pieces.get(piece_id, False) or required


class Procedure:
    id = ""
    titre = ""
    famille = ""
    motifs: dict[str, str] = {}
    #: Whether the dossier carries a code photo-signature.
    photo = True
    #: Static description for the catalogue: pièce -> when it is required.
    pieces_doc: dict[str, str] = {}
    champs_doc: dict[str, str] = {}
    frais_doc = "gratuit"
    apres_depot = ""

    def check(self, c: Collector, dossier: dict, ctx: Ctx) -> Plan:  # pragma: no cover - abstract
        raise NotImplementedError

    def fee(self, settings: MockSettings, facts: dict) -> Decimal:
        """Amount due for these facts (motif, code_postal, age, vehicule)."""
        return Decimal("0")

    def apply(self, db, dossier: dict, numero: str, plan: Plan, ctx: Ctx) -> dict:
        """Side effects inside the storing transaction; returns what is handed to the user."""
        return {}

    def numero(self, ctx: Ctx) -> str | None:
        """A procedure-specific numéro (pré-demande), or None for the settings' format."""
        return None

    def describe(self, settings: MockSettings) -> dict:
        return {
            "id": self.id,
            "titre": self.titre,
            "famille": self.famille,
            "motifs": [{"id": k, "libelle": v} for k, v in self.motifs.items()],
            "photo_signature": self.photo,
            "champs": [{"champ": k, "regle": v} for k, v in self.champs_doc.items()],
            "pieces": [
                {
                    "id": p,
                    "libelle": PIECES[p],
                    "requise": when,
                    "pages_max": settings.page_limits.get(p),
                    "anciennete_max_jours": settings.piece_max_age_days.get(p),
                }
                for p, when in self.pieces_doc.items()
            ],
            "frais": self.frais_doc,
            "apres_depot": self.apres_depot,
        }


def registry() -> dict[str, Procedure]:
    from . import rules_cg, rules_identite, rules_permis

    procedures = [*rules_permis.PROCEDURES, *rules_cg.PROCEDURES, *rules_identite.PROCEDURES]
    return {p.id: p for p in procedures}


REGISTRY: dict[str, Procedure] = {}


def get(procedure_id: Any) -> Procedure | None:
    if not REGISTRY:
        REGISTRY.update(registry())
    return REGISTRY.get(procedure_id) if isinstance(procedure_id, str) else None


def all_procedures() -> list[Procedure]:
    get("")
    return list(REGISTRY.values())


def check_motif(c: Collector, dossier: dict, motifs: dict[str, str]) -> str | None:
    motif = dossier.get("motif")
    if not isinstance(motif, str) or motif not in motifs:
        if motifs.keys() == {"perte", "vol", "deterioration"}:
            c.add("motif", "motif_invalide", "Le motif doit être perte, vol ou détérioration.")
        else:
            c.add("motif", "motif_invalide", "Le motif doit être : " + ", ".join(motifs) + ".")
        return None
    return motif
