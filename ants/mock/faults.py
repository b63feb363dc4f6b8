"""Failures a test or a trainer can inject over HTTP: answer the next N
matching requests with a 5xx, or make them slow (STYLE: failures injectable)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi.responses import JSONResponse

_CONTROL_PATH = "/api/v1/formation/pannes"


@dataclass
class _Fault:
    status: int | None
    delay_s: float
    remaining: int
    method: str | None
    path_prefix: str

    def matches(self, method: str, path: str) -> bool:
        return (self.remaining > 0 and path.startswith(self.path_prefix)
                and (self.method is None or self.method.upper() == method))


class FaultInjector:
    def __init__(self) -> None:
        self._faults: list[_Fault] = []

    def add(self, status: int | None, delay_s: float, count: int, method: str | None, path_prefix: str) -> None:
        self._faults.append(_Fault(status, delay_s, count, method, path_prefix))

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> int:
        return sum(f.remaining for f in self._faults)

    def _take(self, method: str, path: str) -> _Fault | None:
        # Runs on the event loop thread only, so no lock is needed.
        for fault in self._faults:
            if fault.matches(method, path):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def middleware(self, request, call_next):
        path = request.url.path
        if not self._faults or path.startswith(_CONTROL_PATH):
            return await call_next(request)
        fault = self._take(request.method, path)
        if fault is None:
            return await call_next(request)
        if fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if fault.status is None:
            return await call_next(request)
        return JSONResponse({"detail": {"code": "panne_simulee", "message": "Service indisponible (panne simulée)."}},
                            status_code=fault.status)
