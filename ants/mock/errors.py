"""The one refusal shape of the mock: ``{"detail": {"code", "message"[, "erreurs"]}}``."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from .rules import Erreur


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        erreurs: list[Erreur] | None = None,
        extra: dict | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(code)
        self.status, self.code, self.message, self.erreurs, self.extra = status, code, message, erreurs, extra
        self.headers = headers

    def response(self) -> JSONResponse:
        detail: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.erreurs is not None:
            detail["erreurs"] = [e.as_dict() for e in self.erreurs]
        headers = dict(self.headers or {})
        if self.status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return JSONResponse({**(self.extra or {}), "detail": detail}, status_code=self.status, headers=headers)


def invalid(
    erreurs: list[Erreur], message: str = "Le dossier contient des erreurs.", code: str = "dossier_invalide"
) -> ApiError:
    return ApiError(422, code, message, erreurs)


#: What Starlette raises for a form it cannot parse: MultiPartException outside an
#: app, an HTTPException 400 carrying its message inside one. Anything else
#: raised while reading a form is a bug and must surface as one.
MALFORMED_FORM = (MultiPartException, HTTPException)


def is_malformed_form(exc: BaseException) -> bool:
    return isinstance(exc, MultiPartException) or (isinstance(exc, HTTPException) and exc.status_code == 400)
