"""Logouts that could not reach ANTS.

When a user's session ends while ANTS does not answer, the kiosk forgets the
token at once, but the server would still honour it until it expires. The
token is handed here instead: kept in memory only (never written), and
logged out again (FranceConnect's end_session with it) until the server answers, or dropped once it is older than
any session lasts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ._client import AntsClient
from ._errors import AntsSessionExpired, AntsUnavailable

log = logging.getLogger(__name__)


class PendingLogouts:
    """Tokens whose logout is still to be done. ``make_client`` builds a fresh
    client (no token) for each attempt; ``max_age`` is in seconds."""

    def __init__(
        self,
        make_client: Callable[[], AntsClient],
        *,
        max_age: float = 4 * 3600,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._make_client = make_client
        self.max_age = max_age
        self._clock = clock
        self._tokens: list[tuple[str, str | None, float]] = []
        self._lock = threading.Lock()

    def add(self, token: str, id_token_hint: str | None = None) -> None:
        """An ANTS session's token, and the id_token of its FranceConnect login if any
        (its end_session is done with the ANTS logout)."""
        with self._lock:
            self._tokens.append((token, id_token_hint, self._clock()))
        log.warning("ANTS logout deferred: %d pending", len(self))

    def __len__(self) -> int:
        with self._lock:
            return len(self._tokens)

    def retry(self) -> int:
        """Log each pending token out; returns how many are still pending."""
        with self._lock:
            pending, self._tokens = self._tokens, []
        keep = []
        for token, hint, since in pending:
            client = self._make_client()
            try:
                if hint:
                    client.use_token(token, hint)
                else:
                    client.use_token(token)
                client.logout()
            except AntsUnavailable:
                if self._clock() - since < self.max_age:
                    keep.append((token, hint, since))
            except AntsSessionExpired:
                pass  # already over on the server
            finally:
                client.close()
        with self._lock:
            self._tokens = keep + self._tokens
            left = len(self._tokens)
        if len(pending) != len(keep):
            log.info("deferred ANTS logouts done: %d, still pending: %d", len(pending) - len(keep), left)
        return left
