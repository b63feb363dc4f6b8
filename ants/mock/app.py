"""HTTP routes of the mock ANTS backend.

Every refusal has the same shape, ``{"detail": {"code", "message"[, "erreurs"]}}``,
so the kiosk's client can map it without guessing; bad input is always a 4xx,
never a 500.
"""
from __future__ import annotations

import json
import logging
import secrets
import string
from datetime import date
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import payments, rules, seed
from .faults import FaultInjector
from .pieces import Piece, human_size, inspect
from .rules import Erreur
from .settings import MockSettings
from .store import Store, UsedMeanwhile, utcnow

log = logging.getLogger("ants.mock")

PIECE_LABELS = {"identite": "pièce d'identité", "domicile": "justificatif de domicile",
                "recepisse_vol": "récépissé de déclaration de vol", "avis_medical": "avis médical"}
STATUT_DEPOT = "en_instruction"
_ALEA = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
_bearer = HTTPBearer(auto_error=False, description="Jeton renvoyé par POST /api/v1/sessions")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, erreurs: list[Erreur] | None = None):
        super().__init__(code)
        self.status, self.code, self.message, self.erreurs = status, code, message, erreurs

    def response(self) -> JSONResponse:
        detail: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.erreurs is not None:
            detail["erreurs"] = [e.as_dict() for e in self.erreurs]
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse({"detail": detail}, status_code=self.status, headers=headers)


class SessionOuverte(BaseModel):
    token: str
    expires_in: int


class DemandeCreee(BaseModel):
    numero: str
    statut: str
    cree_le: str


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


class PhotoCode(BaseModel):
    code: str
    expire_le: str


class AchatTimbre(BaseModel):
    motif: str
    code_postal: str
    carte: str
    expiration: str = Field(description="MM/AA")
    cryptogramme: str


class TimbreAchete(BaseModel):
    numero: str
    montant: float


class Panne(BaseModel):
    """An injected failure for the next ``nombre`` matching requests."""
    statut: int | None = Field(503, description="HTTP status to answer, or null to only delay")
    delai_s: float = Field(0.0, ge=0, le=120)
    nombre: int = Field(1, ge=1, le=1000)
    methode: str | None = None
    chemin: str = Field("/", description="path prefix")


