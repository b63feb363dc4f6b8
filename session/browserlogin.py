"""What the session does through the locked browser window: a FranceConnect
login and a timbre purchase, where the person types their password or their
card on the provider's own page and the session gets back only the answer
(the verified identity, the timbre's number).

One attempt at a time; it ends when the redirect comes back, when the window
closes by itself (Annuler, idle, a crash of the window's process), or when the
session ends (:meth:`BrowserLogins.close`, called by the wipe). The window's
profile lives in the workspace's ``navigateur`` folder, gone with the wipe.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .ports import AntsClient, BrowserWindow, LoginAttempt

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The workspace's folder for the window's profile.
PROFILE_DIR = "navigateur"


class NoBrowser(RuntimeError):
    """This kiosk has no browser window (none configured)."""


class BrowserLogins:
    """``allow``: the hosts the window may show (``host[:port]``); the redirect's
    loopback address is added for the time of one attempt. ``timeout``: seconds a
    person has on the provider's pages before the attempt is abandoned."""

    def __init__(
        self,
        client: AntsClient,
        browser: BrowserWindow | None,
        *,
        allow: list[str],
        client_id: str,
        workspace_path: Path,
        timeout: float = 900.0,
    ):
        self.client = client
        self.browser = browser
        self.allow = list(allow)
        self.client_id = client_id
        self.workspace_path = workspace_path
        self.timeout = timeout
        self._current: LoginAttempt | None = None
        self._closed = False
        self._lock = threading.Lock()
        #: Why the window closed last (``cancelled``, ``idle``, ``returned``...).
        self.last_closed = ""

    def franceconnect(self) -> dict[str, Any]:
        """The claims of the verified id_token (ants.LoginCancelled, LoginRefused, AntsError)."""
        return self._through_window(self.client.begin_franceconnect(self.client_id), self.client.finish_franceconnect)

    def timbre(self, procedure: str, motif: str, code_postal: str, **facts: str | None) -> Any:
        """The timbre bought (ants.Timbre: numero, montant)."""
        attempt = self.client.begin_timbre(procedure, motif, code_postal, **facts)
        return self._through_window(attempt, self.client.finish_timbre)

    def _through_window(self, attempt: LoginAttempt, finish: Callable[[Any, float | None], T]) -> T:
        if self.browser is None:
            attempt.cancel()
            raise NoBrowser("no browser window configured")
        with self._lock:
            if self._closed:
                attempt.cancel()
                raise NoBrowser("the session is over")
            self._current = attempt
        profile = self.workspace_path / PROFILE_DIR
        profile.mkdir(mode=0o700, exist_ok=True)

        def closed(reason: str) -> None:
            self.last_closed = reason
            if reason != "returned":
                log.info("browser window closed: %s", reason)
            attempt.cancel()

        try:
            self.browser.open(attempt.url, closed, [*self.allow, urlsplit(attempt.redirect_uri).netloc], profile)
            return finish(attempt, self.timeout)
        finally:
            attempt.cancel()
            self.browser.close()
            with self._lock:
                self._current = None

    def close(self) -> None:
        """The session ends: an attempt under way is abandoned and the window closed."""
        with self._lock:
            self._closed = True
            current = self._current
        if current is not None:
            current.cancel()
        if self.browser is not None:
            self.browser.close()
