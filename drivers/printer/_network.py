"""python-escpos's Network printer with its status queries bounded by a short
timeout of their own.

A printer answers DLE EOT n at once, even in the middle of a job (a real-time
command). A print server, or a printer set to ignore status requests, answers
nothing: python-escpos would then wait the socket's whole timeout (the job's,
10 s by default) and raise. Here a query waits ``status_timeout`` seconds and
an unanswered one returns ``b""``, as python-escpos's other printers do when
nothing comes back, so that the receipt printer decides what silence means
(``printer.status_unanswered``)."""

from __future__ import annotations

from typing import Any

from escpos.printer import Network


class NetworkPrinter(Network):  # type: ignore[misc]  # python-escpos ships no type hints
    def __init__(
        self,
        host: str = "",
        port: int = 9100,
        timeout: float = 60,
        *args: Any,
        status_timeout: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(host, port, timeout, *args, **kwargs)
        self.status_timeout = status_timeout

    def query_status(self, mode: bytes) -> bytes:
        device = self.device
        assert device
        device.settimeout(self.status_timeout)
        try:
            self._raw(mode)
            try:
                answer: bytes = device.recv(16)
                return answer
            except TimeoutError:
                return b""
        finally:
            device.settimeout(self.timeout)
