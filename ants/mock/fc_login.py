"""The pages a browser meets on the way through FranceConnect, as HTML forms.

ANTS's "S'identifier avec FranceConnect" page (``/connexion/franceconnect``) →
FranceConnect's provider choice (``/authorize``, :mod:`.franceconnect`) → the
chosen provider's login page (``/fi/{provider}``), where the person types their
identifier and password → a redirect to the kiosk's loopback address with a
code and the kiosk's ``state``. Every FranceConnect page has a way back to the
kiosk that tells it the person gave up (``error=access_denied``, RFC 6749
§4.1.2.1).

The request in flight is kept in memory under a random ticket between pages (a
real provider keeps it in its session cookie); the password is compared and
forgotten, never stored or logged (the access log has the route's template only).
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .contract import refusals
from .errors import MALFORMED_FORM, ApiError, is_malformed_form
from .fc_identities import IDENTITIES, sub_of

PATH = "/franceconnect/api/v2"
CODE_TTL = 60
TICKET_TTL = 600

_HTML: dict[str, Any] = {"content": {"text/html": {}}}
_BACK: dict[int | str, dict] = {302: {"description": "Retour vers redirect_uri (Location)"}}
_LOGIN_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "ticket": {"type": "string"},
                        "login": {"type": "string"},
                        "password": {"type": "string"},
                    },
                    "required": ["ticket", "login", "password"],
                }
            }
        },
    }
}

#: The identity providers the stand-in offers; each accepts the test identities.
PROVIDERS = {
    "impots": "impots.gouv.fr",
    "ameli": "ameli.fr",
    "laposte": "L'Identité Numérique La Poste",
}
#: Where a real provider's "forgotten password" link goes: off any kiosk's allow-list.
HELP_URL = "https://www.impots.gouv.fr/aide-connexion"

_REQUESTS: dict[str, tuple[dict[str, str], float]] = {}
_LOCK = threading.Lock()


def remember(params: dict[str, str]) -> str:
    """Keep an authorization request checked by ``/authorize``; returns its ticket."""
    ticket = secrets.token_urlsafe(18)
    now = time.monotonic()
    with _LOCK:
        for key in [k for k, (_, deadline) in _REQUESTS.items() if deadline < now]:
            del _REQUESTS[key]
        _REQUESTS[ticket] = (dict(params), now + TICKET_TTL)
    return ticket


def recall(ticket: str, *, forget: bool = False) -> dict[str, str]:
    with _LOCK:
        entry = _REQUESTS.pop(ticket, None) if forget else _REQUESTS.get(ticket)
    if entry is None or entry[1] < time.monotonic():
        raise ApiError(
            400, "demande_expiree", "Cette connexion a expiré ou a déjà servi. Revenez à la borne et recommencez."
        )
    return entry[0]


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang=fr><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font:22px/1.4 sans-serif;margin:2em auto;max-width:40em;padding:0 1em}"
        "a.bouton,button{display:inline-block;font-size:24px;padding:.6em 1.2em;margin:.4em 0;"
        "background:#000091;color:#fff;border:0;border-radius:.3em;text-decoration:none}"
        "a.retour{display:block;margin-top:1.5em;color:#000091}"
        "input{font-size:24px;padding:.3em;width:100%;box-sizing:border-box}"
        ".erreur{color:#ce0500;font-weight:bold}small{color:#555}"
        f"</style></head><body>{body}</body></html>",
        status_code=status,
    )


def _cancel_link(ticket: str) -> str:
    href = PATH + "/annuler?" + urlencode({"ticket": ticket})
    return f'<a class=retour id=annuler href="{html.escape(href)}">Annuler et revenir à la borne</a>'


def ants_page(query: str) -> HTMLResponse:
    """ANTS's own page, where the kiosk's window opens: one button, to FranceConnect."""
    href = PATH + "/authorize?" + query
    return _page(
        "Connexion — ANTS (simulation)",
        "<h1>Agence Nationale des Titres Sécurisés</h1><p>Pour continuer votre démarche, "
        "identifiez-vous avec un compte que vous avez déjà.</p>"
        f'<a class=bouton id=franceconnect href="{html.escape(href)}" autofocus>S\'identifier avec FranceConnect</a>'
        "<p><small>Simulation de formation : aucun vrai compte n'est utilisé.</small></p>",
    )


def choice_page(ticket: str) -> HTMLResponse:
    links = "".join(
        f'<li><a class=bouton id="fi-{key}" href="{PATH}/fi/{key}?{urlencode({"ticket": ticket})}"'
        f"{' autofocus' if n == 0 else ''}>{html.escape(name)}</a></li>"
        for n, (key, name) in enumerate(PROVIDERS.items())
    )
    return _page(
        "FranceConnect (simulation)",
        "<h1>FranceConnect (simulation)</h1><p>Choisissez le compte avec lequel vous identifier.</p>"
        f"<ul>{links}</ul>{_cancel_link(ticket)}",
    )


def login_page(provider: str, ticket: str, error: str = "") -> HTMLResponse:
    name = PROVIDERS[provider]
    accounts = "".join(
        f"<li>{html.escape(i['login'])} / {html.escape(i['password'])} : "
        f"{html.escape(i['family_name'])} {html.escape(i['given_name'])}</li>"
        for i in IDENTITIES
    )
    told = f"<p class=erreur id=erreur role=alert>{html.escape(error)}</p>" if error else ""
    return _page(
        f"{name} (simulation)",
        f"<h1>{html.escape(name)} (simulation)</h1>{told}"
        f'<form method=post action="{PATH}/fi/{provider}">'
        f'<input type=hidden name=ticket value="{html.escape(ticket)}">'
        "<label>Identifiant<br><input name=login id=login autocomplete=off autofocus></label><br>"
        "<label>Mot de passe<br><input name=password id=password type=password autocomplete=off></label><br>"
        "<button id=connexion>Se connecter</button></form>"
        f'<p><a id=oubli href="{HELP_URL}">Mot de passe oublié ?</a></p>'
        f"{_cancel_link(ticket)}<details><summary>Comptes de test (formation)</summary><ul>{accounts}</ul></details>",
    )


def register(app: FastAPI, deps) -> None:
    store = deps.store

    @app.get("/connexion/franceconnect", response_class=HTMLResponse)
    def ants_login_page(request: Request) -> HTMLResponse:
        return ants_page(request.url.query)

    def provider_of(provider: str) -> str:
        if provider not in PROVIDERS:
            raise ApiError(404, "fournisseur_inconnu", "Ce fournisseur d'identité n'est pas proposé.")
        return provider

    @app.get(PATH + "/fi/{provider}", response_class=HTMLResponse, responses=refusals(400, 404))
    def provider_page(provider: str, ticket: str = "") -> HTMLResponse:
        recall(ticket)
        return login_page(provider_of(provider), ticket)

    @app.post(
        PATH + "/fi/{provider}",
        response_class=HTMLResponse,
        status_code=302,
        responses={**_BACK, **refusals(400, 404), 200: {"description": "Le formulaire, avec l'erreur", **_HTML}},
        openapi_extra=_LOGIN_FORM,
    )
    async def provider_login(provider: str, request: Request) -> Response:
        provider_of(provider)
        try:
            form = await request.form(max_files=0, max_fields=10)
        except MALFORMED_FORM as exc:
            if not is_malformed_form(exc):
                raise
            raise ApiError(400, "formulaire_illisible", "Formulaire illisible.") from None
        ticket, login, password = (str(form.get(k, "")) for k in ("ticket", "login", "password"))
        params = recall(ticket)
        identity = next(
            (i for i in IDENTITIES if i["login"] == login and hmac.compare_digest(i["password"], password)), None
        )
        if identity is None:
            return login_page(provider, ticket, "Identifiant ou mot de passe incorrect. Réessayez.")
        recall(ticket, forget=True)
        code = secrets.token_urlsafe(24)
        record = {"sub": sub_of(identity), "auth_time": int(time.time()), "code_challenge": params["code_challenge"]}
        store.add_fc_code(code, json.dumps(record), params["redirect_uri"], params["nonce"], CODE_TTL)
        back = params["redirect_uri"] + "?" + urlencode({"code": code, "state": params["state"]})
        return RedirectResponse(back, status_code=302)

    @app.get(PATH + "/annuler", status_code=302, responses={**_BACK, **refusals(400)})
    def cancel(ticket: str = "") -> Response:
        params = recall(ticket, forget=True)
        back = (
            params["redirect_uri"]
            + "?"
            + urlencode({"error": "access_denied", "error_description": "Connexion annulée", "state": params["state"]})
        )
        return RedirectResponse(back, status_code=302)
