"""The agents' portal (seed 003, "Portail Guichet Agent"): search, consult a
dossier and its pièces, suspend with a demande de complément, validate,
reject, and push a validated title through production, dispatch, delivery.

Protected by ``Authorization: Bearer <settings.agent_token>``.
"""

from __future__ import annotations

from datetime import date

from fastapi import Depends, FastAPI, Path, Query
from fastapi.responses import Response
from pydantic import Field

from .contract import Corps, refusals
from .deps import Deps
from .errors import ApiError, invalid
from .pieces import LABELS
from .procedures import PIECES
from .routes_demandes import expire_overdue
from .rules import Erreur
from .store import Conflict

#: statut -> the statuts an agent may move a demande to it from.
AGENT_TRANSITIONS = {
    "complement_demande": {"en_instruction"},
    "validee": {"en_instruction"},
    "rejetee": {"en_attente_paiement", "en_instruction", "complement_demande", "validee"},
    "en_production": {"validee"},
    "expediee": {"en_production"},
    "distribuee": {"expediee"},
}
DEFAULT_COMMENTS = {
    "validee": "Demande validée par le service instructeur.",
    "en_production": "Titre en production.",
    "expediee": "Titre expédié (Lettre Expert).",
    "distribuee": "Titre distribué.",
}
_MEDIA = {"jpeg": "image/jpeg", "png": "image/png", "bmp": "image/bmp", "tiff": "image/tiff", "pdf": "application/pdf"}


class Transition(Corps):
    statut: str = Field(
        max_length=40, description="complement_demande | validee | rejetee | en_production | expediee | distribuee"
    )
    commentaire: str | None = Field(None, max_length=1000)
    motif: str | None = Field(None, max_length=1000, description="reason of a rejet (required)")
    message: str | None = Field(None, max_length=1000, description="what the user must send (complément)")
    pieces: list[str] = Field(default_factory=list, max_length=20, description="pièces asked in a complément")


def register(app: FastAPI, deps: Deps) -> None:
    store = deps.store
    agent = deps.agent_dependency()

    @app.get("/api/v1/agent/demandes")
    def search(
        nom: str | None = Query(None, max_length=100),
        prenom: str | None = Query(None, max_length=100),
        date_naissance: str | None = Query(None, max_length=10),
        numero: str | None = Query(None, max_length=40),
        motif: str | None = Query(None, max_length=40),
        statut: str | None = Query(None, max_length=40),
        procedure: str | None = Query(None, max_length=40),
        limite: int = Query(50, ge=1, le=500),
        _: str = Depends(agent),
    ) -> dict:
        filters = {
            k: v.strip()
            for k, v in {
                "nom": nom,
                "prenom": prenom,
                "date_naissance": date_naissance,
                "numero": numero,
                "motif": motif,
                "statut": statut,
                "procedure": procedure,
            }.items()
            if v and v.strip()
        }
        rows = store.search(filters, limite)
        return {"nombre": len(rows), "demandes": rows}

    @app.get("/api/v1/agent/demandes/{numero}", responses=refusals(404))
    def consult(numero: str, _: str = Depends(agent)) -> dict:
        expire_overdue(store, numero, date.today())
        demande = store.demande_full(numero)
        if demande is None:
            raise ApiError(404, "demande_inconnue", "Aucune demande ne porte ce numéro.")
        demande.pop("proprietaire")
        for piece in demande["pieces"]:
            piece["libelle"] = PIECES.get(piece["piece_id"], piece["piece_id"])
            piece["url"] = f"/api/v1/agent/demandes/{numero}/pieces/{piece['id']}"
        return demande

    @app.get("/api/v1/agent/demandes/{numero}/pieces/{piece}", responses=refusals(404))
    def piece_file(numero: str, piece: int = Path(ge=1, le=2**63 - 1), _: str = Depends(agent)) -> Response:
        row = store.piece_data(numero, piece)
        if row is None:
            raise ApiError(404, "piece_inconnue", "Cette pièce n'existe pas dans ce dossier.")
        return Response(
            row["data"],
            media_type=_MEDIA.get(row["format"], "application/octet-stream"),
            headers={"X-Format": LABELS.get(row["format"], "?")},
        )

    @app.post("/api/v1/agent/demandes/{numero}/transitions", responses=refusals(404, 409))
    def transition(numero: str, body: Transition, _: str = Depends(agent)) -> dict:
        if body.statut not in AGENT_TRANSITIONS:
            raise invalid(
                [Erreur("statut", "valeur_invalide", "Statut inconnu : " + ", ".join(AGENT_TRANSITIONS))],
                "La transition est mal formée.",
                "transition_invalide",
            )
        complement = None
        commentaire = body.commentaire or DEFAULT_COMMENTS.get(body.statut, "")
        if body.statut == "rejetee":
            motif = (body.motif or "").strip()
            if not motif:
                raise invalid(
                    [Erreur("motif", "champ_requis", "Un rejet doit être motivé.")],
                    "La transition est mal formée.",
                    "transition_invalide",
                )
            commentaire = "Demande rejetée : " + motif
        if body.statut == "complement_demande":
            unknown = [p for p in body.pieces if p not in PIECES]
            erreurs = []
            if not body.pieces:
                erreurs.append(Erreur("pieces", "champ_requis", "Indiquez les pièces à fournir."))
            if unknown:
                erreurs.append(Erreur("pieces", "piece_inconnue", "Pièce inconnue : " + ", ".join(unknown[:3])))
            message = (body.message or "").strip()
            if not message:
                erreurs.append(Erreur("message", "champ_requis", "Expliquez à l'usager ce qui manque."))
            if erreurs:
                raise invalid(erreurs, "La transition est mal formée.", "transition_invalide")
            complement = {"message": message, "pieces": list(dict.fromkeys(body.pieces))}
            commentaire = "Demande suspendue : " + message

        predemande_done = None
        if body.statut == "en_production":
            demande = store.demande_full(numero)
            if demande and demande["procedure"].endswith("-predemande"):

                def predemande_done(db):
                    store.set_predemande_etat_tx(db, numero, "consumed")

        try:
            return store.transition(
                numero,
                AGENT_TRANSITIONS[body.statut],
                body.statut,
                commentaire,
                "agent",
                complement=complement,
                apply=predemande_done,
            )
        except KeyError:
            raise ApiError(404, "demande_inconnue", "Aucune demande ne porte ce numéro.") from None
        except Conflict as exc:
            raise ApiError(
                409, "statut_incompatible", f"Impossible de passer de « {exc.statut} » à « {body.statut} »."
            ) from None
