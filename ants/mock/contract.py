"""The mock's refusals as its OpenAPI document publishes them.

FastAPI documents its own validation body (``HTTPValidationError``) for every
operation with parameters, a body the mock never sends: the mock answers
every refusal with ``{"detail": {"code", "message"[, "erreurs"]}}`` (see
``app.py``). A client generated from the document, or a fuzzer checking
answers against it, would then be told a lie. Here the real bodies are
pydantic models; each route declares the refusals its own rules give
(``responses=refusals(404, 409)``), and :func:`publish` adds those that follow
from an operation's shape alone (422 for any parameter or body, 400 for a JSON
body that does not parse, 401 for a bearer token) in place of FastAPI's.

The copies of third-party APIs keep their own bodies: OAuth's
``error``/``error_description`` (:class:`RefusOAuth`) and the coordination
API's ``{"detail": "..."}`` (:class:`RefusCoordination`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

REF = "#/components/schemas/"


class Corps(BaseModel):
    """A JSON request body: taken as its schema says (strict), so ``false`` is no
    integer and ``1`` no string, as a client generated from the document expects."""

    model_config = ConfigDict(strict=True)


def _whole_number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


#: An integer as JSON Schema has it: ``5`` and ``5.0``, never ``true`` nor ``"5"``.
Entier = Annotated[int, BeforeValidator(_whole_number)]


def _full_date(value: Any) -> Any:
    # FastAPI validates the decoded JSON in Python mode, where a strict date takes no string.
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("AAAA-MM-JJ")
        return date.fromisoformat(value)
    return value


#: A date as JSON Schema's ``format: date`` has it (RFC 3339 full-date, ``2024-06-11``).
Jour = Annotated[date, BeforeValidator(_full_date)]


class ErreurChamp(BaseModel):
    """One field at fault."""

    champ: str = Field(description="the field, dotted (pieces.identite, paiement.timbre)")
    code: str = Field(description="what is wrong, for a program (champ_requis, format_invalide…)")
    message: str = Field(description="what to do, a French sentence for the user")


class DetailRefus(BaseModel):
    code: str = Field(description="why the request is refused, for a program")
    message: str = Field(description="the same, a French sentence for the user")
    erreurs: list[ErreurChamp] | None = Field(None, description="the fields at fault, when there are some")


class Refus(BaseModel):
    """Every refusal of the mock (4xx, and 5xx but for an injected panne)."""

    detail: DetailRefus


class RefusOAuth(BaseModel):
    """FranceConnect's refusals: OAuth 2.0's body (RFC 6749 §5.2), with the mock's ``detail`` too."""

    error: str
    error_description: str
    detail: DetailRefus


class RefusCoordination(BaseModel):
    """The real coordination API's 401 body."""

    detail: str


DESCRIPTIONS = {
    400: "Requête mal formée (JSON ou multipart illisible, paramètre OAuth invalide)",
    401: "Jeton absent, expiré ou invalide",
    402: "Paiement refusé par la banque",
    403: "Action réservée à un autre compte ou à une autre session",
    404: "Ressource inconnue",
    409: "Action incompatible avec l'état de la ressource",
    410: "Ressource expirée",
    413: "Envoi trop volumineux",
    415: "Type de contenu non accepté",
    422: "Requête mal formée ou refusée par les règles du service (voir detail.erreurs)",
}


def refusals(*statuses: int, model: type[BaseModel] = Refus) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: these statuses answer ``model``'s body."""
    return {status: {"model": model, "description": DESCRIPTIONS[status]} for status in statuses}


def _implied(operation: dict) -> list[int]:
    statuses = []
    body = operation.get("requestBody", {}).get("content", {})
    if operation.get("parameters") or body:
        statuses.append(422)
    if "application/json" in body:
        statuses.append(400)
    if operation.get("security"):
        statuses.append(401)
    return statuses


def _model_schemas(*models: type[BaseModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF + "{model}")
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def publish(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document declare the mock's real refusals."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in _model_schemas(Refus).items():
            components.setdefault(name, schema)
        refus = {"content": {"application/json": {"schema": {"$ref": REF + "Refus"}}}}
        for methods in document["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, answer in responses.items():
                    # FastAPI files a declared model under the route's media type (text/html for a
                    # page): a refusal is always JSON.
                    content = answer.get("content", {})
                    if status.startswith("4") and "application/json" not in content:
                        schema = next((c["schema"] for c in content.values() if "schema" in c), None)
                        if schema is not None:
                            answer["content"] = {"application/json": {"schema": schema}}
                for status in _implied(operation):
                    answer = responses.get(str(status))
                    fastapi_own = answer is not None and "HTTPValidationError" in str(answer)
                    if answer is None or fastapi_own:
                        responses[str(status)] = {"description": DESCRIPTIONS[status], **refus}
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the document
