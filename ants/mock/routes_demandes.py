"""The user's side of a demande: the catalogue, submission (every procedure, one
multipart shape), suivi, deferred payment, drafts, and answering a demande de
complément."""

from __future__ import annotations

import logging
import secrets
from datetime import date
from decimal import Decimal

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from . import attestation, procedures, rules
from .contract import Corps, refusals
from .deps import Deps, Session
from .errors import ApiError, invalid
from .identifiers import READABLE, plate_key
from .pieces import Piece
from .procedures import PIECES, Ctx, Plan, Procedure
from .rules import Erreur
from .store import Conflict, UsedMeanwhile, cents, iso, utcnow
from .submission import (
    _check_complement,
    _form,
    _judge,
    _read_pieces,
    _read_submission,
)

log = logging.getLogger("ants.mock")

# The dossier is a JSON part (a plain form field is read the same way); each pièce is a file part.
_MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["dossier"],
                    "properties": {"dossier": {"type": "object", "description": "the dossier (see PROCEDURES.md)"}},
                    "patternProperties": {"^piece:[a-z_]+$": {"type": "string", "format": "binary"}},
                },
                "encoding": {"dossier": {"contentType": "application/json"}},
            }
        },
    }
}
_COMPLEMENT = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "pieces_dates": {
                            "type": "object",
                            "description": "{piece: date}",
                            "additionalProperties": {"type": "string"},
                        }
                    },
                    "patternProperties": {"^piece:[a-z_]+$": {"type": "string", "format": "binary"}},
                },
                "encoding": {"pieces_dates": {"contentType": "application/json"}},
            }
        },
    }
}


class DemandeCreee(BaseModel):
    numero: str
    statut: str
    cree_le: str
    procedure: str = ""
    frais: float = 0.0
    delivre: dict = {}


class Evenement(BaseModel):
    statut: str
    date: str
    commentaire: str | None


class DemandeSuivi(BaseModel):
    numero: str
    procedure: str
    motif: str
    statut: str
    cree_le: str
    historique: list[Evenement]
    complement: dict | None = None


class Paiement(Corps):
    timbre: str


