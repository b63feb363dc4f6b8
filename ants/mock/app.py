"""HTTP application of the mock ANTS backend: error shapes, then the route modules.

Every refusal has the same shape, ``{"detail": {"code", "message"[, "erreurs"]}}``,
so the kiosk's client can map it without guessing; bad input is always a 4xx,
never a 500. The exceptions are the copies of real third-party APIs, which
keep their own shapes (the coordination API's 401 body, OAuth's ``error``).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from . import (
    franceconnect,
    routes_agent,
    routes_comptes,
    routes_coordination,
    routes_demandes,
    routes_formation,
    timbre_shop,
)
from .access_log import AccessLog, route_template
from .contract import publish
from .deps import Deps
from .errors import ApiError
from .faults import FaultInjector, FaultMiddleware
from .identity import CHALLENGE, MAX_CHALLENGE, PROOF, proof
from .rules import Erreur
from .settings import MockSettings
from .store import Store

log = logging.getLogger("ants.mock")

__all__ = ["ApiError", "create_app"]


def create_app(store: Store, settings: MockSettings, identity: bytes | None = None) -> FastAPI:
    app = FastAPI(
        title="ANTS (simulation)",
        version="2.0",
        description="Stand-in for the ANTS téléservices (permis, carte grise, CNI/passeport), "
        "FranceConnect and the agents' portal, for the kiosk and training.",
    )
    faults = FaultInjector()
    for panne in settings.pannes:
        faults.add(
            panne.get("statut"),
            float(panne.get("delai_s", 0)),
            int(panne.get("nombre", 0)),
            panne.get("methode"),
            panne.get("chemin", "/"),
            panne.get("mode"),
            float(panne.get("probabilite", 1.0)),
        )
    app.state.store, app.state.settings, app.state.faults = store, settings, faults
    app.add_middleware(FaultMiddleware, injector=faults)
    app.add_middleware(AccessLog)  # outermost but for Starlette's own: injected faults are logged too
    deps = Deps(store, settings, faults)

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
        return ApiError(422, "requete_invalide", "La requête est incomplète ou mal formée.", erreurs).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        codes = {404: "introuvable", 405: "methode_non_autorisee"}
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # RFC 9110: every method of the path, not only the first route's
            headers["Allow"] = ", ".join(_allowed_methods(app, request.scope))
        return ApiError(
            exc.status_code, codes.get(exc.status_code, f"http_{exc.status_code}"), str(exc.detail), headers=headers
        ).response()

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, route_template(request.scope))
        return ApiError(500, "erreur_interne", "Erreur interne du service.").response()

    @app.get("/health")
    def health(request: Request, response: Response) -> dict:
        challenge = request.headers.get(CHALLENGE, "")
        if identity and 0 < len(challenge) <= MAX_CHALLENGE:  # identity.py: the kiosk's own mock
            response.headers[PROOF] = proof(identity, challenge)
        return {"status": "ok"}

    routes_comptes.register(app, deps)
    routes_demandes.register(app, deps)
    routes_agent.register(app, deps)
    routes_formation.register(app, deps)
    routes_coordination.register(app, deps)
    franceconnect.register(app, deps)
    timbre_shop.register(app, deps)
    publish(app)
    return app


def _allowed_methods(app: FastAPI, scope) -> list[str]:
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)