def create_app(store: Store, settings: MockSettings) -> FastAPI:
    app = FastAPI(title="ANTS (simulation)", version="1.0",
                  description="Stand-in for the ANTS permis téléservice, for the kiosk and training.")
    faults = FaultInjector()
    app.state.store, app.state.settings, app.state.faults = store, settings, faults
    app.middleware("http")(faults.middleware)

    # -- error shapes ----------------------------------------------------------
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        problems = exc.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return ApiError(400, "json_invalide", "Le corps de la requête n'est pas du JSON valide.").response()
        erreurs = []
        for p in problems:
            champ = ".".join(str(part) for part in p.get("loc", ())[1:]) or "corps"
            code = "champ_requis" if p.get("type") == "missing" else "type_invalide"
            message = "Ce champ est obligatoire." if code == "champ_requis" else "Ce champ est mal formé."
            erreurs.append(Erreur(champ, code, message))
        return ApiError(422, "requete_invalide", "La requête est incomplète ou mal formée.",
                        erreurs).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        codes = {404: "introuvable", 405: "methode_non_autorisee"}
        return ApiError(exc.status_code, codes.get(exc.status_code, f"http_{exc.status_code}"),
                        str(exc.detail)).response()

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return ApiError(500, "erreur_interne", "Erreur interne du service.").response()

    def session_token(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> str:
        if credentials is None or not store.session_valid(credentials.credentials):
            raise ApiError(401, "session_invalide",
                           "Votre session a expiré ou n'existe pas. Reconnectez-vous.")
        return credentials.credentials

    # -- routes ----------------------------------------------------------------
    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/api/v1/sessions", status_code=201, response_model=SessionOuverte)
    def open_session() -> dict:
        token = secrets.token_urlsafe(32)
        store.add_session(token, settings.session_ttl_seconds)
        return {"token": token, "expires_in": settings.session_ttl_seconds}

    @app.delete("/api/v1/sessions/current", status_code=204)
    def close_session(token: str = Depends(session_token)) -> Response:
        store.end_session(token)
        return Response(status_code=204)

    @app.post("/api/v1/demandes", status_code=201, response_model=DemandeCreee,
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {
                  "schema": {"type": "object", "required": ["dossier"],
                             "properties": {"dossier": {"type": "string",
                                                        "description": "the dossier as a JSON string"}},
                             "patternProperties": {"^piece:[a-z_]+$": {"type": "string",
                                                                       "format": "binary"}}}}}}})
    async def submit_demande(request: Request, token: str = Depends(session_token)) -> dict:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_request_bytes:
            raise ApiError(413, "requete_trop_volumineuse", "L'envoi dépasse la taille autorisée.")
        ctype = request.headers.get("content-type", "").lower()
        if not ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            raise ApiError(415, "type_contenu_invalide", "Le dossier doit être envoyé en multipart/form-data.")
        try:
            form = await request.form(max_files=50, max_fields=50, max_part_size=1024 * 1024)
        except Exception:
            raise ApiError(400, "multipart_invalide", "L'envoi est mal formé (multipart).") from None
        try:
            dossier = await _read_dossier(form)
            pieces, erreurs = await _read_pieces(form, settings)
        finally:
            await form.close()
        erreurs = await run_in_threadpool(_check_all, dossier, pieces, erreurs, store, settings)
        if erreurs:
            raise ApiError(422, "dossier_invalide", "Le dossier contient des erreurs.", erreurs)
        return await run_in_threadpool(_create, dossier, pieces, store, settings)

    @app.get("/api/v1/demandes/{numero}", response_model=DemandeSuivi)
    def get_demande(numero: str) -> dict:
        demande = store.demande(numero)
        if demande is None:
            raise ApiError(404, "demande_inconnue", "Aucune demande ne porte ce numéro.")
        return demande

    @app.post("/api/v1/formation/photo-codes", status_code=201, response_model=PhotoCode)
    def new_photo_code() -> dict:
        while True:
            code = seed.new_photo_code()
            if not store.exists("photo_codes", "code", code):
                break
        row = store.add_photo_code(code, utcnow(), settings.photo_code_validity_days)
        return {"code": row["code"], "expire_le": row["expire_le"]}

    @app.get("/api/v1/formation/demo")
    def demo() -> dict:
        unused = store.demo_unused()
        return {"photo_codes": unused["photo_codes"],
                "timbres": [{"numero": t["numero"], "montant": t["montant_centimes"] / 100}
                            for t in unused["timbres"]]}

    @app.post("/api/v1/timbres", status_code=201, response_model=TimbreAchete)
    def buy_timbre(achat: AchatTimbre) -> dict:
        erreurs = []
        if achat.motif not in rules.MOTIFS:
            erreurs.append(Erreur("motif", "motif_invalide", "Le motif doit être perte, vol ou détérioration."))
        if not rules.is_code_postal(achat.code_postal):
            erreurs.append(Erreur("code_postal", "format_invalide",
                                  "Le code postal compte 5 chiffres (2A ou 2B en Corse)."))
        erreurs += payments.check_card_fields(achat.carte, achat.expiration, achat.cryptogramme)
        if erreurs:
            raise ApiError(422, "requete_invalide", "Le paiement n'a pas pu être fait.", erreurs)
        refus = payments.bank_answer(achat.carte, achat.expiration, date.today(), settings.test_cards)
        if refus:
            raise ApiError(402, refus.code, refus.message, [refus])
        amount = settings.amount_for(achat.motif, achat.code_postal)
        while True:
            numero = seed.new_timbre_numero()
            if not store.exists("timbres", "numero", numero):
                break
        store.add_timbre(numero, amount, achat.motif, utcnow(), settings.timbre_validity_days)
        return {"numero": numero, "montant": float(amount)}

    @app.post("/api/v1/formation/pannes", status_code=201)
    def add_fault(panne: Panne) -> dict:
        faults.add(panne.statut, panne.delai_s, panne.nombre, panne.methode, panne.chemin)
        return {"actives": faults.pending()}

    @app.get("/api/v1/formation/pannes")
    def pending_faults() -> dict:
        return {"actives": faults.pending()}

    @app.delete("/api/v1/formation/pannes", status_code=204)
    def clear_faults() -> Response:
        faults.clear()
        return Response(status_code=204)

    return app


async def _read_dossier(form) -> dict:
    raw = form.get("dossier")
    if raw is None:
        raise ApiError(400, "dossier_manquant", "Le champ « dossier » est absent de l'envoi.")
    if isinstance(raw, UploadFile):
        raw = await raw.read()
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        dossier = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "json_invalide", "Le dossier n'est pas du JSON valide.") from None
    if not isinstance(dossier, dict):
        raise ApiError(422, "dossier_invalide", "Le dossier contient des erreurs.",
                       [Erreur("dossier", "type_invalide", "Le dossier doit être un objet JSON.")])
    return dossier


