"""The AntsClient's calls that go through the browser window: a FranceConnect login
and a timbre purchase (see ``_oidc`` for what is checked, and why)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ._oidc import Authorization, LoginRefused, LoopbackRedirect, pkce_pair, verify_id_token

if TYPE_CHECKING:
    import requests

FC_PATH = "/franceconnect/api/v2"
_FC = FC_PATH
_FC_SCOPE = "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username address"


@dataclass(frozen=True)
class Timbre:
    numero: str
    montant: Decimal


class BrowserFlows:
    """Mixed into AntsClient, whose plumbing it uses."""

    base_url: str
    _token: str | None
    _id_token: str | None

    if TYPE_CHECKING:

        def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response: ...

        @staticmethod
        def _json(response: requests.Response, method: str, template: str) -> Any: ...

        def _token_of(self, response: requests.Response, template: str) -> str: ...

        def logout(self) -> None: ...

    # -- FranceConnect and the timbre shop, in the browser window (RFC 8252) -----------
    def begin_franceconnect(self, client_id: str, issuer: str = "") -> Authorization:
        """Start a FranceConnect login: a loopback listener, PKCE, state and nonce, and the
        URL of ANTS's "S'identifier avec FranceConnect" page for the window to open.
        ``issuer`` defaults to the stand-in's, under ``base_url``."""
        issuer = issuer or self.base_url + _FC
        discovery = self._json(self._request("GET", _FC + "/.well-known/openid-configuration"), "GET", "discovery")
        if not isinstance(discovery, dict) or discovery.get("issuer") != issuer:
            raise LoginRefused("discovery: another issuer")  # OpenID Connect Discovery §4.3
        jwks = self._json(self._request("GET", _FC + "/jwks"), "GET", _FC + "/jwks")
        verifier, challenge = pkce_pair()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        redirect = LoopbackRedirect("/franceconnect/callback")
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect.uri,
            "scope": _FC_SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "acr_values": "eidas1",
        }
        return Authorization(
            self.base_url + "/connexion/franceconnect?" + urlencode(query),
            redirect,
            state,
            nonce,
            verifier,
            issuer,
            client_id,
            jwks,
        )

    def finish_franceconnect(self, auth: Authorization, timeout: float | None = None) -> dict:
        """Wait for the window's redirect, exchange the code (with the PKCE verifier) for an
        ANTS session, and return the claims of the verified id_token (the identity).
        LoginCancelled, LoginRefused, or AntsRejected when ANTS refuses the code."""
        got = auth.answer(timeout)
        if not got.get("code"):
            raise LoginRefused("redirect without a code")
        template = "/api/v1/sessions/franceconnect"
        response = self._request(
            "POST",
            template,
            expected=(201,),
            session_401=False,
            json={"code": got["code"], "code_verifier": auth.verifier, "redirect_uri": auth.redirect_uri},
        )
        body = self._json(response, "POST", template)
        self._token = self._token_of(response, template)
        id_token = body.get("id_token") if isinstance(body, dict) else None
        try:
            if not isinstance(id_token, str):
                raise LoginRefused(f"POST {template}: no id_token")
            claims = verify_id_token(id_token, auth.jwks, issuer=auth.issuer, audience=auth.client_id, nonce=auth.nonce)
        except LoginRefused:
            self.logout()  # a session opened on an answer that does not hold is not kept
            raise
        self._id_token = id_token
        return claims

    @property
    def id_token_hint(self) -> str | None:
        """The id_token of a FranceConnect login, to end its session (see PendingLogouts)."""
        return self._id_token

    def begin_timbre(
        self,
        procedure: str,
        motif: str,
        code_postal: str,
        *,
        date_naissance: str | None = None,
        immatriculation: str | None = None,
    ) -> Authorization:
        """Start a purchase in the timbre shop's page: the person types their card there;
        the kiosk gets back the timbre's number (``finish_timbre``)."""
        redirect = LoopbackRedirect("/timbre/retour")
        state = secrets.token_urlsafe(24)
        query = {"procedure": procedure, "motif": motif, "code_postal": code_postal}
        query.update({k: v for k, v in (("date_naissance", date_naissance), ("immatriculation", immatriculation)) if v})
        query.update(redirect_uri=redirect.uri, state=state)
        return Authorization(self.base_url + "/boutique/timbre?" + urlencode(query), redirect, state)

    def finish_timbre(self, auth: Authorization, timeout: float | None = None) -> Timbre:
        """The timbre bought in the window; LoginCancelled when the person came back without one."""
        got = auth.answer(timeout)
        numero, montant = got.get("timbre", ""), got.get("montant", "")
        try:
            if not (numero.isdigit() and len(numero) == 16):
                raise ValueError(numero)
            return Timbre(numero=numero, montant=Decimal(montant).quantize(Decimal("0.01")))
        except (ValueError, ArithmeticError):
            raise LoginRefused("timbre shop: redirect without a valid timbre") from None
