"""The kiosk's half of an OAuth 2.0 login for native apps (RFC 8252), and of the
timbre shop's return.

The kiosk never sees the person's password or card: it opens the provider's
pages in a locked browser window and waits, on a loopback address it chose
(RFC 8252 §7.3: ``http://127.0.0.1:<port>/<path>``, the port picked by the
system), for the browser to be sent back. What it checks before it believes
the answer:

- ``state``: the redirect is the answer to the request this kiosk made, not a
  page that sent the browser to the loopback address on its own (RFC 6749 §10.12);
- PKCE (RFC 7636, S256): the code is useless to anyone who has not the
  verifier that stays in this process;
- the id_token: signed with a key of the provider's published JWKS (never an
  algorithm the token's header chooses), for this client (``aud``), by this
  issuer (``iss``), not expired, and carrying the ``nonce`` of this request.

The listener answers one redirect, logs nothing (the query holds the code) and
is closed as soon as the answer is in or the attempt is abandoned.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

from ._errors import AntsError

#: The signatures FranceConnect v2 uses; anything else (``none``, HS256) is refused.
ALGORITHMS = ["ES256", "RS256"]

_DONE_PAGE = (
    "<!doctype html><html lang=fr><meta charset=utf-8><title>Retour à la borne</title>"
    "<body style='font:24px sans-serif;margin:3em'><p>C'est fait. La borne reprend la main.</p></body></html>"
).encode()


class LoginCancelled(AntsError):
    """The person went back to the kiosk (Annuler, the provider's own "revenir"), or
    the window closed or went idle, before the provider sent an answer."""

    key = "ants.login_cancelled"
    template = "Vous êtes revenu à la borne sans terminer. Rien n'est perdu : vous pouvez réessayer."


class LoginRefused(AntsError):
    """The answer that came back does not hold: wrong state, a token that fails its
    checks, a provider error. The detail (for logs) says which check, never a value."""

    key = "ants.login_refused"
    template = "La connexion n'a pas pu être vérifiée. Réessayez ou appelez le médiateur."


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge): 64 random bytes in base64url make an 86-character verifier."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class LoopbackRedirect:
    """An HTTP listener on 127.0.0.1, on a port the system picks, for one redirect to ``path``."""

    def __init__(self, path: str):
        self.path = path
        self._answer: dict[str, str] | None = None
        self._done = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                parts = urlsplit(self.path)
                if parts.path != owner.path or owner._done.is_set():
                    self.send_error(404)
                    return
                owner._answer = {k: v[0] for k, v in parse_qs(parts.query).items()}
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(_DONE_PAGE)))
                self.end_headers()
                self.wfile.write(_DONE_PAGE)
                owner._done.set()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # the request line holds the code: never logged

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.uri = f"http://127.0.0.1:{self._server.server_address[1]}{path}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="loopback-redirect", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None) -> dict[str, str] | None:
        """The redirect's query, or None when abandoned or timed out. Closes the listener."""
        self._done.wait(timeout)
        self.close()
        return self._answer

    def abandon(self) -> None:
        """Stop waiting (the window closed, Annuler, the session ends): ``wait`` returns None."""
        self._done.set()

    def close(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()


@dataclass
class Authorization:
    """One login or purchase in progress: where the window goes, and what comes back."""

    url: str
    redirect: LoopbackRedirect
    state: str
    nonce: str = ""
    verifier: str = field(default="", repr=False)
    #: What the provider must be for the id_token to be believed (empty for the timbre shop).
    issuer: str = ""
    client_id: str = ""
    jwks: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def redirect_uri(self) -> str:
        return self.redirect.uri

    def cancel(self) -> None:
        self.redirect.abandon()

    def answer(self, timeout: float | None) -> dict[str, str]:
        """The redirect's parameters once ``state`` matches; LoginCancelled or LoginRefused."""
        got = self.redirect.wait(timeout)
        if got is None:
            raise LoginCancelled("no redirect: abandoned or timed out")
        if not hmac.compare_digest(got.get("state", "").encode(), self.state.encode()):
            raise LoginRefused("redirect with another state")
        if got.get("error") == "access_denied":
            raise LoginCancelled("the person went back from the provider's page")
        if got.get("error"):
            raise LoginRefused(f"provider error {got['error'][:40]!r}")
        return got


def verify_id_token(token: str, jwks: dict[str, Any], *, issuer: str, audience: str, nonce: str) -> dict[str, Any]:
    """The claims of an id_token that passes every check; LoginRefused naming the check otherwise."""
    try:
        kid = jwt.get_unverified_header(token).get("kid", "")
        key = jwt.PyJWKSet.from_dict(jwks)[kid]
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=issuer,
            leeway=30,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except KeyError:
        raise LoginRefused("id_token: signed with a key the provider does not publish") from None
    except (jwt.InvalidTokenError, jwt.PyJWKError) as exc:
        raise LoginRefused(f"id_token: {type(exc).__name__}") from None
    if not hmac.compare_digest(str(claims.get("nonce", "")).encode(), nonce.encode()):
        raise LoginRefused("id_token: another nonce")
    return claims
