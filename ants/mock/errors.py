"""The one refusal shape of the mock: ``{"detail": {"code", "message"[, "erreurs"]}}``."""
from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from .rules import Erreur


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, erreurs: list[Erreur] | None = None,
                 extra: dict | None = None):
        super().__init__(code)
        self.status, self.code, self.message, self.erreurs, self.extra = status, code, message, erreurs, extra

    def response(self) -> JSONResponse:
        detail: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.erreurs is not None:
            detail["erreurs"] = [e.as_dict() for e in self.erreurs]
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse({**(self.extra or {}), "detail": detail}, status_code=self.status, headers=headers)


def invalid(erreurs: list[Erreur], message: str = "Le dossier contient des erreurs.",
            code: str = "dossier_invalide") -> ApiError:
    return ApiError(422, code, message, erreurs)
