"""A4 documents (attestations, the dossier's summary) on a sheet printer
through CUPS, and a capture fake with the same port for demos and tests.

The CUPS printer asks the queue's state and follows its jobs through pycups
(IPP attributes: printer-state-reasons, job-state, sides), and submits each
job with CUPS's own ``lp`` reading the PDF from its standard input, so that
no copy of a person's document is left in a file of ours. Not pycups's
createJob: it finds the queue through the default server, not through the
connection it is called on, and so fails on any scheduler but the local one
on port 631 (seen with pycups 2.0.4 and CUPS 2.4).

Before each job the queue's state is asked; a job that fails (paper out,
cover open, jam, queue stopped) is cancelled and purged, so that it does not
come out later for someone else. A job that printed is purged too: CUPS keeps
a printed document in its spool for a day by default (PreserveJobFiles).
A purge that fails leaves a person's document on the kiosk: it is logged (job
id and error type only), kept in :meth:`A4Printer.purge_failed`, and the
session that printed counts it as a wipe failure unless :meth:`A4Printer.retry_purge`
then succeeds.
"""

from __future__ import annotations

import abc
import logging
import os
import re
import shutil
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ._errors import (
    PrinterCoverOpen,
    PrinterError,
    PrinterJam,
    PrinterPaperOut,
    PrinterStatus,
    PrinterUnavailable,
)

#: IPP printer-state values (RFC 8011).
_IDLE, _PROCESSING, _STOPPED = 3, 4, 5
#: IPP job-state values.
_JOB_PENDING, _JOB_HELD, _JOB_PROCESSING, _JOB_STOPPED = 3, 4, 5, 6
_JOB_CANCELED, _JOB_ABORTED, _JOB_COMPLETED = 7, 8, 9

#: printer-state-reasons keywords (without -error/-warning/-report) -> status.
_REASONS = (
    (("media-empty", "media-needed", "input-tray-missing"), PrinterStatus.PAPER_OUT),
    (("cover-open", "door-open", "interlock-open"), PrinterStatus.COVER_OPEN),
    (("media-jam",), PrinterStatus.JAM),
    (("media-low",), PrinterStatus.PAPER_LOW),
    (("offline", "shutdown", "paused", "connecting-to-device", "timed-out"), PrinterStatus.OFFLINE),
)
FAULTS = ("paper-out", "paper-low", "cover-open", "jam", "unplugged")

log = logging.getLogger(__name__)


def is_usable() -> bool:
    """True when pycups can be imported (it needs libcups2)."""
    try:
        import cups  # noqa: F401
    except ImportError:
        return False
    return True


def status_from_reasons(reasons: list[str] | tuple[str, ...] | str, state: int = _IDLE) -> PrinterStatus:
    """The kiosk's PrinterStatus for an IPP printer-state and its state reasons."""
    if isinstance(reasons, str):
        reasons = [reasons]
    keywords = set()
    for reason in reasons:
        for suffix in ("-error", "-warning", "-report"):
            if reason.endswith(suffix):
                reason = reason[: -len(suffix)]
                break
        keywords.add(reason)
    for names, status in _REASONS:
        if keywords & set(names):
            if status is PrinterStatus.PAPER_LOW and state == _STOPPED:
                continue
            return status
    return PrinterStatus.OFFLINE if state == _STOPPED else PrinterStatus.ONLINE


def raise_for(status: PrinterStatus, detail: str) -> None:
    """Raise the typed error for a status that cannot print."""
    if status is PrinterStatus.PAPER_OUT:
        raise PrinterPaperOut(detail)
    if status is PrinterStatus.COVER_OPEN:
        raise PrinterCoverOpen(detail)
    if status is PrinterStatus.JAM:
        raise PrinterJam(detail)
    if not status.can_print:
        raise PrinterUnavailable(detail)


