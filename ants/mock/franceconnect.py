"""A FranceConnect stand-in (OpenID Connect, authorization-code flow with PKCE; ANTS.md §5).

Endpoints under ``/franceconnect/api/v2``: ``/.well-known/openid-configuration``,
``/authorize`` (the provider choice page; the providers' login pages are in
:mod:`.fc_login`), ``/token``, ``/userinfo``, ``/session/end``, ``/jwks``.

The kiosk is a native app (RFC 8252): it opens the chain in a browser window,
sends a PKCE challenge (RFC 7636, S256 only) with its ``state`` and ``nonce``,
and is sent back to a loopback address on a port of its choosing: a registered
loopback redirect matches whatever its port (RFC 8252 §7.3). The code comes
back to ANTS with the verifier (``finish``), ANTS exchanges it with its client
secret, and the kiosk gets the id_token, which carries the identity's claims.

The id_token is a JWT signed **ES256**, as FranceConnect v2 signs them, by
PyJWT with a key pair the mock makes in memory when it starts (see
:class:`SigningKey`); ``/jwks`` publishes its public half under a ``kid`` that
every token's header names, and the tokens the mock is handed back (the ANTS
side's check, ``/session/end``'s ``id_token_hint``) are verified against that
same published set.

The test identities copy the spirit of france-connect/identity-provider-example
(``testfc1``/``123``; the ANTS set ``Min0x``/``azerty``): accents, hyphens,
apostrophes, very long addresses, a gender outside male/female, a minor, a
person born abroad.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from . import fc_login
from .contract import RefusOAuth, refusals
from .errors import MALFORMED_FORM, ApiError, is_malformed_form
from .fc_identities import claims_of

PATH = "/franceconnect/api/v2"
SCOPES = [
    "openid",
    "given_name",
    "family_name",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "email",
    "preferred_username",
    "address",
]

# The endpoints read their parameters themselves, as an OpenID provider does (any extra parameter is
# passed through the login form): their OpenAPI document names them here.
_AUTHORIZE_FIELDS = {
    "response_type": {"type": "string", "enum": ["code"]},
    "client_id": {"type": "string"},
    "redirect_uri": {"type": "string"},
    "scope": {"type": "string", "description": "space-separated, with openid"},
    "state": {"type": "string", "minLength": 1, "maxLength": 200},
    "nonce": {"type": "string", "minLength": 1, "maxLength": 200},
    "acr_values": {"type": "string"},
    "code_challenge": {"type": "string", "minLength": 43, "maxLength": 128},
    "code_challenge_method": {"type": "string", "enum": ["S256"]},
}
_AUTHORIZE_REQUIRED = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
]
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _query(fields: dict, required: list[str]) -> dict:
    return {
        "parameters": [
            {"name": name, "in": "query", "required": name in required, "schema": schema}
            for name, schema in fields.items()
        ]
    }


def _form(fields: dict, required: list[str]) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": fields, "required": required}
                }
            },
        }
    }


_OAUTH_400 = refusals(400, model=RefusOAuth)
_OAUTH_401 = refusals(401, model=RefusOAuth)
_REDIRECT: dict[int | str, dict[str, Any]] = {302: {"description": "Redirection vers redirect_uri (Location)"}}


# -- the id_token's signature --------------------------------------------------------

ALG = "ES256"


class SigningKey:
    """The provider's key pair on the P-256 curve, made in memory when the mock
    starts and never written anywhere: a restart is a key rotation, after which
    the tokens signed before are refused, as a real provider's would be once
    its old key leaves the JWKS."""

    def __init__(self) -> None:
        self._private = ec.generate_private_key(ec.SECP256R1())
        self.kid = secrets.token_urlsafe(12)
        public = jwt.algorithms.ECAlgorithm.to_jwk(self._private.public_key(), as_dict=True)
        #: What ``/jwks`` answers: the public key, and nothing of the private one.
        self.jwks = {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": ALG}]}
        self._published = jwt.PyJWKSet.from_dict(self.jwks)

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self._private, algorithm=ALG, headers={"kid": self.kid})

    def verify(self, token: str, audience: str, *, expired_ok: bool = False) -> dict:
        """The claims of a token signed with a published key for ``audience``, not
        expired (unless ``expired_ok``); ValueError if anything is off."""
        try:
            key = self._published[jwt.get_unverified_header(token).get("kid", "")]
            return jwt.decode(
                token,
                key,
                algorithms=[ALG],
                audience=audience,
                options={"require": ["exp", "iat", "sub", "aud"], "verify_exp": not expired_ok},
            )
        except (jwt.InvalidTokenError, jwt.PyJWKError, KeyError) as exc:
            raise ValueError(f"invalid token: {exc}") from None


KEY = SigningKey()


def at_hash(access_token: str) -> str:
    """OpenID Connect Core §3.1.3.6: the left half of the access token's SHA-256
    (ES256's hash), base64url without padding."""
    digest = hashlib.sha256(access_token.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# -- the ANTS (service provider) side --------------------------------------------------


def finish(deps, code: str, code_verifier: str, redirect_uri: str, issuer: str) -> dict:
    """ANTS's end of the kiosk's login: the code it was sent back with and its PKCE
    verifier, exchanged with ANTS's client secret. Returns the tokens (the kiosk
    checks the id_token itself) and the identity's claims."""
    settings = deps.settings
    tokens = _exchange(
        deps,
        code,
        redirect_uri,
        settings.franceconnect_client_id,
        settings.franceconnect_client_secret,
        issuer,
        code_verifier,
    )
    claims = KEY.verify(tokens["id_token"], settings.franceconnect_client_id)
    identity = claims_of(claims["sub"])
    if identity is None:  # pragma: no cover - the sub is one of ours, signed a few lines above
        raise ApiError(502, "franceconnect_invalide", "La réponse de FranceConnect est invalide.")
    return {"id_token": tokens["id_token"], "sid": claims.get("sid", ""), "identite": identity}


# -- the provider --------------------------------------------------------------------------


class OAuthError(ApiError):
    def __init__(self, status: int, error: str, description: str):
        super().__init__(status, error, description, extra={"error": error, "error_description": description})


def redirect_allowed(candidate: str, registered: list[str]) -> bool:
    """Exact match, or, for a registered loopback address, the same scheme, host kind
    and path on any port (RFC 8252 §7.3: the native app picks its port when it starts)."""
    if candidate in registered:
        return True
    try:
        got = urlsplit(candidate)
        got.port  # noqa: B018  (a bad port raises here)
    except ValueError:
        return False
    if got.scheme != "http" or got.hostname not in _LOOPBACK or got.query or got.fragment:
        return False
    for uri in registered:
        known = urlsplit(uri)
        if known.scheme == "http" and known.hostname in _LOOPBACK and known.path == got.path:
            return True
    return False


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 §4.2, S256: base64url(SHA-256(verifier)) without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _exchange(
    deps, code: str, redirect_uri: str, client_id: str, client_secret: str, issuer: str, code_verifier: str
) -> dict:
    settings = deps.settings
    if client_id != settings.franceconnect_client_id or not hmac.compare_digest(
        client_secret.encode(), settings.franceconnect_client_secret.encode()
    ):
        raise OAuthError(401, "invalid_client", "Client inconnu ou secret incorrect.")
    row = deps.store.take_fc_code(code)  # consumed even when what follows refuses: a code is tried once
    if row is None or row["redirect_uri"] != redirect_uri:
        raise OAuthError(400, "invalid_grant", "Code d'autorisation inconnu, expiré ou déjà utilisé.")
    identity = json.loads(row["identite"])
    challenge = str(identity.get("code_challenge", ""))
    if not challenge or not hmac.compare_digest(pkce_challenge(code_verifier).encode(), challenge.encode()):
        raise OAuthError(400, "invalid_grant", "Le code_verifier ne correspond pas au code_challenge.")
    access_token = secrets.token_urlsafe(32)
    ttl = settings.franceconnect_token_ttl_seconds
    session_fc = secrets.token_urlsafe(12)
    deps.store.add_fc_token(access_token, identity["sub"], ttl, session_fc)
    now = int(time.time())
    claims = claims_of(identity["sub"]) or {}
    id_token = KEY.sign(
        {
            # The identity's claims ride in the id_token (OpenID Connect Core §5.5, claims
            # requested for the id_token): the kiosk fills the état civil from a signed token.
            **claims,
            "iss": issuer,
            "sub": identity["sub"],
            "aud": client_id,
            "exp": now + ttl,
            "iat": now,
            "auth_time": identity["auth_time"],
            "nonce": row["nonce"],
            "acr": "eidas1",
            "at_hash": at_hash(access_token),
            "sid": session_fc,
        }
    )
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ttl,
        "id_token": id_token,
        "scope": " ".join(SCOPES),
    }


def register(app: FastAPI, deps) -> None:
    settings, store = deps.settings, deps.store

    def issuer(request: Request) -> str:
        return str(request.base_url).rstrip("/") + PATH

    def check_authorize(params) -> None:
        if params.get("response_type") != "code":
            raise OAuthError(400, "unsupported_response_type", "Seul response_type=code est accepté.")
        if params.get("client_id") != settings.franceconnect_client_id:
            raise OAuthError(400, "invalid_client", "client_id inconnu.")
        if not redirect_allowed(str(params.get("redirect_uri", "")), settings.franceconnect_redirect_uris):
            raise OAuthError(400, "invalid_request", "redirect_uri non enregistrée pour ce client.")
        if "openid" not in str(params.get("scope", "")).split():
            raise OAuthError(400, "invalid_scope", "Le scope doit contenir openid.")
        for name in ("state", "nonce"):
            if not params.get(name) or len(str(params.get(name))) > 200:
                raise OAuthError(400, "invalid_request", f"Le paramètre {name} est obligatoire.")
        if params.get("code_challenge_method") != "S256" or not 43 <= len(str(params.get("code_challenge", ""))) <= 128:
            raise OAuthError(400, "invalid_request", "PKCE obligatoire : code_challenge et code_challenge_method=S256.")

    @app.get(PATH + "/.well-known/openid-configuration")
    def discovery(request: Request) -> dict:
        base = issuer(request)
        return {
            "issuer": base,
            "authorization_endpoint": base + "/authorize",
            "token_endpoint": base + "/token",
            "userinfo_endpoint": base + "/userinfo",
            "end_session_endpoint": base + "/session/end",
            "jwks_uri": base + "/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": [ALG],
            "scopes_supported": SCOPES,
            "acr_values_supported": ["eidas1"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "given_name",
                "family_name",
                "birthdate",
                "gender",
                "birthplace",
                "birthcountry",
                "email",
                "preferred_username",
                "address",
            ],
        }

    @app.get(PATH + "/jwks")
    def jwks() -> dict:
        return KEY.jwks

    @app.get(
        PATH + "/authorize",
        response_class=HTMLResponse,
        responses=_OAUTH_400,
        openapi_extra=_query(_AUTHORIZE_FIELDS, _AUTHORIZE_REQUIRED),
    )
    def authorize_page(request: Request) -> HTMLResponse:
        """FranceConnect's first page: which provider the person logs in with."""
        params = dict(request.query_params)
        check_authorize(params)
        return fc_login.choice_page(fc_login.remember(params))

    fc_login.register(app, deps)

    @app.post(
        PATH + "/token",
        responses={**_OAUTH_400, **_OAUTH_401},
        openapi_extra=_form(
            {
                "grant_type": {"type": "string", "enum": ["authorization_code"]},
                "code": {"type": "string"},
                "redirect_uri": {"type": "string"},
                "client_id": {"type": "string"},
                "client_secret": {"type": "string"},
                "code_verifier": {"type": "string", "minLength": 43, "maxLength": 128},
            },
            ["grant_type", "code", "redirect_uri", "code_verifier"],
        ),
    )
    async def token(request: Request) -> dict:
        params = await _form_params(request)
        if params.get("grant_type") != "authorization_code":
            raise OAuthError(400, "unsupported_grant_type", "Seul grant_type=authorization_code est accepté.")
        client_id, secret = params.get("client_id", ""), params.get("client_secret", "")
        basic = request.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            try:
                client_id, secret = base64.b64decode(basic[6:]).decode().split(":", 1)
            except (ValueError, UnicodeDecodeError):
                raise OAuthError(401, "invalid_client", "En-tête Basic illisible.") from None
        for name in ("code", "redirect_uri", "code_verifier"):
            if not params.get(name):
                raise OAuthError(400, "invalid_request", f"Le paramètre {name} est obligatoire.")
        return _exchange(
            deps, params["code"], params["redirect_uri"], client_id, secret, issuer(request), params["code_verifier"]
        )

    @app.get(PATH + "/userinfo", responses=_OAUTH_401)
    def userinfo(request: Request) -> JSONResponse:
        auth = request.headers.get("authorization", "")
        row = store.fc_token(auth[7:]) if auth.lower().startswith("bearer ") else None
        if row is None:
            raise OAuthError(401, "invalid_token", "Jeton d'accès absent, expiré ou révoqué.")
        return JSONResponse(claims_of(row["identite"]))

    @app.get(
        PATH + "/session/end",
        responses={**_REDIRECT, **_OAUTH_400},
        openapi_extra=_query(
            {
                "id_token_hint": {"type": "string"},
                "post_logout_redirect_uri": {"type": "string"},
                "state": {"type": "string"},
            },
            ["id_token_hint"],
        ),
    )
    def end_session(request: Request):
        params = dict(request.query_params)
        try:
            # RP-Initiated Logout 1.0 §2: a hint past its exp still names the session to end.
            claims = KEY.verify(params.get("id_token_hint", ""), settings.franceconnect_client_id, expired_ok=True)
        except ValueError:
            raise OAuthError(400, "invalid_request", "id_token_hint absent ou invalide.") from None
        store.end_fc_session(str(claims.get("sid", "")))
        target = params.get("post_logout_redirect_uri")
        if target:
            if not redirect_allowed(target, settings.franceconnect_redirect_uris):
                raise OAuthError(400, "invalid_request", "post_logout_redirect_uri non enregistrée.")
            return RedirectResponse(target + "?" + urlencode({"state": params.get("state", "")}), status_code=302)
        return JSONResponse({"deconnecte": True})


async def _form_params(request: Request) -> dict[str, str]:
    ctype = request.headers.get("content-type", "").lower()
    if not ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise OAuthError(400, "invalid_request", "Le corps doit être application/x-www-form-urlencoded.")
    try:
        form = await request.form(max_files=0, max_fields=30)
    except MALFORMED_FORM as exc:
        if not is_malformed_form(exc):
            raise
        raise OAuthError(400, "invalid_request", "Formulaire illisible.") from None
    return {k: v for k, v in form.items() if isinstance(v, str)}
