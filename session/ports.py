"""What a user's session asks of the devices and of ANTS, as the session sees them.

Structural types (PEP 544): the drivers (``drivers.scanner.worker.ScanWorker``,
``drivers.printer.ReceiptPrinter`` and ``A4Printer``) and ``ants.AntsClient``
have these methods without knowing of this module, and so do the fakes a test
hands the session; ``session/`` names no driver class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

__all__ = ["A4Printer", "AntsClient", "PendingLogouts", "ReceiptPrinter", "ScanJob", "Scanner"]


class ScannedPage(Protocol):
    @property
    def path(self) -> Path: ...


class ScanProgress(Protocol):
    pages_done: int
    page_bytes: int
    preview: bytes | None

    @property
    def percent(self) -> float | None: ...


class ScanJob(Protocol):
    """One scan under way: pages land in the workspace, :attr:`progress` says how far it is."""

    @property
    def pages(self) -> Sequence[ScannedPage]: ...

    @property
    def progress(self) -> ScanProgress: ...

    def wait(self, timeout: float | None = None) -> Sequence[ScannedPage]: ...

    def cancel(self) -> None: ...

    def stop(self, timeout: float) -> bool: ...

    def done(self) -> bool: ...


class Scanner(Protocol):
    def start_scan(
        self,
        source: str = ...,
        resolution: int | None = ...,
        dest: str | Path | None = ...,
        *,
        prefix: str = ...,
        on_progress: Callable[[Any], None] | None = ...,
    ) -> ScanJob: ...


class ReceiptPrinter(Protocol):
    def print_receipt(self, receipt: Any) -> None: ...


class A4Printer(Protocol):
    name: str

    def print_pdf(self, pdf: bytes, title: str = ..., duplex: bool = ...) -> int: ...

    def wait(self, job_id: int, timeout: float = ...) -> None: ...

    def purge_failed(self, job_id: int) -> bool: ...

    def retry_purge(self, job_id: int) -> bool: ...


class DemandeCreee(Protocol):
    @property
    def numero(self) -> str: ...

    @property
    def delivre(self) -> Any: ...


class AntsClient(Protocol):
    """The ANTS client a session holds: one HTTP session per user, forgotten at the end."""

    timeout: float
    retries: int

    @property
    def has_session(self) -> bool: ...

    @property
    def token(self) -> str | None: ...

    def open_session(self) -> None: ...

    def logout(self) -> None: ...

    def submit_demande(self, dossier: dict[str, Any], pieces: list[Any]) -> DemandeCreee: ...

    def franceconnect_login(self, login: str, password: str) -> dict[str, Any]: ...

    def suivi(self, numero: str) -> dict[str, Any]: ...

    def answer_complement(self, numero: str, pieces: list[Any]) -> dict[str, Any]: ...

    def attestation_inscription(self, numero: str) -> bytes: ...


class PendingLogouts(Protocol):
    """Where a logout that could not reach ANTS waits to be done later (ants.PendingLogouts)."""

    def add(self, token: str) -> None: ...