def register(app: FastAPI, deps: Deps) -> None:
    store, settings = deps.store, deps.settings
    current_session = deps.session_dependency()

    @app.get("/api/v1/procedures")
    def list_procedures() -> dict:
        return {
            "procedures": [p.describe(settings) for p in procedures.all_procedures()],
            "formats": ["JPG", "PNG", "BMP", "TIFF", "PDF"],
            "taille_max_octets": settings.max_upload_bytes,
        }

    @app.get("/api/v1/procedures/{procedure_id}", responses=refusals(404))
    def one_procedure(procedure_id: str) -> dict:
        proc = procedures.get(procedure_id)
        if proc is None:
            raise ApiError(404, "procedure_inconnue", "Cette démarche n'est pas proposée ici.")
        return proc.describe(settings)

    @app.post(
        "/api/v1/demandes",
        status_code=201,
        response_model=DemandeCreee,
        openapi_extra=_MULTIPART,
        responses=refusals(400, 409, 413, 415),
    )
    async def submit_demande(request: Request, session: Session = Depends(current_session)) -> dict:
        dossier, pieces, upload_erreurs = await _read_submission(request, deps)
        ctx = deps.ctx(session)
        if dossier.get("brouillon") is True:
            return await run_in_threadpool(_save_draft, dossier, session, ctx)
        proc, plan = await run_in_threadpool(_judge, dossier, pieces, upload_erreurs, ctx)
        return await run_in_threadpool(_create, proc, plan, dossier, pieces, session, ctx, None)

    @app.post(
        "/api/v1/demandes/{numero}/depot",
        status_code=201,
        response_model=DemandeCreee,
        openapi_extra=_MULTIPART,
        responses=refusals(400, 403, 404, 409, 413, 415),
    )
    async def file_draft(numero: str, request: Request, session: Session = Depends(current_session)) -> dict:
        """Turn a brouillon into a real demande: the full dossier and its pièces, judged as a new one."""
        _owned(store.demande_full(numero), session, "brouillon")
        dossier, pieces, upload_erreurs = await _read_submission(request, deps)
        ctx = deps.ctx(session)
        proc, plan = await run_in_threadpool(_judge, dossier, pieces, upload_erreurs, ctx)
        return await run_in_threadpool(_create, proc, plan, dossier, pieces, session, ctx, numero)

    @app.get(
        "/api/v1/demandes/{numero}",
        response_model=DemandeSuivi,
        response_model_exclude_none=True,
        responses=refusals(404),
    )
    def get_demande(numero: str) -> dict:
        expire_overdue(store, numero, date.today())
        demande = store.demande(numero)
        if demande is None:
            raise ApiError(404, "demande_inconnue", "Aucune demande ne porte ce numéro.")
        return demande

    @app.post("/api/v1/demandes/{numero}/paiement", responses=refusals(403, 404, 409))
    def pay(numero: str, paiement: Paiement, session: Session = Depends(current_session)) -> dict:
        demande = _owned(store.demande_full(numero), session, "en_attente_paiement")
        if not rules._TIMBRE.fullmatch(paiement.timbre):
            raise invalid(
                [Erreur("timbre", "format_invalide", "Le numéro de timbre fiscal compte 16 chiffres.")],
                "Le paiement n'a pas pu être fait.",
                "paiement_invalide",
            )
        expected = Decimal(str(demande["frais"])).quantize(Decimal("0.01"))
        problem = rules.check_timbre(store.timbre(paiement.timbre), expected, deps.ctx().now)
        if problem:
            raise invalid(
                [Erreur("timbre", problem.code, problem.message)],
                "Le paiement n'a pas pu être fait.",
                "paiement_invalide",
            )

        def consume(db):
            cursor = db.conn.execute(
                "UPDATE timbres SET utilise_le = ? WHERE numero = ? AND utilise_le IS NULL",
                [iso(utcnow()), paiement.timbre],
            )
            if cursor.rowcount != 1:
                raise UsedMeanwhile("timbre")
            db.conn.execute("UPDATE demandes SET timbre = ? WHERE numero = ?", [paiement.timbre, numero])

        try:
            return store.transition(
                numero,
                {"en_attente_paiement"},
                "en_instruction",
                "Timbre fiscal reçu ; demande transmise au service instructeur.",
                "usager",
                apply=consume,
            )
        except UsedMeanwhile:
            raise invalid(
                [Erreur("timbre", "timbre_deja_utilise", "Ce timbre fiscal a déjà été utilisé.")],
                "Le paiement n'a pas pu être fait.",
                "paiement_invalide",
            ) from None
        except Conflict as exc:
            raise _conflict(exc.statut) from None

    @app.post(
        "/api/v1/demandes/{numero}/complements",
        openapi_extra=_COMPLEMENT,
        responses=refusals(400, 403, 404, 409, 413, 415),
    )
    async def answer_complement(numero: str, request: Request, session: Session = Depends(current_session)) -> dict:
        demande = _owned(store.demande_full(numero), session, "complement_demande")
        form = await _form(request, deps)
        try:
            pieces, erreurs = await _read_pieces(form, deps)
            raw_dates = form.get("pieces_dates")
            if isinstance(raw_dates, UploadFile):  # a JSON part sent as a file
                raw_dates = (await raw_dates.read()).decode("utf-8", "replace")
        finally:
            await form.close()
        asked = list((demande["complement"] or {}).get("pieces") or [])
        erreurs = await run_in_threadpool(_check_complement, pieces, erreurs, asked, raw_dates, deps.ctx(session))
        if erreurs:
            raise invalid(erreurs, "Le complément contient des erreurs.", "complement_invalide")
        labels = ", ".join(PIECES.get(p, p) for p in asked) or "pièces"
        try:
            return store.transition(
                numero,
                {"complement_demande"},
                "en_instruction",
                f"Complément reçu ({labels}).",
                "usager",
                pieces=[p.record() for p in pieces],
            )
        except Conflict as exc:
            raise _conflict(exc.statut) from None

    @app.get(
        "/api/v1/demandes/{numero}/attestation-inscription",
        response_class=Response,
        responses={
            200: {
                "content": {"application/pdf": {}},
                "description": "2 pages A4 : l'attestation (recto), son usage (verso)",
            },
            **refusals(403, 404, 409),
        },
    )
    def attestation_inscription(numero: str, session: Session = Depends(current_session)) -> Response:
        """The attestation d'inscription (équivalent Cerfa réf. 02), produced once a permis-inscription
        is in instruction, to print recto-verso; only for the session that filed it (or its account)."""
        demande = _owned(store.demande_full(numero), session, None)
        if demande["proprietaire"] is None and store.filed_by(numero) != session.token_hash:
            raise ApiError(403, "demande_d_un_autre_usager", "Cette demande a été déposée dans une autre session.")
        if demande["procedure"] != attestation.PROCEDURE:
            raise ApiError(409, "attestation_non_prevue", "Cette démarche ne donne pas d'attestation d'inscription.")
        if demande["statut"] not in attestation.AVAILABLE:
            raise _conflict(demande["statut"])
        pdf = attestation.attestation_pdf(demande, date.today())
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'inline; filename="attestation-inscription.pdf"',
                "Cache-Control": "no-store",
            },
        )

    @app.get("/api/v1/cessions/{immatriculation}", responses=refusals(404))
    def check_cession(immatriculation: str, code: str) -> dict:
        """Lets a buyer check a code de cession before filling the changement de titulaire."""
        row = store.cession(plate_key(immatriculation), code.strip().upper())
        if row is None:
            raise ApiError(404, "code_cession_invalide", "Ce code de cession ne correspond pas à ce véhicule.")
        if row["utilise_le"]:
            return {"valide": False, "raison": "code_cession_deja_utilise", "valable_jusquau": row["expire_le"]}
        if date.fromisoformat(row["expire_le"]) < date.today():
            return {"valide": False, "raison": "code_cession_expire", "valable_jusquau": row["expire_le"]}
        return {"valide": True, "raison": None, "valable_jusquau": row["expire_le"]}


