"""The kiosk's side of ANTS: an HTTP client with typed, French-speaking errors.

The mock backend lives in ``ants.mock`` and is a separate program.
"""

from ._client import AntsClient, DemandeCreee, PieceFile, Timbre
from ._errors import AntsError, AntsRejected, AntsSessionExpired, AntsUnavailable, FieldError
from ._logouts import PendingLogouts
from ._oidc import Authorization, LoginCancelled, LoginRefused, verify_id_token

__all__ = [
    "AntsClient",
    "PieceFile",
    "DemandeCreee",
    "Timbre",
    "AntsError",
    "AntsUnavailable",
    "AntsRejected",
    "AntsSessionExpired",
    "FieldError",
    "PendingLogouts",
    "Authorization",
    "LoginCancelled",
    "LoginRefused",
    "verify_id_token",
]
