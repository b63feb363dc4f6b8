"""HTTP client of the ANTS service (the mock today), used by the kiosk.

Logs carry method, path template, status and duration only: never a body, a
header or a numéro, since all of them can lead back to a person.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

import requests

from ._errors import AntsError, AntsRejected, AntsSessionExpired, AntsUnavailable, FieldError

log = logging.getLogger("ants.client")

_RETRY_STATUSES = frozenset({502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "DELETE", "HEAD"})


@dataclass(frozen=True)
class PieceFile:
    """One file of a pièce justificative, as it will be uploaded."""
    piece_id: str
    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:  # keep scanned bytes out of logs and tracebacks
        return (f"PieceFile(piece_id={self.piece_id!r}, filename={self.filename!r}, "
                f"content_type={self.content_type!r}, data=<{len(self.data)} bytes>)")


@dataclass(frozen=True)
class DemandeCreee:
    numero: str
    statut: str
    cree_le: datetime


@dataclass(frozen=True)
class Timbre:
    numero: str
    montant: Decimal


class AntsClient:
    """One user's conversation with ANTS: a guest session, a demande, a logout.

    ``retries`` applies only to idempotent calls (GET, DELETE) that failed to
    connect or got 502/503/504; the wait before retry *n* is
    ``backoff_factor * 2 ** (n - 1)`` seconds (pass 0 in tests).
    """

    def __init__(self, base_url: str, timeout: float = 10.0, retries: int = 2, verify: bool | str = True,
                 backoff_factor: float = 0.5, sleep: Callable[[float], None] = time.sleep):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff_factor = backoff_factor
        self._sleep = sleep
        self._http = requests.Session()
        self._http.verify = verify
        self._http.headers["Accept"] = "application/json"
        self._token: str | None = None

    # -- plumbing --------------------------------------------------------------
    def _request(self, method: str, path: str, *, template: str | None = None, auth: bool = False,
                 expected: tuple[int, ...] = (200,), **kwargs: Any) -> requests.Response:
        template = template or path
        headers = {}
        if auth:
            if self._token is None:
                raise AntsSessionExpired("no session opened")
            headers["Authorization"] = f"Bearer {self._token}"
        attempts = 1 + (self.retries if method in _IDEMPOTENT else 0)
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                response = self._http.request(method, self.base_url + path, headers=headers,
                                              timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                elapsed = time.monotonic() - started
                log.warning("%s %s failed after %.3fs: %s", method, template, elapsed, type(exc).__name__)
                if attempt < attempts and not isinstance(exc, requests.ReadTimeout):
                    self._backoff(attempt)
                    continue
                raise AntsUnavailable(f"{method} {template}: {type(exc).__name__}") from None
            except requests.RequestException as exc:
                raise AntsUnavailable(f"{method} {template}: {type(exc).__name__}") from None
            elapsed = time.monotonic() - started
            log.info("%s %s -> %d in %.3fs", method, template, response.status_code, elapsed)
            if response.status_code in _RETRY_STATUSES and attempt < attempts:
                self._backoff(attempt)
                continue
            if response.status_code in expected:
                return response
            raise self._error_for(method, template, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> None:
        delay = self.backoff_factor * (2 ** (attempt - 1))
        if delay > 0:
            self._sleep(delay)

    def _error_for(self, method: str, template: str, response: requests.Response) -> AntsError:
        status = response.status_code
        detail = _detail(response)
        code = detail.get("code") if isinstance(detail.get("code"), str) else None
        where = f"{method} {template}: HTTP {status}" + (f" {code}" if code else "")
        if status == 401:
            self._token = None
            return AntsSessionExpired(where, status=status, code=code)
        if status >= 500:
            return AntsUnavailable(where, status=status, code=code)
        if 400 <= status < 500:
            erreurs = [FieldError(str(e.get("champ", "")), str(e.get("code", "")), str(e.get("message", "")))
                       for e in detail.get("erreurs") or [] if isinstance(e, dict)]
            message = detail.get("message") if isinstance(detail.get("message"), str) else None
            if status == 422 and erreurs:
                message = None  # the list says what to fix; the header sentence stays generic
            return AntsRejected(where, message, status=status, code=code, erreurs=erreurs)
        return AntsError(where, status=status, code=code)

    @staticmethod
    def _json(response: requests.Response, method: str, template: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise AntsUnavailable(f"{method} {template}: HTTP {response.status_code} without JSON") from None

    # -- API ---------------------------------------------------------------------
    @property
    def has_session(self) -> bool:
        return self._token is not None

    def health(self) -> bool:
        """True when the service answers its health check; never raises, logs nothing
        (it is polled while the service starts)."""
        try:
            response = self._http.get(self.base_url + "/health", timeout=min(self.timeout, 2.0))
            return response.ok and response.json().get("status") == "ok"
        except (requests.RequestException, ValueError, AttributeError):
            return False

    def open_session(self) -> None:
        response = self._request("POST", "/api/v1/sessions", expected=(201,))
        body = self._json(response, "POST", "/api/v1/sessions")
        token = body.get("token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise AntsUnavailable("POST /api/v1/sessions: no token in answer")
        self._token = token

    def logout(self) -> None:
        """End the session on the server and forget the token, whatever happens."""
        if self._token is None:
            return
        try:
            self._request("DELETE", "/api/v1/sessions/current", auth=True, expected=(204, 200))
        except AntsSessionExpired:
            pass  # already dead on the server: that is what we wanted
        finally:
            self._token = None

    def submit_demande(self, dossier: dict, pieces: list[PieceFile]) -> DemandeCreee:
        # The dossier goes as a filename-less part so the body is multipart even without pièces.
        files = [("dossier", (None, json.dumps(dossier, ensure_ascii=False).encode("utf-8")))]
        files += [(f"piece:{p.piece_id}", (p.filename, p.data, p.content_type)) for p in pieces]
        response = self._request("POST", "/api/v1/demandes", auth=True, expected=(201,), files=files)
        body = self._json(response, "POST", "/api/v1/demandes")
        try:
            return DemandeCreee(numero=body["numero"], statut=body["statut"],
                                cree_le=datetime.fromisoformat(body["cree_le"]))
        except (KeyError, TypeError, ValueError):
            raise AntsUnavailable("POST /api/v1/demandes: unexpected answer") from None

    def get_demande(self, numero: str) -> dict:
        path = "/api/v1/demandes/" + requests.utils.quote(numero, safe="")
        response = self._request("GET", path, template="/api/v1/demandes/{numero}")
        return self._json(response, "GET", "/api/v1/demandes/{numero}")

    def new_photo_code(self) -> str:
        response = self._request("POST", "/api/v1/formation/photo-codes", expected=(201,))
        return self._json(response, "POST", "/api/v1/formation/photo-codes")["code"]

    def demo_codes(self) -> dict:
        response = self._request("GET", "/api/v1/formation/demo")
        return self._json(response, "GET", "/api/v1/formation/demo")

    def buy_timbre(self, motif: str, code_postal: str, carte: str, expiration: str, cryptogramme: str) -> Timbre:
        response = self._request("POST", "/api/v1/timbres", expected=(201,), json={
            "motif": motif, "code_postal": code_postal, "carte": carte,
            "expiration": expiration, "cryptogramme": cryptogramme})
        body = self._json(response, "POST", "/api/v1/timbres")
        return Timbre(numero=body["numero"], montant=Decimal(str(body["montant"])).quantize(Decimal("0.01")))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "AntsClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _detail(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, dict) else {}
