"""Typed failures of the ANTS client, each with a sentence a kiosk user can act on."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One refusal reason, exactly as the server gave it."""
    champ: str
    code: str
    message: str


class AntsError(Exception):
    """Base of every client failure. ``message_fr`` is safe to show on screen."""

    default_message_fr = "Le service de l'ANTS a renvoyé une réponse inattendue. Réessayez ou appelez le médiateur."

    def __init__(self, detail: str, message_fr: str | None = None, *, status: int | None = None,
                 code: str | None = None):
        super().__init__(detail)
        self.message_fr = message_fr or self.default_message_fr
        self.status = status
        self.code = code


class AntsUnavailable(AntsError):
    """The service cannot be reached, timed out, or failed (5xx)."""

    default_message_fr = ("Le service de l'ANTS ne répond pas. Réessayez dans quelques minutes "
                          "ou appelez le médiateur.")


class AntsSessionExpired(AntsError):
    """The server refused the session token (401); the client has forgotten it."""

    default_message_fr = "Votre connexion à l'ANTS a expiré. Il faut vous reconnecter."


class AntsRejected(AntsError):
    """The server refused the request (4xx); ``erreurs`` lists the reasons per field."""

    default_message_fr = "L'ANTS a refusé la demande. Corrigez les informations signalées."

    def __init__(self, detail: str, message_fr: str | None = None, *, status: int | None = None,
                 code: str | None = None, erreurs: list[FieldError] | None = None):
        super().__init__(detail, message_fr, status=status, code=code)
        self.erreurs = list(erreurs or [])