async def _read_pieces(form, settings: MockSettings) -> tuple[list[Piece], list[Erreur]]:
    pieces, erreurs = [], []
    for name, value in form.multi_items():
        if not name.startswith("piece:"):
            continue
        piece_id = name[len("piece:"):]
        champ = f"pieces.{piece_id}"
        if piece_id not in settings.page_limits:
            erreurs.append(Erreur(champ, "piece_inconnue", "Cette pièce n'est pas demandée pour cette démarche."))
            continue
        if not isinstance(value, UploadFile):
            erreurs.append(Erreur(champ, "fichier_manquant", "Cette pièce doit être envoyée comme fichier."))
            continue
        if value.size is not None and value.size > settings.max_upload_bytes:
            erreurs.append(Erreur(champ, "fichier_trop_volumineux",
                                  f"Le fichier « {value.filename or 'sans nom'} » dépasse "
                                  f"{human_size(settings.max_upload_bytes)}."))
            continue
        data = await value.read()
        pieces.append(Piece(piece_id, value.filename or "", value.content_type or "", data))
    return pieces, erreurs


def _check_all(dossier: dict, pieces: list[Piece], upload_erreurs: list[Erreur], store: Store,
               settings: MockSettings) -> list[Erreur]:
    now = utcnow()
    erreurs = rules.validate_dossier(dossier, date.today()) + upload_erreurs
    for piece in pieces:
        problem = inspect(piece, settings.max_upload_bytes)
        if problem:
            erreurs.append(problem)
    motif = dossier.get("motif") if isinstance(dossier.get("motif"), str) else None
    present = {p.piece_id for p in pieces}
    if motif in rules.MOTIFS:
        for piece_id in settings.required_pieces(motif):
            if piece_id not in present and f"pieces.{piece_id}" not in {e.champ for e in upload_erreurs}:
                erreurs.append(Erreur(f"pieces.{piece_id}", "piece_manquante",
                                      f"La pièce « {PIECE_LABELS.get(piece_id, piece_id)} » est manquante."))
    pages: dict[str, int] = {}
    for piece in pieces:
        pages[piece.piece_id] = pages.get(piece.piece_id, 0) + piece.pages
    for piece_id, count in pages.items():
        limit = settings.page_limits[piece_id]
        if count > limit:
            erreurs.append(Erreur(f"pieces.{piece_id}", "trop_de_pages",
                                  f"La pièce « {PIECE_LABELS.get(piece_id, piece_id)} » compte {count} pages ;"
                                  f" {limit} au plus."))
    fields_with_errors = {e.champ for e in erreurs}
    if "photo.code" not in fields_with_errors and isinstance(dossier.get("photo"), dict):
        problem = rules.check_photo_code(store.photo_code(dossier["photo"]["code"].upper()), now)
        if problem:
            erreurs.append(problem)
    if ("paiement.timbre" not in fields_with_errors and motif in rules.MOTIFS
            and isinstance(dossier.get("paiement"), dict) and "adresse.code_postal" not in fields_with_errors
            and isinstance(dossier.get("adresse"), dict)):
        expected = settings.amount_for(motif, dossier["adresse"]["code_postal"])
        problem = rules.check_timbre(store.timbre(dossier["paiement"]["timbre"]), expected, now)
        if problem:
            erreurs.append(problem)
    return erreurs


def _create(dossier: dict, pieces: list[Piece], store: Store, settings: MockSettings) -> dict:
    now = utcnow()
    for _ in range(10):
        seq = store.next_seq()
        alea = "".join(secrets.choice(_ALEA) for _ in range(8))
        numero = settings.numero_format.format(annee=now.year, seq=seq, alea=alea)
        if not store.exists("demandes", "numero", numero):
            break
    else:  # pragma: no cover - only a numero_format without alea or seq can collide
        raise ApiError(503, "numero_indisponible", "Le service ne peut pas numéroter la demande.")
    try:
        row = store.create_demande(
            numero=numero, seq=seq, dossier=dossier, pieces=[p.record() for p in pieces],
            photo_code=dossier["photo"]["code"].upper(), timbre=dossier["paiement"]["timbre"],
            statut=STATUT_DEPOT, commentaire="Demande transmise au service instructeur.")
    except UsedMeanwhile as exc:
        erreur = (Erreur("photo.code", "code_deja_utilise", "Ce code photo-signature a déjà servi.")
                  if exc.what == "photo" else
                  Erreur("paiement.timbre", "timbre_deja_utilise", "Ce timbre fiscal a déjà été utilisé."))
        raise ApiError(422, "dossier_invalide", "Le dossier contient des erreurs.", [erreur]) from None
    log.info("demande %s created with %d piece file(s)", numero, len(pieces))
    return {"numero": row["numero"], "statut": row["statut"], "cree_le": row["cree_le"]}
