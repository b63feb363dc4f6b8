"""Failures a test, a trainer or the settings file inject (STYLE: failures injectable).

Modes, per matching request:

* ``erreur``  — answer ``statut`` (500, 503…) after ``delai_s``;
* ``latence`` — wait ``delai_s`` then serve normally;
* ``timeout`` — wait ``delai_s`` then drop the connection without an answer;
* ``coupure`` — send the headers and a few bytes, then drop the connection.

``nombre`` counts the matching requests left (0 = unlimited); ``probabilite``
makes a fault intermittent. It is plain ASGI, not Starlette's
``BaseHTTPMiddleware``, because dropping a connection needs the raw ``send``.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import asdict, dataclass
from typing import Literal, get_args

CONTROL_PATH = "/api/v1/formation/pannes"
Mode = Literal["erreur", "latence", "timeout", "coupure"]
MODES: tuple[Mode, ...] = get_args(Mode)


class DroppedConnection(Exception):
    """Raised after a partial answer: uvicorn then closes the socket."""


@dataclass
class Fault:
    statut: int | None
    delai_s: float
    nombre: int
    methode: str | None
    chemin: str
    mode: str
    probabilite: float = 1.0

    def matches(self, method: str, path: str) -> bool:
        return path.startswith(self.chemin) and (self.methode is None or self.methode.upper() == method)


class FaultInjector:
    def __init__(self, seed: int | None = None) -> None:
        self._faults: list[Fault] = []
        self._random = random.Random(seed)

    def add(
        self,
        statut: int | None,
        delai_s: float,
        nombre: int,
        methode: str | None,
        chemin: str,
        mode: str | None = None,
        probabilite: float = 1.0,
    ) -> Fault:
        if mode is None:
            mode = "erreur" if statut is not None else "latence"
        if mode == "erreur" and statut is None:
            statut = 503
        fault = Fault(statut, delai_s, nombre, methode, chemin, mode, probabilite)
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> int:
        """Requests still to be failed by counted faults (unlimited ones are not counted)."""
        return sum(f.nombre for f in self._faults)

    def listing(self) -> list[dict]:
        return [asdict(f) for f in self._faults]

    def take(self, method: str, path: str) -> Fault | None:
        # Runs on the event loop thread only, so no lock is needed.
        for fault in self._faults:
            if fault.matches(method, path):
                if fault.probabilite < 1.0 and self._random.random() >= fault.probabilite:
                    return None
                if fault.nombre:
                    fault.nombre -= 1
                    if fault.nombre == 0:
                        self._faults.remove(fault)
                return fault
        return None


class FaultMiddleware:
    def __init__(self, app, injector: FaultInjector):
        self.app = app
        self.injector = injector

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.injector._faults or scope["path"].startswith(CONTROL_PATH):
            return await self.app(scope, receive, send)
        fault = self.injector.take(scope["method"], scope["path"])
        if fault is None:
            return await self.app(scope, receive, send)
        if fault.delai_s:
            await asyncio.sleep(fault.delai_s)
        if fault.mode == "latence":
            return await self.app(scope, receive, send)
        if fault.mode in ("timeout", "coupure"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
                }
            )
            await send({"type": "http.response.body", "body": b'{"', "more_body": True})
            raise DroppedConnection(fault.mode)
        body = json.dumps(
            {"detail": {"code": "panne_simulee", "message": "Service indisponible (panne simulée)."}}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": fault.statut,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
