"""The timbre shop as a browser meets it: the amount, a card form, the bank's answer.

The kiosk opens ``/boutique/timbre`` in its locked window with what sets the
amount (procedure, motif, code postal, birth date, immatriculation), a loopback
``redirect_uri`` (RFC 8252 §7.3) and its ``state``. The person types their card
on this page; a refused or expired card is told here, with the form again and
a way back to the kiosk without paying. A sale sends the browser back with the
timbre's number and amount only: the card never leaves this page's form.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from . import payments, procedures
from .contract import refusals
from .errors import MALFORMED_FORM, ApiError, is_malformed_form
from .fc_login import _page

SHOP = "/boutique/timbre"
TICKET_TTL = 900
_PURCHASE = ("procedure", "motif", "code_postal", "date_naissance", "immatriculation")
_LOOPBACK = ("127.0.0.1", "::1", "localhost")

_BACK: dict[int | str, dict] = {302: {"description": "Retour vers redirect_uri (Location)"}}
_TOLD = {"description": "La page de paiement, avec le refus", "content": {"text/html": {}}}
_SHOP_QUERY = {
    "parameters": [
        {
            "name": name,
            "in": "query",
            "required": name in ("procedure", "code_postal", "redirect_uri", "state"),
            "schema": {"type": "string"},
        }
        for name in (*_PURCHASE, "redirect_uri", "state")
    ]
}
_CARD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {k: {"type": "string"} for k in ("ticket", "carte", "expiration", "cryptogramme")},
                    "required": ["ticket", "carte", "expiration", "cryptogramme"],
                }
            }
        },
    }
}

_CARTS: dict[str, tuple[dict[str, str], float]] = {}
_LOCK = threading.Lock()


def loopback(uri: str) -> bool:
    """Only a kiosk on this machine is sent back to: an http loopback address, any port."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname in _LOOPBACK and not parts.query and not parts.fragment


def _keep(params: dict[str, str]) -> str:
    ticket = secrets.token_urlsafe(18)
    now = time.monotonic()
    with _LOCK:
        for key in [k for k, (_, deadline) in _CARTS.items() if deadline < now]:
            del _CARTS[key]
        _CARTS[ticket] = (params, now + TICKET_TTL)
    return ticket


def _cart(ticket: str, *, forget: bool = False) -> dict[str, str]:
    with _LOCK:
        entry = _CARTS.pop(ticket, None) if forget else _CARTS.get(ticket)
    if entry is None or entry[1] < time.monotonic():
        raise ApiError(400, "achat_expire", "Cet achat a expiré. Revenez à la borne et recommencez.")
    return entry[0]


def _euros(amount) -> str:
    return f"{amount:.2f}".replace(".", ",") + " €"


def _back(cart: dict[str, str], **answer: str) -> RedirectResponse:
    return RedirectResponse(cart["redirect_uri"] + "?" + urlencode({**answer, "state": cart["state"]}), 302)


def shop_page(ticket: str, title: str, amount, errors: list[str] | None = None) -> HTMLResponse:
    told = "".join(f"<p class=erreur role=alert>{html.escape(e)}</p>" for e in errors or [])
    cancel = SHOP + "/annuler?" + urlencode({"ticket": ticket})
    return _page(
        "Timbre fiscal électronique (simulation)",
        "<h1>Timbre fiscal électronique (simulation)</h1>"
        f"<p>{html.escape(title)} : <b id=montant>{_euros(amount)}</b></p><div id=erreurs>{told}</div>"
        f'<form method=post action="{SHOP}"><input type=hidden name=ticket value="{html.escape(ticket)}">'
        "<label>Numéro de carte<br><input name=carte id=carte inputmode=numeric autocomplete=off autofocus>"
        "</label><br><label>Date d'expiration (MM/AA)<br><input name=expiration id=expiration autocomplete=off>"
        "</label><br><label>Cryptogramme (3 chiffres au dos)<br><input name=cryptogramme id=cryptogramme "
        "inputmode=numeric autocomplete=off></label><br><button id=payer>Payer</button></form>"
        f'<a class=retour id=annuler href="{html.escape(cancel)}">Revenir à la borne sans payer</a>'
        "<details><summary>Cartes de test (formation)</summary><ul>"
        "<li>4970 1000 0000 0014 : acceptée</li><li>4970 1000 0000 0022 : refusée</li>"
        "<li>4970 1000 0000 0055 : expirée</li></ul>Date : 12/39, cryptogramme : 123</details>",
    )


def register(app: FastAPI, deps) -> None:
    @app.get(SHOP, response_class=HTMLResponse, responses={**_BACK, **refusals(400)}, openapi_extra=_SHOP_QUERY)
    def shop(request: Request) -> Response:
        params = {k: request.query_params.get(k, "") for k in (*_PURCHASE, "redirect_uri", "state")}
        if not loopback(params["redirect_uri"]) or not params["state"] or len(params["state"]) > 200:
            raise ApiError(400, "retour_invalide", "Adresse de retour ou state absent ou non autorisé.")
        amount, erreurs = payments.quote(deps, params)
        if erreurs:  # what the kiosk sent is wrong: it is told, the person has nothing to fix here
            return _back(params, error="invalid_request", error_description=erreurs[0].message)
        ticket = _keep(params)
        proc = procedures.get(params["procedure"])
        return shop_page(ticket, proc.titre if proc else params["procedure"], amount)

    @app.post(
        SHOP,
        response_class=HTMLResponse,
        status_code=302,
        responses={**_BACK, **refusals(400), 200: _TOLD},
        openapi_extra=_CARD_FORM,
    )
    async def pay(request: Request) -> Response:
        try:
            form = await request.form(max_files=0, max_fields=10)
        except MALFORMED_FORM as exc:
            if not is_malformed_form(exc):
                raise
            raise ApiError(400, "formulaire_illisible", "Formulaire illisible.") from None
        ticket = str(form.get("ticket", ""))
        cart = _cart(ticket)
        card = {k: str(form.get(k, "")).strip() for k in ("carte", "expiration", "cryptogramme")}
        try:
            sold = payments.sell_timbre(deps, {**cart, **card})
        except ApiError as refusal:
            amount, _ = payments.quote(deps, cart)
            proc = procedures.get(cart["procedure"])
            errors = [e.message for e in refusal.erreurs or []] or [refusal.message]
            # The form again, with the refusal told: a page the person reads, so a 200.
            return shop_page(ticket, proc.titre if proc else cart["procedure"], amount, errors)
        _cart(ticket, forget=True)
        return _back(cart, timbre=sold["numero"], montant=f"{sold['montant']:.2f}")

    @app.get(SHOP + "/annuler", status_code=302, responses={**_BACK, **refusals(400)})
    def cancel(ticket: str = "") -> Response:
        return _back(_cart(ticket, forget=True), error="access_denied", error_description="Paiement abandonné")
