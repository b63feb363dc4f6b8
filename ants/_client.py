"""HTTP client of the ANTS service (the mock today), used by the kiosk.

Logs carry method, path template, status and duration only: never a body, a
header or a numéro, since all of them can lead back to a person.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import requests

from ._browser_flows import FC_PATH as _FC
from ._browser_flows import BrowserFlows, Timbre
from ._errors import AntsError, AntsRejected, AntsSessionExpired, AntsUnavailable, FieldError

log = logging.getLogger("ants.client")

#: A multipart part for requests' ``files=``: (filename, bytes, content type), or no filename for a form field.
_FilePart = tuple[str, bytes, str] | tuple[None, bytes]

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
        return (
            f"PieceFile(piece_id={self.piece_id!r}, filename={self.filename!r}, "
            f"content_type={self.content_type!r}, data=<{len(self.data)} bytes>)"
        )


@dataclass(frozen=True)
class DemandeCreee:
    numero: str
    statut: str
    cree_le: datetime
    procedure: str = ""
    frais: Decimal = Decimal("0")
    #: What the procedure hands out: ``neph``, ``code_cession``, ``numero_predemande``, ``envoi_avant``…
    delivre: dict = field(default_factory=dict)


class AntsClient(BrowserFlows):
    """One user's conversation with ANTS: a session (guest, account or FranceConnect),
    demandes of any procedure, their suivi, and a logout that ends the session on the server.

    ``retries`` applies only to idempotent calls (GET, DELETE) that failed to
    connect, lost the connection mid-answer, or got 502/503/504 (a read timeout
    is not retried: the service is slow, not gone); the wait before retry *n* is
    ``backoff_factor * 2 ** (n - 1)`` seconds (pass 0 in tests).
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 10.0,
        retries: int = 2,
        verify: bool | str = True,
        backoff_factor: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff_factor = backoff_factor
        self._sleep = sleep
        self._http = requests.Session()
        self._http.verify = verify
        self._http.headers["Accept"] = "application/json"
        self._token: str | None = None
        self._id_token: str | None = None

    # -- plumbing --------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        template: str | None = None,
        auth: bool = False,
        expected: tuple[int, ...] = (200,),
        session_401: bool = True,
        headers: dict | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """``session_401=False`` for calls whose 401 is not about our session (login, other APIs)."""
        template = template or path
        headers = dict(headers or {})
        if auth:
            if self._token is None:
                raise AntsSessionExpired("no session opened")
            headers["Authorization"] = f"Bearer {self._token}"
        attempts = 1 + (self.retries if method in _IDEMPOTENT else 0)
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                response = self._http.request(
                    method, self.base_url + path, headers=headers, timeout=self.timeout, **kwargs
                )
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                # ChunkedEncodingError: the connection dropped in the middle of the answer.
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
            raise self._error_for(method, template, response, session_401)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> None:
        delay = self.backoff_factor * (2 ** (attempt - 1))
        if delay > 0:
            self._sleep(delay)

    def _error_for(
        self, method: str, template: str, response: requests.Response, session_401: bool = True
    ) -> AntsError:
        status = response.status_code
        detail = _detail(response)
        code = detail.get("code") if isinstance(detail.get("code"), str) else None
        where = f"{method} {template}: HTTP {status}" + (f" {code}" if code else "")
        if status == 401 and session_401:
            self._token = None
            return AntsSessionExpired(where, status=status, code=code)
        if status >= 500:
            return AntsUnavailable(where, status=status, code=code)
        if 400 <= status < 500:
            erreurs = [
                FieldError(str(e.get("champ", "")), str(e.get("code", "")), str(e.get("message", "")))
                for e in detail.get("erreurs") or []
                if isinstance(e, dict)
            ]
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

    @property
    def token(self) -> str | None:
        """The session's token (to hand a failed logout over: see PendingLogouts)."""
        return self._token

    def use_token(self, token: str, id_token_hint: str | None = None) -> None:
        """Act in an existing session (a deferred logout), FranceConnect's too when given."""
        self._token = token
        self._id_token = id_token_hint

    def logout(self) -> None:
        """End the FranceConnect session (end_session, when there was one) and the ANTS
        session, and forget both tokens, whatever happens. Raises AntsUnavailable when
        a server could not be told."""
        id_token, self._id_token = self._id_token, None
        unreachable: AntsUnavailable | None = None
        if id_token is not None:
            try:
                self._request("GET", _FC + "/session/end", session_401=False, params={"id_token_hint": id_token})
            except AntsUnavailable as exc:
                unreachable = exc
            except AntsRejected:
                pass  # the provider no longer knows it: over already
        if self._token is not None:
            try:
                self._request("DELETE", "/api/v1/sessions/current", auth=True, expected=(204, 200))
            except AntsSessionExpired:
                pass  # already dead on the server: that is what we wanted
            finally:
                self._token = None
        if unreachable is not None:
            raise unreachable

    def submit_demande(self, dossier: dict, pieces: list[PieceFile]) -> DemandeCreee:
        """Submit a dossier of any procedure (``dossier["procedure"]``, see ants/mock/PROCEDURES.md)."""
        response = self._request(
            "POST", "/api/v1/demandes", auth=True, expected=(201,), files=_multipart(dossier, pieces)
        )
        body = self._json(response, "POST", "/api/v1/demandes")
        return _demande_creee(body, "POST /api/v1/demandes")

    def get_demande(self, numero: str) -> dict:
        """Statut and full history of a demande (public: the numéro is the key)."""
        path = "/api/v1/demandes/" + _q(numero)
        response = self._request("GET", path, template="/api/v1/demandes/{numero}")
        return self._json(response, "GET", "/api/v1/demandes/{numero}")

    suivi = get_demande

    def list_procedures(self) -> list[dict]:
        """The catalogue: id, titre, motifs, champs, pièces (when required, pages, age), frais."""
        response = self._request("GET", "/api/v1/procedures")
        return self._json(response, "GET", "/api/v1/procedures")["procedures"]

    def save_draft(self, dossier: dict) -> DemandeCreee:
        """Store an incomplete dossier as a brouillon; ``file_draft`` turns it into a demande."""
        return self.submit_demande({**dossier, "brouillon": True}, [])

    def file_draft(self, numero: str, dossier: dict, pieces: list[PieceFile]) -> DemandeCreee:
        template = "/api/v1/demandes/{numero}/depot"
        response = self._request(
            "POST",
            f"/api/v1/demandes/{_q(numero)}/depot",
            template=template,
            auth=True,
            expected=(201,),
            files=_multipart(dossier, pieces),
        )
        return _demande_creee(self._json(response, "POST", template), "POST " + template)

    def pay_demande(self, numero: str, timbre: str) -> dict:
        """Pay a demande left "en attente de paiement" with a timbre fiscal."""
        template = "/api/v1/demandes/{numero}/paiement"
        response = self._request(
            "POST", f"/api/v1/demandes/{_q(numero)}/paiement", template=template, auth=True, json={"timbre": timbre}
        )
        return self._json(response, "POST", template)

    def answer_complement(self, numero: str, pieces: list[PieceFile], pieces_dates: dict | None = None) -> dict:
        """Send the pièces an agent asked for; the demande goes back to instruction."""
        template = "/api/v1/demandes/{numero}/complements"
        files: list[tuple[str, _FilePart]] = [
            (f"piece:{p.piece_id}", (p.filename, p.data, p.content_type)) for p in pieces
        ]
        if pieces_dates:
            files.append(("pieces_dates", (None, json.dumps(pieces_dates).encode())))
        response = self._request(
            "POST", f"/api/v1/demandes/{_q(numero)}/complements", template=template, auth=True, files=files
        )
        return self._json(response, "POST", template)

    def attestation_inscription(self, numero: str) -> bytes:
        """The PDF of the attestation d'inscription au permis (équivalent Cerfa réf. 02, 2 pages:
        recto-verso) of a permis-inscription in instruction; only the session that filed it may
        have it. 409 (``AntsRejected``) when the demande has none, or not yet."""
        template = "/api/v1/demandes/{numero}/attestation-inscription"
        response = self._request(
            "GET",
            f"/api/v1/demandes/{_q(numero)}/attestation-inscription",
            template=template,
            auth=True,
            headers={"Accept": "application/pdf"},
        )
        ctype = response.headers.get("Content-Type", "")
        if not ctype.startswith("application/pdf") or not response.content.startswith(b"%PDF-"):
            raise AntsUnavailable(f"GET {template}: HTTP {response.status_code} without a PDF")
        return response.content

    def check_code_cession(self, immatriculation: str, code: str) -> dict:
        """{"valide": bool, "raison": str | None, "valable_jusquau": date}; 404 when the code is wrong."""
        template = "/api/v1/cessions/{immatriculation}"
        response = self._request(
            "GET", f"/api/v1/cessions/{_q(immatriculation)}", template=template, params={"code": code}
        )
        return self._json(response, "GET", template)

    def predemande_status(self, application_ids: Iterable[str], token: str) -> dict:
        """Coordination API: {id: {"status": validated|declared|consumed|expired|unknown, "appointments"}}."""
        response = self._request(
            "GET",
            "/coordination/api/status",
            session_401=False,
            params=[("application_ids", i) for i in application_ids],
            headers={"x-rdv-opt-auth-token": token},
        )
        return self._json(response, "GET", "/coordination/api/status")

    def photo_images(self, code: str) -> tuple[bytes, bytes]:
        """The PNG photo and signature registered under a code photo-signature."""
        out = []
        for image in ("photo.png", "signature.png"):
            template = "/api/v1/photo-codes/{code}/" + image
            response = self._request("GET", f"/api/v1/photo-codes/{_q(code)}/{image}", template=template)
            out.append(response.content)
        return out[0], out[1]

    # -- accounts ----------------------------------------------------------------
    def create_account(
        self,
        email: str,
        mot_de_passe: str,
        nom: str,
        prenom: str,
        *,
        sexe: str | None = None,
        telephone: str | None = None,
        cgu: bool = True,
    ) -> dict:
        response = self._request(
            "POST",
            "/api/v1/comptes",
            expected=(201,),
            json={
                "email": email,
                "mot_de_passe": mot_de_passe,
                "nom": nom,
                "prenom": prenom,
                "sexe": sexe,
                "telephone": telephone,
                "cgu": cgu,
            },
        )
        return self._json(response, "POST", "/api/v1/comptes")

    def confirm_account(self, email: str, code: str) -> dict:
        response = self._request("POST", "/api/v1/comptes/confirmation", json={"email": email, "code": code})
        return self._json(response, "POST", "/api/v1/comptes/confirmation")

    def login(self, email: str, mot_de_passe: str) -> None:
        """Open an account session; wrong credentials are ``AntsRejected`` (code identifiants_invalides)."""
        response = self._request(
            "POST",
            "/api/v1/sessions/compte",
            expected=(201,),
            session_401=False,
            json={"email": email, "mot_de_passe": mot_de_passe},
        )
        self._token = self._token_of(response, "/api/v1/sessions/compte")

    def session_info(self) -> dict:
        response = self._request("GET", "/api/v1/sessions/current", auth=True)
        return self._json(response, "GET", "/api/v1/sessions/current")

    def _token_of(self, response: requests.Response, template: str) -> str:
        body = self._json(response, "POST", template)
        token = body.get("token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise AntsUnavailable(f"POST {template}: no token in answer")
        return token

    def outbox(self, destinataire: str) -> list[dict]:
        """Training: the mails the mock "sent" to this address (account confirmation codes…)."""
        response = self._request("GET", "/api/v1/formation/mails", params={"destinataire": destinataire})
        return self._json(response, "GET", "/api/v1/formation/mails")["mails"]

    def new_photo_code(self) -> str:
        response = self._request("POST", "/api/v1/formation/photo-codes", expected=(201,))
        return self._json(response, "POST", "/api/v1/formation/photo-codes")["code"]

    def demo_codes(self) -> dict:
        response = self._request("GET", "/api/v1/formation/demo")
        return self._json(response, "GET", "/api/v1/formation/demo")

    def buy_timbre(
        self,
        motif: str,
        code_postal: str,
        carte: str,
        expiration: str,
        cryptogramme: str,
        *,
        procedure: str = "permis-perte",
        date_naissance: str | None = None,
        immatriculation: str | None = None,
    ) -> Timbre:
        """Training and test tools only: buy a timbre with one of the mock's test cards (the amount
        follows the procedure, motif, place, age, vehicle). A user's card is typed in the timbre
        shop's page (``begin_timbre``), never here."""
        response = self._request(
            "POST",
            "/api/v1/timbres",
            expected=(201,),
            json={
                "motif": motif,
                "code_postal": code_postal,
                "carte": carte,
                "expiration": expiration,
                "cryptogramme": cryptogramme,
                "procedure": procedure,
                "date_naissance": date_naissance,
                "immatriculation": immatriculation,
            },
        )
        body = self._json(response, "POST", "/api/v1/timbres")
        return Timbre(numero=body["numero"], montant=Decimal(str(body["montant"])).quantize(Decimal("0.01")))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AntsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _q(value: str) -> str:
    return requests.utils.quote(value, safe="")


def _multipart(dossier: dict, pieces: list[PieceFile]) -> list[tuple[str, _FilePart]]:
    # The dossier goes as a filename-less part so the body is multipart even without pièces.
    files: list[tuple[str, _FilePart]] = [("dossier", (None, json.dumps(dossier, ensure_ascii=False).encode("utf-8")))]
    files += [(f"piece:{p.piece_id}", (p.filename, p.data, p.content_type)) for p in pieces]
    return files


def _demande_creee(body: Any, where: str) -> DemandeCreee:
    try:
        return DemandeCreee(
            numero=body["numero"],
            statut=body["statut"],
            cree_le=datetime.fromisoformat(body["cree_le"]),
            procedure=str(body.get("procedure", "")),
            frais=Decimal(str(body.get("frais", 0))).quantize(Decimal("0.01")),
            delivre=dict(body.get("delivre") or {}),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise AntsUnavailable(f"{where}: unexpected answer") from None


def _detail(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, dict) else {}