#: Jobs a capture printer keeps in memory, the latest (receipt and A4): a demo
#: kiosk runs for days, and what it prints carries the users' numéros.
KEEP_JOBS = 50


class A4Printer(abc.ABC):
    """A printer of A4 sheets."""

    name: str = "A4"

    @abc.abstractmethod
    def print_pdf(self, pdf: bytes, title: str = "Document", duplex: bool = False) -> int:
        """Send ``pdf`` as one job; returns its job id. ``duplex``: recto-verso
        on the long edge. Raises PrinterUnavailable, PrinterPaperOut,
        PrinterCoverOpen, PrinterJam (all PrinterError) when the printer says
        it cannot print, before anything is sent."""

    @abc.abstractmethod
    def status(self) -> PrinterStatus:
        """What the printer says now; UNREACHABLE when it cannot be asked."""

    @abc.abstractmethod
    def wait(self, job_id: int, timeout: float = 120.0) -> None:
        """Return once the job has printed; raise the typed PrinterError if it
        failed, PrinterUnavailable if not done in ``timeout`` seconds (the job
        is then cancelled)."""

    def purge_failed(self, job_id: int) -> bool:
        """True when the job's document could not be removed from the print
        spool (see :meth:`wait`): it is still on the kiosk."""
        return False

    def retry_purge(self, job_id: int) -> bool:
        """Try again to remove a job whose purge failed; True once it is gone."""
        return not self.purge_failed(job_id)


