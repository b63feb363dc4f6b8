"""What every route module shares: storage, settings, and the auth dependencies."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ApiError
from .faults import FaultInjector
from .procedures import Ctx
from .settings import MockSettings
from .store import Store, utcnow

bearer = HTTPBearer(auto_error=False, description="Jeton de session (POST /api/v1/sessions…)")
agent_bearer = HTTPBearer(auto_error=False, scheme_name="AgentToken", description="Jeton du portail agent")

SESSION_REFUSED = "Votre session a expiré ou n'existe pas. Reconnectez-vous."


@dataclass
class Session:
    token: str
    type: str
    compte: str | None
    token_hash: str

    @property
    def owner(self) -> str | None:
        """Who owns the demandes made in this session; None for a guest."""
        return self.compte


@dataclass
class Deps:
    store: Store
    settings: MockSettings
    faults: FaultInjector

    def ctx(self, session: Session | None = None) -> Ctx:
        return Ctx(
            self.store,
            self.settings,
            date.today(),
            utcnow(),
            {"type": session.type, "compte": session.compte} if session else {},
        )

    def session_dependency(self):
        store = self.store

        def current_session(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Session:
            row = store.session(credentials.credentials) if credentials is not None else None
            if credentials is None or row is None:
                raise ApiError(401, "session_invalide", SESSION_REFUSED)
            return Session(credentials.credentials, row["type"], row["compte"], row["token_hash"])

        return current_session

    def agent_dependency(self):
        expected = self.settings.agent_token.encode()

        def agent(credentials: HTTPAuthorizationCredentials | None = Depends(agent_bearer)) -> str:
            if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), expected):
                raise ApiError(401, "agent_non_autorise", "Jeton du portail agent absent ou invalide.")
            return "agent"

        return agent