def _conflict(statut: str) -> ApiError:
    return ApiError(409, "statut_incompatible", f"Cette action n'est pas possible : la demande est « {statut} ».")


def _owned(demande: dict | None, session: Session, statut: str | None) -> dict:
    """The demande, when this session may act on it and it is in ``statut`` (None: any)."""
    if demande is None:
        raise ApiError(404, "demande_inconnue", "Aucune demande ne porte ce numéro.")
    if demande["proprietaire"] and demande["proprietaire"] != session.owner:
        raise ApiError(403, "demande_d_un_autre_usager", "Cette demande appartient à un autre compte.")
    if statut is not None and demande["statut"] != statut:
        raise _conflict(demande["statut"])
    return demande


def expire_overdue(store, numero: str, today: date) -> None:
    """Permis international: the originals not received within 2 months reject the demande (SP F11534)."""
    demande = store.demande_full(numero)
    if demande and international_overdue(demande, today):
        try:
            store.transition(
                numero,
                {"en_instruction"},
                "rejetee",
                "Courrier non reçu dans les 2 mois : demande rejetée automatiquement.",
                "systeme",
            )
        except Conflict:
            pass


def international_overdue(demande: dict, today: date) -> bool:
    limit = demande["delivre"].get("envoi_avant")
    return (
        demande["procedure"] == "permis-international"
        and demande["statut"] == "en_instruction"
        and isinstance(limit, str)
        and date.fromisoformat(limit) < today
    )


def _numero(proc: Procedure, ctx: Ctx) -> tuple[str, int]:
    store = ctx.store
    for _ in range(10):
        seq = store.next_seq()
        numero = proc.numero(ctx)
        if numero is None:
            fmt = ctx.settings.numero_format_cg if proc.famille == "carte-grise" else ctx.settings.numero_format
            alea = "".join(secrets.choice(READABLE) for _ in range(8))
            numero = fmt.format(annee=ctx.now.year, seq=seq, alea=alea)
        if not store.exists("demandes", "numero", numero):
            return numero, seq
    raise ApiError(503, "numero_indisponible", "Le service ne peut pas numéroter la demande.")  # pragma: no cover


def _create(
    proc: Procedure, plan: Plan, dossier: dict, pieces: list[Piece], session: Session, ctx: Ctx, draft: str | None
) -> dict:
    deferred = plan.timbre == "differe"
    statut = "en_attente_paiement" if deferred else plan.statut
    commentaire = "En attente du paiement du timbre fiscal." if deferred else plan.commentaire
    if draft:
        numero, seq = draft, None
    else:
        numero, seq = _numero(proc, ctx)
    try:
        row = ctx.store.create_demande(
            numero=numero,
            seq=seq,
            dossier=dossier,
            pieces=[p.record() for p in pieces],
            photo_code=plan.photo,
            timbre=None if deferred else plan.timbre,
            statut=statut,
            commentaire=commentaire,
            proprietaire=session.owner,
            frais_centimes=cents(plan.fee or Decimal("0")),
            apply=lambda db: proc.apply(db, dossier, numero, plan, ctx),
            draft=bool(draft),
            session_hash=session.token_hash,
        )
    except UsedMeanwhile as exc:
        messages = {
            "photo": ("photo.code", "code_deja_utilise", "Ce code photo-signature a déjà servi."),
            "timbre": ("paiement.timbre", "timbre_deja_utilise", "Ce timbre fiscal a déjà été utilisé."),
            "cession": (
                "vehicule.immatriculation",
                "vehicule_deja_cede",
                "La cession de ce véhicule est déjà déclarée.",
            ),
            "code_cession": ("code_cession", "code_cession_deja_utilise", "Ce code de cession a déjà servi."),
        }
        raise invalid([Erreur(*messages[exc.what])]) from None
    except Conflict as exc:
        raise _conflict(exc.statut) from None
    log.info("demande created (%s) with %d piece file(s)", proc.id, len(pieces))
    return {
        "numero": row["numero"],
        "statut": row["statut"],
        "cree_le": row["cree_le"],
        "procedure": proc.id,
        "frais": float(plan.fee or 0),
        "delivre": row["delivre"],
    }


def _save_draft(dossier: dict, session: Session, ctx: Ctx) -> dict:
    proc = procedures.get(dossier.get("procedure"))
    if proc is None:
        raise invalid([Erreur("procedure", "procedure_inconnue", "Cette démarche n'est pas proposée ici.")])
    numero, seq = _numero(proc, ctx)
    row = ctx.store.create_demande(
        numero=numero,
        seq=seq,
        dossier=dossier,
        pieces=[],
        photo_code=None,
        timbre=None,
        statut="brouillon",
        commentaire="Brouillon enregistré.",
        proprietaire=session.owner,
        session_hash=session.token_hash,
    )
    return {
        "numero": row["numero"],
        "statut": row["statut"],
        "cree_le": row["cree_le"],
        "procedure": proc.id,
        "frais": 0.0,
        "delivre": {},
    }