class CupsPrinter(A4Printer):
    """A CUPS queue (``queue``; empty: the server's default destination) on
    ``host``:``port`` (empty host: the local scheduler). ``purge``: remove
    each job's document and history from CUPS once :meth:`wait` sees it end."""

    def __init__(
        self,
        queue: str = "",
        host: str = "",
        port: int = 631,
        *,
        timeout: float = 10.0,
        media: str = "A4",
        poll: float = 0.1,
        purge: bool = True,
    ):
        self.purge = purge
        self.queue = queue
        self.host = host
        self.port = port
        self.timeout = timeout
        self.media = media
        self.poll = poll
        self.name = f"CUPS {queue or '(défaut)'}"
        self._unpurged: set[int] = set()
        self._unpurged_lock = threading.Lock()

    # -- connection ----------------------------------------------------------

    def _connect(self) -> tuple[ModuleType, Any]:
        """pycups and a connection to the CUPS server (pycups is untyped)."""
        try:
            import cups
        except ImportError as exc:
            raise PrinterUnavailable(
                "pycups is not installed (pip install pycups; it needs libcups2-dev to build)"
            ) from exc
        try:
            if self.host:
                conn = cups.Connection(host=self.host, port=self.port)
            else:
                conn = cups.Connection()
        except RuntimeError as exc:
            raise PrinterUnavailable(f"CUPS at {self.host or 'localhost'}:{self.port}: {exc}") from exc
        return cups, conn

    def _queue(self, conn: Any) -> str:
        queue: str | None = self.queue or conn.getDefault()
        if not queue:
            raise PrinterUnavailable("CUPS has no default printer and none is configured")
        return queue

    def _printer_state(self, cups: ModuleType, conn: Any, queue: str) -> tuple[PrinterStatus, str]:
        try:
            attrs = conn.getPrinterAttributes(
                queue, requested_attributes=["printer-state", "printer-state-reasons", "printer-is-accepting-jobs"]
            )
        except cups.IPPError as exc:
            raise PrinterUnavailable(f"CUPS queue {queue!r}: {exc}") from exc
        state = int(attrs.get("printer-state", _IDLE))
        reasons = attrs.get("printer-state-reasons", ["none"])
        status = status_from_reasons(reasons, state)
        if status.can_print and not attrs.get("printer-is-accepting-jobs", True):
            status = PrinterStatus.OFFLINE
        return status, f"CUPS queue {queue!r}: state {state}, reasons {reasons}"

    # -- port ------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        try:
            cups, conn = self._connect()
            return self._printer_state(cups, conn, self._queue(conn))[0]
        except PrinterError:
            return PrinterStatus.UNREACHABLE

    def print_pdf(self, pdf: bytes, title: str = "Document", duplex: bool = False) -> int:
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("print_pdf takes a PDF document")
        cups, conn = self._connect()
        queue = self._queue(conn)
        status, detail = self._printer_state(cups, conn, queue)
        raise_for(status, detail)
        lp = shutil.which("lp")
        if lp is None:
            raise PrinterUnavailable("CUPS's lp is not installed (apt-get install cups-client)")
        command = [lp]
        if self.host:
            command += ["-h", f"{self.host}:{self.port}"]
        command += [
            "-d",
            queue,
            "-t",
            title or "Document",
            "-o",
            f"sides={'two-sided-long-edge' if duplex else 'one-sided'}",
            "-o",
            f"media={self.media}",
            "-o",
            "document-format=application/pdf",
            "-",
        ]
        try:
            done = subprocess.run(command, input=pdf, capture_output=True, timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            raise PrinterUnavailable(f"lp did not answer in {self.timeout:g} s") from exc
        answer = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        found = re.search(r"request id is \S+-(\d+)", answer)
        if done.returncode != 0 or not found:
            raise PrinterUnavailable(f"CUPS refused the job on {queue!r}: {answer.strip()}")
        return int(found.group(1))

    def job_attributes(self, job_id: int) -> dict[str, Any]:
        """The job's IPP attributes (``sides``, ``job-state``...)."""
        cups, conn = self._connect()
        try:
            attributes: dict[str, Any] = conn.getJobAttributes(job_id)
            return attributes
        except cups.IPPError as exc:
            raise PrinterUnavailable(f"CUPS job {job_id}: {exc}") from exc

    def _give_up(self, conn: Any, job_id: int) -> bool:
        """Cancel the job if it is not over, and purge it (document and history).
        True when it is gone; a failure is logged and kept (:meth:`purge_failed`)."""
        import cups

        try:
            conn.cancelJob(job_id, purge_job=True)
        except cups.IPPError as exc:
            status = exc.args[0] if exc.args else None
            if status == cups.IPP_NOT_FOUND:  # no such job: nothing left of it
                return self._purged(job_id)
            self._not_purged(job_id, exc, f" (IPP status 0x{status:04x})" if isinstance(status, int) else "")
            return False
        except (cups.HTTPError, RuntimeError, OSError) as exc:
            self._not_purged(job_id, exc)
            return False
        except BaseException as exc:  # a bug: kept as a leftover all the same, then raised
            self._not_purged(job_id, exc)
            raise
        return self._purged(job_id)

    def _purged(self, job_id: int) -> bool:
        with self._unpurged_lock:
            self._unpurged.discard(job_id)
        return True

    def _not_purged(self, job_id: int, exc: BaseException, status: str = "") -> None:
        # The job id and the error's type (and IPP status) only: a message could quote the document.
        log.error("CUPS job %d not purged from the print spool: %s%s", job_id, type(exc).__name__, status)
        with self._unpurged_lock:
            self._unpurged.add(job_id)

    def purge_failed(self, job_id: int) -> bool:
        with self._unpurged_lock:
            return job_id in self._unpurged

    def retry_purge(self, job_id: int) -> bool:
        if not self.purge_failed(job_id):
            return True
        try:
            _cups, conn = self._connect()
        except PrinterError as exc:
            self._not_purged(job_id, exc)
            return False
        return self._give_up(conn, job_id)

    def wait(self, job_id: int, timeout: float = 120.0) -> None:
        try:
            cups, conn = self._connect()
        except PrinterError as exc:  # the job stays in the spool, out of reach
            self._not_purged(job_id, exc)
            raise
        deadline = time.monotonic() + timeout
        pause = threading.Event()
        settled = False  # the job was purged, or that was tried
        try:
            while True:
                try:
                    job = conn.getJobAttributes(
                        job_id, requested_attributes=["job-state", "job-state-reasons", "job-printer-uri"]
                    )
                except cups.IPPError as exc:
                    raise PrinterUnavailable(f"CUPS job {job_id}: {exc}") from exc
                state = int(job.get("job-state", _JOB_PENDING))
                if state == _JOB_COMPLETED:
                    if self.purge:
                        settled = True
                        self._give_up(conn, job_id)
                    return
                queue = self.queue or str(job.get("job-printer-uri", "")).rsplit("/", 1)[-1] or self._queue(conn)
                if state in (_JOB_CANCELED, _JOB_ABORTED):
                    settled = True  # over: nothing will print later
                    if self.purge:
                        self._give_up(conn, job_id)
                    status, detail = self._printer_state(cups, conn, queue)
                    raise_for(status, f"job {job_id} {job.get('job-state-reasons')}; {detail}")
                    raise PrinterError(f"job {job_id} ended: {job.get('job-state-reasons')}")
                status, detail = self._printer_state(cups, conn, queue)
                if not status.can_print:  # the queue stopped on a fault: the job would print later
                    settled = True
                    self._give_up(conn, job_id)
                    raise_for(status, f"job {job_id} cancelled; {detail}")
                if time.monotonic() > deadline:
                    settled = True
                    self._give_up(conn, job_id)
                    raise PrinterUnavailable(f"job {job_id} not printed after {timeout:g} s; {detail}")
                pause.wait(self.poll)
        except BaseException:
            if not settled:  # CUPS stopped answering mid-way: the job must not print later, nor stay
                self._give_up(conn, job_id)
            raise


@dataclass
class CapturedJob:
    id: int
    title: str
    duplex: bool
    pdf: bytes
    path: Path | None = None


class CaptureA4Printer(A4Printer):
    """Keeps every PDF in :attr:`jobs` (and, with ``folder``, as files of mode
    0600 there: the demo shows them). Faults as in FAULTS, from config or
    :meth:`inject_fault`, refuse jobs the way a real printer's state would."""

    def __init__(self, folder: str | Path | None = None, fault: str = ""):
        self.folder = Path(folder) if folder else None
        self.jobs: deque[CapturedJob] = deque(maxlen=KEEP_JOBS)
        self.name = "Imprimante A4 de démonstration"
        self._lock = threading.Lock()
        self.fault = ""
        self.inject_fault(fault)

    def inject_fault(self, name: str) -> None:
        if name and name not in FAULTS:
            raise ValueError(f"unknown printer fault {name!r}: expected one of {FAULTS}")
        self.fault = name

    def clear_fault(self) -> None:
        self.inject_fault("")

    def status(self) -> PrinterStatus:
        return {
            "": PrinterStatus.ONLINE,
            "paper-out": PrinterStatus.PAPER_OUT,
            "paper-low": PrinterStatus.PAPER_LOW,
            "cover-open": PrinterStatus.COVER_OPEN,
            "jam": PrinterStatus.JAM,
            "unplugged": PrinterStatus.UNREACHABLE,
        }[self.fault]

    def print_pdf(self, pdf: bytes, title: str = "Document", duplex: bool = False) -> int:
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("print_pdf takes a PDF document")
        raise_for(self.status(), f"capture A4 printer: {self.fault} (injected fault)")
        with self._lock:
            job = CapturedJob(len(self.jobs) + 1, title, duplex, bytes(pdf))
            if self.folder is not None:
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                job.path = self.folder / f"job-{job.id:04d}.pdf"
                fd = os.open(job.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(pdf)
            self.jobs.append(job)
        return job.id

    def wait(self, job_id: int, timeout: float = 120.0) -> None:
        if not any(job.id == job_id for job in self.jobs):
            raise PrinterError(f"no job {job_id} on the capture printer")
