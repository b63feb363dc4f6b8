"""Typed failures of the ANTS client, each with a sentence a kiosk user can act on
(a :class:`userfacing.UserFacingError`)."""

from __future__ import annotations

from dataclasses import dataclass

from userfacing import UserFacingError


@dataclass(frozen=True)
class FieldError:
    """One refusal reason, exactly as the server gave it."""

    champ: str
    code: str
    message: str


class AntsError(UserFacingError):
    """Base of every client failure. ``message_fr`` is safe to show on screen;
    ``str()`` (the method, the path template, the status) is for logs."""

    key = "ants.error"
    template = "Le service de l'ANTS a renvoyé une réponse inattendue. Réessayez ou appelez le médiateur."

    def __init__(
        self, detail: str, message_fr: str | None = None, *, status: int | None = None, code: str | None = None
    ):
        super().__init__(detail, template=message_fr or None)
        self.status = status
        self.code = code


class AntsUnavailable(AntsError):
    """The service cannot be reached, timed out, or failed (5xx)."""

    key = "ants.unavailable"
    template = "Le service de l'ANTS ne répond pas. Réessayez dans quelques minutes ou appelez le médiateur."


class AntsSessionExpired(AntsError):
    """The server refused the session token (401); the client has forgotten it."""

    key = "ants.session_expired"
    template = "Votre connexion à l'ANTS a expiré. Il faut vous reconnecter."


class AntsRejected(AntsError):
    """The server refused the request (4xx); ``erreurs`` lists the reasons per field.
    ``message_fr`` is the server's own sentence when it gave one."""

    key = "ants.rejected"
    template = "L'ANTS a refusé la demande. Corrigez les informations signalées."

    def __init__(
        self,
        detail: str,
        message_fr: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        erreurs: list[FieldError] | None = None,
    ):
        super().__init__(detail, message_fr, status=status, code=code)
        self.erreurs = list(erreurs or [])
