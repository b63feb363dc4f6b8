"""The status of pré-demandes, in the shape of ANTS's real coordination API
(``api-coordination.rendezvouspasseport.ants.gouv.fr/api``; ANTS.md §5B), under
``/coordination/api``: ``GET /status``, ``POST`` and ``DELETE /appointments``.
Every parameter is in the query string, even for POST and DELETE; the token
is the ``x-rdv-opt-auth-token`` header, and a bad one gets the real 401 body.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from .contract import RefusCoordination, refusals
from .deps import Deps
from .errors import ApiError
from .identifiers import PREDEMANDE
from .store import parse_iso, utcnow

PREFIX = "/coordination/api"
_SEPARATORS = re.compile(r"[,;:\-/.\s]+")
_DATETIME = "%Y-%m-%d %H:%M:%S"
_REFUSALS = {**refusals(401, model=RefusCoordination), **refusals(422)}


class BadToken(Exception):
    pass


def register(app: FastAPI, deps: Deps) -> None:
    store, settings = deps.store, deps.settings

    @app.exception_handler(BadToken)
    async def _bad_token(request: Request, exc: BadToken):
        return JSONResponse({"detail": "X-RDV-OPT-AUTH-TOKEN header invalid"}, status_code=401)

    def check_token(request: Request) -> None:
        given = request.headers.get("x-rdv-opt-auth-token", "")
        if not hmac.compare_digest(given.encode(), settings.rdv_opt_token.encode()):
            raise BadToken()

    def application_ids(raw: list[str]) -> list[str]:
        out = []
        for item in raw:
            out += [part for part in _SEPARATORS.split(item.strip()) if part]
        bad = [i for i in out if not PREDEMANDE.fullmatch(i)]
        if not out or bad or len(out) > 50:
            raise ApiError(
                422, "application_ids_invalides", "application_ids : 1 à 50 numéros de 10 lettres ou chiffres."
            )
        return out

    def status_of(application_id: str) -> str:
        fixed = settings.coordination_test_ids.get(application_id.upper())
        if fixed:
            return fixed
        row = store.predemande(application_id)
        if row is None:
            return "unknown"
        if row["etat"] == "validated" and parse_iso(row["expire_le"]) <= utcnow():
            return "expired"
        return row["etat"]

    @app.get(PREFIX + "/status", responses=_REFUSALS)
    def status(
        request: Request,
        application_ids_: list[str] = Query(..., alias="application_ids"),
        meeting_point_id: str | None = Query(None, max_length=100),
    ) -> dict:
        check_token(request)
        answer = {}
        for application_id in application_ids(application_ids_):
            appointments = store.rendez_vous(application_id)
            if meeting_point_id:
                appointments = [a for a in appointments if a["meeting_point_id"] == meeting_point_id]
            answer[application_id] = {"status": status_of(application_id), "appointments": appointments}
        return answer

    @app.post(PREFIX + "/appointments", responses=_REFUSALS)
    def add_appointment(
        request: Request,
        application_id: str = Query(..., max_length=10),
        meeting_point: str = Query(..., max_length=200),
        meeting_point_id: str = Query(..., max_length=100),
        appointment_date: str = Query(..., max_length=19),
        management_url: str = Query(..., max_length=500),
    ) -> dict:
        check_token(request)
        (application_id,) = application_ids([application_id])
        _check_datetime(appointment_date)
        if status_of(application_id) not in ("validated", "declared"):
            return {"success": False}
        store.add_rendez_vous(
            {
                "application_id": application_id,
                "meeting_point": meeting_point,
                "meeting_point_id": meeting_point_id,
                "appointment_date": appointment_date,
                "management_url": management_url,
            }
        )
        return {"success": True}

    @app.delete(PREFIX + "/appointments", responses=_REFUSALS)
    def delete_appointment(
        request: Request,
        application_id: str = Query(..., max_length=10),
        meeting_point: str = Query(..., max_length=200),
        meeting_point_id: str = Query(..., max_length=100),
        appointment_date: str = Query(..., max_length=19),
    ) -> dict:
        check_token(request)
        (application_id,) = application_ids([application_id])
        _check_datetime(appointment_date)
        return {"rowcount": store.delete_rendez_vous(application_id, meeting_point_id, appointment_date)}


def _check_datetime(value: str) -> None:
    try:
        datetime.strptime(value, _DATETIME)
    except ValueError:
        raise ApiError(422, "date_invalide", "appointment_date s'écrit AAAA-MM-JJ HH:MM:SS.") from None
