"""Sessions and accounts: the guest session the kiosk has always used, an ANTS
account (creation, e-mail confirmation through the outbox, login), and the
ANTS end of a FranceConnect login. Logout ends the session on the server."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from . import fc_identities, franceconnect
from .contract import Corps, refusals
from .deps import Deps, Session
from .errors import ApiError, invalid
from .rules import _EMAIL, _MOBILE, Collector, Erreur, is_name
from .store import iso, utcnow

_PASSWORD_RULE = "Le mot de passe compte au moins 8 caractères, dont une lettre et un chiffre."


class SessionOuverte(BaseModel):
    token: str
    expires_in: int
    type: str = "invite"
    identite: dict | None = None
    #: FranceConnect's id_token, signed: the kiosk checks it and reads the identity from it.
    id_token: str | None = None


class NouveauCompte(Corps):
    email: str = Field(max_length=254)
    mot_de_passe: str = Field(max_length=200)
    nom: str = Field(max_length=100)
    prenom: str = Field(max_length=100)
    sexe: str | None = Field(None, max_length=1)
    telephone: str | None = Field(None, max_length=20)
    cgu: bool = False


class Confirmation(Corps):
    email: str = Field(max_length=254)
    code: str = Field(max_length=20)


class Connexion(Corps):
    email: str = Field(max_length=254)
    mot_de_passe: str = Field(max_length=200)


class RetourFranceConnect(Corps):
    """What the kiosk was sent back with, and the PKCE verifier only it knows (RFC 7636)."""

    code: str = Field(max_length=200)
    code_verifier: str = Field(min_length=43, max_length=128)
    redirect_uri: str = Field(max_length=300)


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 50_000)
    return f"pbkdf2_sha256$50000${salt.hex()}${digest.hex()}"


def password_ok(password: str, stored: str) -> bool:
    try:
        _, rounds, salt, digest = stored.split("$")
        computed = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(rounds))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def register(app: FastAPI, deps: Deps) -> None:
    store, settings = deps.store, deps.settings
    current_session = deps.session_dependency()

    def open_session(kind: str, compte: str | None) -> str:
        token = secrets.token_urlsafe(32)
        store.add_session(token, settings.session_ttl_seconds, kind, compte)
        return token

    @app.post("/api/v1/sessions", status_code=201, response_model=SessionOuverte, response_model_exclude_none=True)
    def guest_session() -> dict:
        return {"token": open_session("invite", None), "expires_in": settings.session_ttl_seconds}

    @app.get("/api/v1/sessions/current")
    def whoami(session: Session = Depends(current_session)) -> dict:
        out: dict[str, Any] = {"type": session.type}
        if session.type == "compte":
            row = store.compte(session.compte) if session.compte else None
            out["compte"] = {"email": row["email"], "nom": row["nom"], "prenom": row["prenom"]} if row else None
        if session.type == "franceconnect":
            out["identite"] = fc_identities.claims_of((session.compte or "").removeprefix("fc:"))
        return out

    @app.delete("/api/v1/sessions/current", status_code=204)
    def close_session(session: Session = Depends(current_session)) -> Response:
        store.end_session(session.token)
        return Response(status_code=204)

    @app.post("/api/v1/comptes", status_code=201, responses=refusals(409))
    def create_account(body: NouveauCompte) -> dict:
        c = Collector()
        if not _EMAIL.fullmatch(body.email):
            c.add("email", "format_invalide", "L'adresse électronique n'est pas valide.")
        pw = body.mot_de_passe
        if len(pw) < 8 or not re.search(r"[A-Za-zÀ-ÿ]", pw) or not re.search(r"\d", pw):
            c.add("mot_de_passe", "mot_de_passe_faible", _PASSWORD_RULE)
        for name, value, label in (("nom", body.nom, "nom"), ("prenom", body.prenom, "prénom")):
            if not value.strip():
                c.add(name, "champ_requis", f"Le champ « {label} » est obligatoire.")
            elif not is_name(value):
                c.add(
                    name,
                    "caracteres_invalides",
                    f"Le {label} ne peut contenir que des lettres, des tirets, des apostrophes et des espaces.",
                )
        if body.sexe not in (None, "", "F", "M"):
            c.add("sexe", "valeur_invalide", "Le sexe doit être F ou M.")
        if body.telephone and not _MOBILE.fullmatch(re.sub(r"[ .]", "", body.telephone)):
            c.add("telephone", "format_invalide", "Le numéro de portable commence par 06 ou 07 et compte 10 chiffres.")
        if not body.cgu:
            c.add("cgu", "cgu_requises", "Il faut accepter les conditions générales d'utilisation.")
        if c.erreurs:
            raise invalid(c.erreurs, "Le compte ne peut pas être créé.", "compte_invalide")
        if store.compte_by_email(body.email):
            raise ApiError(409, "compte_existant", "Un compte existe déjà avec cette adresse électronique.")
        code = f"{secrets.randbelow(10**6):06d}"
        compte_id = uuid.uuid4().hex
        store.add_compte(
            {
                "id": compte_id,
                "email": body.email,
                "password_hash": hash_password(pw),
                "nom": body.nom.upper(),
                "prenom": body.prenom,
                "sexe": body.sexe or "",
                "telephone": body.telephone or "",
                "code_confirmation": code,
                "confirme_le": None,
                "cree_le": iso(utcnow()),
                "source": "ants",
            }
        )
        store.send_mail(
            body.email,
            "ANTS : confirmez la création de votre compte",
            f"Bonjour {body.prenom},\n\nVotre code de confirmation est : {code}\n"
            "Saisissez-le pour activer votre compte ANTS.\n",
        )
        return {"email": body.email, "statut": "a_confirmer"}

    @app.post("/api/v1/comptes/confirmation", responses=refusals(404))
    def confirm_account(body: Confirmation) -> dict:
        row = store.compte_by_email(body.email)
        if row is None:
            raise ApiError(404, "compte_inconnu", "Aucun compte n'existe avec cette adresse électronique.")
        if row["confirme_le"]:
            return {"email": row["email"], "statut": "confirme"}
        if not hmac.compare_digest(str(row["code_confirmation"]), body.code.strip()):
            raise invalid(
                [Erreur("code", "code_incorrect", "Ce code de confirmation est incorrect.")],
                "Le compte n'est pas confirmé.",
                "confirmation_invalide",
            )
        store.confirm_compte(row["id"])
        return {"email": row["email"], "statut": "confirme"}

    @app.post(
        "/api/v1/sessions/compte",
        status_code=201,
        response_model=SessionOuverte,
        response_model_exclude_none=True,
        responses=refusals(401, 403),
    )
    def login(body: Connexion) -> dict:
        row = store.compte_by_email(body.email)
        if row is None or not password_ok(body.mot_de_passe, row["password_hash"]):
            raise ApiError(401, "identifiants_invalides", "Adresse électronique ou mot de passe incorrect.")
        if not row["confirme_le"]:
            raise ApiError(
                403, "compte_non_confirme", "Ce compte n'est pas encore confirmé : saisissez le code reçu par courriel."
            )
        return {
            "token": open_session("compte", row["id"]),
            "expires_in": settings.session_ttl_seconds,
            "type": "compte",
        }

    @app.post(
        "/api/v1/sessions/franceconnect",
        status_code=201,
        response_model=SessionOuverte,
        response_model_exclude_none=True,
        responses=refusals(400, 401),
    )
    def franceconnect_session(body: RetourFranceConnect, request: Request) -> dict:
        issuer = str(request.base_url).rstrip("/") + franceconnect.PATH
        done = franceconnect.finish(deps, body.code, body.code_verifier, body.redirect_uri, issuer)
        token = open_session("franceconnect", "fc:" + done["identite"]["sub"])
        return {
            "token": token,
            "expires_in": settings.session_ttl_seconds,
            "type": "franceconnect",
            "id_token": done["id_token"],
        }
