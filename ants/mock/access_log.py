"""The mock's access log: method, route template, status and duration only.

uvicorn's own access log writes the request line, path values and query
string included: a numéro de demande, an immatriculation, a code de cession,
an e-mail address. In demo and training the mock runs on the kiosk and its
log goes to the kiosk's journal, which must never hold a user's data; so
uvicorn's access log is off (``__main__``) and this one logs
``GET /api/v1/demandes/{numero} 404 3 ms``: the route's template, as the
kiosk's own client does (ants/_client.py).
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("ants.mock.access")

#: What a request that matched no route is logged as (its path is the user's too).
NO_ROUTE = "(aucune route)"


def route_template(scope) -> str:
    """The template of the route that served ``scope`` (``/api/v1/demandes/{numero}``)."""
    return getattr(scope.get("route"), "path", None) or NO_ROUTE


class AccessLog:
    """ASGI middleware: one line per HTTP request, with no value from the request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = 0
        started = time.monotonic()

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            status = status or 500
            raise
        finally:
            log.info(
                "%s %s %s %.0f ms",
                scope["method"],
                route_template(scope),
                status or "-",
                (time.monotonic() - started) * 1000,
            )
