"""The console service: the board page, live through server-sent events, for
the mediators of one site.

A mediator logs in with their PIN (checked against ``[mediators] pins``, five
failures lock the login for five minutes for everyone: a PIN is short, and
the lock is what makes guessing useless). The session is a random token in a
cookie (HttpOnly, SameSite=Strict, Secure when served over TLS); the one
action, acknowledging a call, is a POST that must carry the session's CSRF
token in a header, which a page of another site cannot set. Nothing personal
reaches the console: it knows the bus's messages only (sitebus.messages), and
its logs name paths and kiosk ids.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from sitebus.pins import PinGate

from .bus import ConsoleBus
from .page import board_page, login_page

log = logging.getLogger(__name__)

COOKIE = "pointnum_console"


@dataclass
class Login:
    mediator: str
    csrf: str
    expires: float


class Hub:
    """Each page's queue; the bus's thread wakes them through the event loop."""

    def __init__(self, bus: ConsoleBus) -> None:
        self.bus = bus
        self.queues: set[asyncio.Queue[None]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        bus.on_change = self._changed

    def _changed(self, _kiosk: str) -> None:
        loop = self.loop
        if loop is not None:
            loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        for queue in self.queues:
            if queue.empty():
                queue.put_nowait(None)

    async def stream(self, request: Request) -> AsyncIterator[bytes]:
        self.loop = asyncio.get_running_loop()
        queue: asyncio.Queue[None] = asyncio.Queue(maxsize=1)
        self.queues.add(queue)
        try:
            yield b"retry: 2000\n\n"
            while True:
                yield f"data: {json.dumps(self.bus.snapshot(), separators=(',', ':'))}\n\n".encode()
                try:
                    await asyncio.wait_for(queue.get(), timeout=15)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
        finally:
            self.queues.discard(queue)


def make_app(
    bus: ConsoleBus,
    gate: PinGate,
    *,
    session_s: float = 8 * 3600,
    secure_cookie: bool = False,
    now: Callable[[], float] = time.monotonic,
) -> FastAPI:
    app = FastAPI(title="pointnum console", docs_url=None, redoc_url=None, openapi_url=None)
    hub = Hub(bus)
    logins: dict[str, Login] = {}

    def login_of(request: Request) -> Login | None:
        token = request.cookies.get(COOKIE, "")
        login = logins.get(token)
        if login is None or login.expires < now():
            logins.pop(token, None)
            return None
        return login

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        login = login_of(request)
        if login is None:
            return HTMLResponse(login_page())
        return HTMLResponse(board_page(login.mediator, login.csrf))

    @app.post("/login")
    def do_login(pin: str = Form("")) -> Response:
        if gate.locked:
            return HTMLResponse(
                login_page(f"Trop d'essais : réessayez dans {(gate.remaining_s() + 59) // 60} min."), status_code=429
            )
        mediator = gate.check(pin)
        if mediator is None:
            log.warning("console: wrong PIN (%d in a row)", gate.failures)
            return HTMLResponse(login_page("Code incorrect."), status_code=401)
        token = secrets.token_urlsafe(32)
        logins[token] = Login(mediator, secrets.token_urlsafe(24), now() + session_s)
        log.info("console: %s logged in", mediator)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="strict", secure=secure_cookie, max_age=int(session_s)
        )
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        login = login_of(request)
        if login is not None and secrets.compare_digest(csrf, login.csrf):
            logins.pop(request.cookies.get(COOKIE, ""), None)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/events")
    def events(request: Request) -> Response:
        if login_of(request) is None:
            return Response(status_code=401)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(hub.stream(request), media_type="text/event-stream", headers=headers)

    @app.post("/ack/{kiosk}")
    def ack(kiosk: str, request: Request) -> Response:
        login = login_of(request)
        if login is None:
            return Response(status_code=401)
        if not secrets.compare_digest(request.headers.get("X-CSRF-Token", ""), login.csrf):
            return Response(status_code=403)
        if not bus.ack(kiosk):
            return Response(status_code=409)
        log.info("console: %s answers %s's call", login.mediator, kiosk)
        return Response(status_code=204)

    app.state.hub = hub
    app.state.logins = logins
    return app


def serve(app: Any, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True)
