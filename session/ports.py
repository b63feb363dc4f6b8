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

__all__ = [
    "A4Printer",
    "AntsClient",
    "BrowserWindow",
    "LoginAttempt",
    "PendingLogouts",
    "ReceiptPrinter",
    "ScanJob",
    "Scanner",
]


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
        read: str = ...,
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

    @property
    def id_token_hint(self) -> str | None: ...

    def begin_franceconnect(self, client_id: str) -> Any: ...

    def finish_franceconnect(self, auth: Any, timeout: float | None = ...) -> dict[str, Any]: ...

    def begin_timbre(
        self,
        procedure: str,
        motif: str,
        code_postal: str,
        *,
        date_naissance: str | None = ...,
        immatriculation: str | None = ...,
    ) -> Any: ...

    def finish_timbre(self, auth: Any, timeout: float | None = ...) -> Any: ...

    def suivi(self, numero: str) -> dict[str, Any]: ...

    def answer_complement(self, numero: str, pieces: list[Any]) -> dict[str, Any]: ...

    def attestation_inscription(self, numero: str) -> bytes: ...


class PendingLogouts(Protocol):
    """Where a logout that could not reach ANTS waits to be done later (ants.PendingLogouts)."""

    def add(self, token: str, id_token_hint: str | None = ...) -> None: ...


class LoginAttempt(Protocol):
    """A login or purchase under way in the window (ants.Authorization)."""

    @property
    def url(self) -> str: ...

    @property
    def redirect_uri(self) -> str: ...

    def cancel(self) -> None: ...


class BrowserWindow(Protocol):
    """The locked browser window (browser.LockedWindow, or browser.ScriptedBrowser playing
    a person): shows ``url`` and the pages it leads to, within ``allow`` (``host[:port]``),
    with its profile under ``profile_dir`` (wiped with the workspace); calls ``on_closed``
    with why (``cancelled``, ``idle``, ``returned``, ``failed``...) once it is gone."""

    def open(self, url: str, on_closed: Callable[[str], None], allow: list[str], profile_dir: Path) -> None: ...

    def close(self) -> None: ...
