"""Scanning in a process of its own, so that a hung SANE backend cannot freeze
the screen: :class:`ScanWorker` owns a child process that builds the Scanner
from the settings, scans, crops/deskews/encodes each page (pipeline.py) and
writes it, mode 0600, into the folder the caller gives (its tmpfs
workspace). Only page descriptions cross the pipe, never images.

Why a child started with ``subprocess`` and spoken to through
``multiprocessing.connection``, rather than a ``multiprocessing.Process``:
``spawn`` re-imports the parent's ``__main__`` in the child (the ``kiosk``
console script, hence Kivy), and ``fork`` from a process with Kivy's and
pyudev's threads is unsafe. ``python -m drivers.scanner._worker_child`` loads
only the drivers.

A job that gives no news for ``timeout`` seconds (no page, no progress) has a
hung backend: the child is killed, the job fails with ScannerTimeout and a new
child is started. ``cancel()`` asks the child to stop; if it has not within
``cancel_grace`` seconds it is killed the same way. A child that dies fails its
job with ScannerUnavailable, and the next call starts a new one. Errors cross
the boundary as the same ScannerError classes with their key, French template
and values; anything else the child raises is a bug, not a scanner's fault: it
crosses as :class:`ScanWorkerBug`, which no one shows to the user.

Callbacks (``on_progress``, ``on_page``, ``on_done``) run on the worker's
reader thread: a UI hands them over to its own thread (Kivy's
``Clock.schedule_once``).
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _base
from ._base import ScanCancelled, ScannerBusy, ScannerError, ScannerTimeout, ScannerUnavailable, check_source
from .processing import PageProcessing

if TYPE_CHECKING:
    from config import ScannerSettings

log = logging.getLogger(__name__)

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_ERRORS: dict[str, type[ScannerError]] = {
    cls.__name__: cls for cls in vars(_base).values() if isinstance(cls, type) and issubclass(cls, ScannerError)
}


class ScanWorkerBug(RuntimeError):
    """A programming error in the scan worker's child (see ``_worker_child.dump_error``),
    not a scanner's fault: the session lets it through to the kiosk's crash path.
    Its message is the child's traceback."""


def load_error(dumped: tuple[Any, ...]) -> ScannerError | ScanWorkerBug:
    """The error a child described as (class name, detail[, key, template, params]);
    class name "bug": a programming error, its detail the child's traceback."""
    name, detail, *told = dumped
    if name == "bug":
        return ScanWorkerBug(detail)
    cls = _ERRORS.get(name, ScannerError)
    error = cls(detail)
    if len(told) == 3:
        error.key, error.template, error.params = told
    return error


@dataclass(frozen=True)
class ScannedPage:
    """A processed page written by the worker: a JPEG file of mode 0600."""

    path: Path
    index: int  # 1-based, within its job
    width: int
    height: int
    mode: str  # "L" (grey) or "RGB"
    dpi: int
    size: int  # bytes
    quality: int
    skew: float
    cropped: bool
    reading: Any = None
    """What documents.read_page found on the page, when the scan asked for it
    (``read=``): checked and read in the child, beside the pipeline."""


@dataclass
class ScanProgress:
    pages_done: int = 0
    page_bytes: int = 0
    """Bytes of the page being scanned received so far."""
    page_expected: int | None = None
    """Bytes that page will have, when the device says."""
    preview: bytes | None = None
    """A small JPEG of the part of the page read so far (a live preview), when the device gives it."""

    @property
    def percent(self) -> float | None:
        """Progress of the current page, 0..100, or None when unknown."""
        if not self.page_expected:
            return None
        return min(100.0, 100.0 * self.page_bytes / self.page_expected)


@dataclass(eq=False)
class ScanJob:
    """One scan: pages arrive in :attr:`pages`; :meth:`wait` gives them all
    or raises the job's ScannerError."""

    id: int
    source: str
    resolution: int | None
    dest: Path
    on_progress: Callable[[ScanJob], None] | None = None
    on_page: Callable[[ScanJob, ScannedPage], None] | None = None
    on_done: Callable[[ScanJob], None] | None = None
    pages: list[ScannedPage] = field(default_factory=list)
    progress: ScanProgress = field(default_factory=ScanProgress)
    error: ScannerError | ScanWorkerBug | None = None
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)
    _worker: ScanWorker | None = field(default=None, repr=False)

    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> list[ScannedPage]:
        """The pages once the job is over; raises its ScannerError.
        TimeoutError if it is still running after ``timeout`` seconds."""
        if not self._finished.wait(timeout):
            raise TimeoutError(f"scan job {self.id} still running after {timeout} s")
        if self.error is not None:
            raise self.error
        return list(self.pages)

    def cancel(self) -> None:
        """Stop the scan (the child is killed if it does not stop in time).
        Pages already written stay in ``dest`` and in :attr:`pages`."""
        if self._worker is not None and not self.done():
            self._worker._cancel(self)

    def stop(self, timeout: float) -> bool:
        """Cancel and wait until the job is over; if it is not within
        ``timeout`` seconds, its child is killed now. Once this returns True
        nothing more is written into ``dest`` for this job: its child has
        stopped scanning, or is dead. (What a wipe of ``dest`` waits for.)"""
        self.cancel()
        if not self._finished.wait(max(0.0, timeout)) and self._worker is not None:
            self._worker._abort(self, f"killed: the job was not over {timeout:g} s after its cancel")
        return self.done()


class _Child:
    """One child process and what talks to it."""

    def __init__(self, proc: subprocess.Popen[bytes], data: Connection, control: Connection) -> None:
        self.proc = proc
        self.data = data
        self.control = control
        self.ready = threading.Event()
        self.failed: ScannerError | ScanWorkerBug | None = None
        self.name = ""
        self.dead = False

    def kill(self) -> None:
        self.dead = True
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.error("scanner worker %s survived SIGKILL", self.proc.pid)
        for conn in (self.data, self.control):
            try:
                conn.close()
            except OSError:
                pass


class ScanWorker:
    """Runs the scanner named by ``settings`` (a ``config.ScannerSettings``) in
    a child process. ``factory(settings) -> Scanner`` builds it there; it must
    be importable by name (a module-level function). None: ``make_scanner``,
    imported by the child only (scanners and the pipeline need Pillow and numpy).

    ``timeout``: seconds without news from a running job before its child is
    deemed hung (default: the settings' ``timeout`` plus 10 s, since the
    scanner applies its own first); ``cancel_grace``: seconds a cancelled job
    has to stop before its child is killed; ``start_timeout``: seconds for a
    child to start.
    """

    def __init__(
        self,
        settings: ScannerSettings,
        *,
        factory: Callable[[ScannerSettings], _base.Scanner] | None = None,
        processing: PageProcessing = PageProcessing(),
        timeout: float | None = None,
        cancel_grace: float = 2.0,
        start_timeout: float = 30.0,
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.processing = processing
        self.timeout = float(timeout if timeout is not None else getattr(settings, "timeout", 60.0) + 10.0)
        self.cancel_grace = cancel_grace
        self.start_timeout = start_timeout
        self._lock = threading.RLock()
        self._child: _Child | None = None
        self._job: ScanJob | None = None
        self._deadline = 0.0  # of the running job: news expected before then
        self._cancel_deadline: float | None = None
        self._ids = itertools.count(1)
        self._replies: dict[int, list[Any]] = {}
        self._reply_ready = threading.Condition(self._lock)
        self._closed = False
        self.restarts = 0
        """How many children were killed or died and were replaced (device health)."""

    # -- life of the child -----------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The child's process id, None before it starts."""
        child = self._child
        return child.proc.pid if child is not None and not child.dead else None

    def start(self) -> None:
        """Start the child now (otherwise the first call does)."""
        self._ensure_child()

    def _ensure_child(self) -> _Child:
        with self._lock:
            if self._closed:
                raise ScannerUnavailable("the scan worker is closed")
            child = self._child
            if child is None or child.dead:
                child = self._child = self._spawn()
        if not child.ready.wait(self.start_timeout):
            self._replace(child, ScannerUnavailable(f"scanner worker did not start in {self.start_timeout:g} s"))
            raise ScannerUnavailable(f"scanner worker did not start in {self.start_timeout:g} s")
        if child.failed is not None:
            raise child.failed
        if child.dead:
            raise ScannerUnavailable("the scanner worker died while starting")
        return child

    def _spawn(self) -> _Child:
        data_parent, data_child = socket.socketpair()
        control_parent, control_child = socket.socketpair()
        env = dict(os.environ)
        env["PYINSANE_SINGLE_THREAD"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
        fds = (data_child.fileno(), control_child.fileno())
        proc = subprocess.Popen(
            [sys.executable, "-m", "drivers.scanner._worker_child", *map(str, fds)],
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=str(_PROJECT_ROOT),
            start_new_session=True,
        )  # a Ctrl-C at the terminal goes to the kiosk, not to the scan
        data_child.close()
        control_child.close()
        child = _Child(proc, Connection(data_parent.detach()), Connection(control_parent.detach()))
        child.data.send(("init", self.settings, self.factory))
        threading.Thread(target=self._read, args=(child,), name=f"scan-worker-{proc.pid}", daemon=True).start()
        return child

    def _replace(self, child: _Child, error: ScannerError) -> None:
        """Kill ``child``, fail its job with ``error``, start a fresh child."""
        with self._lock:
            if child.dead and self._child is not child:
                return
            child.kill()
            self.restarts += 1
            job = self._job
            if self._child is child and not self._closed:
                self._child = self._spawn()
        if job is not None:
            self._finish(job, error)

    def close(self) -> None:
        """Stop the child (killed if it does not stop within a second)."""
        with self._lock:
            self._closed = True
            child, self._child = self._child, None
            job = self._job
        if child is not None and not child.dead:
            try:
                child.data.send(("stop",))
                child.proc.wait(timeout=1.0)
            except (OSError, subprocess.TimeoutExpired):
                pass
            child.kill()
        if job is not None:
            self._finish(job, ScanCancelled("the scan worker was closed"))

    def __enter__(self) -> ScanWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading the child -------------------------------------------------------

    def _read(self, child: _Child) -> None:
        while not child.dead:
            try:
                if not child.data.poll(0.05):
                    self._watch(child)
                    continue
                message = child.data.recv()
            except (EOFError, OSError):
                break
            self._handle(child, message)
        if not child.dead:  # the child died on its own
            code = child.proc.wait()
            child.dead = True
            with self._lock:
                job = self._job if self._child is child else None
                self.restarts += 1
                for waiting in self._replies.values():
                    if not waiting:
                        waiting.extend((False, ("ScannerUnavailable", "scanner worker died", "")))
                self._reply_ready.notify_all()
            child.ready.set()
            if job is not None:
                self._finish(job, ScannerUnavailable(f"the scanner worker died (exit code {code})"))

    def _watch(self, child: _Child) -> None:
        with self._lock:
            job = self._job if self._child is child else None
            now = time.monotonic()
            if job is None:
                return
            if self._cancel_deadline is not None and now > self._cancel_deadline:
                error: ScannerError = ScanCancelled(f"killed: no stop within {self.cancel_grace:g} s of cancel")
            elif now > self._deadline:
                error = ScannerTimeout(f"no news from the scanner for {self.timeout:g} s: backend hung, killed")
            else:
                return
        log.warning("scanner worker %s: %s", child.proc.pid, error)
        self._replace(child, error)

    def _handle(self, child: _Child, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            child.name = message[2]
            child.ready.set()
            return
        if kind == "failed":
            child.failed = load_error(message[1])
            child.ready.set()
            return
        if kind == "reply":
            _, request, ok, value = message
            with self._lock:
                if request in self._replies:
                    self._replies[request].extend((ok, value))
                    self._reply_ready.notify_all()
            return
        with self._lock:
            job = self._job
            if job is None or job.id != message[1]:
                return  # news of a job already given up
            self._deadline = time.monotonic() + self.timeout
        if kind == "progress":
            _, _, done, read, expected, *rest = message
            job.progress = ScanProgress(done, read, expected, rest[0] if rest else None)
            self._callback(job.on_progress, job)
        elif kind == "page":
            info = message[2]
            page = ScannedPage(path=Path(info.pop("path")), **info)
            job.pages.append(page)
            job.progress = ScanProgress(len(job.pages), 0, None)
            self._callback(job.on_page, job, page)
        elif kind == "done":
            cancelled = self._cancel_deadline is not None
            self._finish(job, ScanCancelled("cancelled by the caller") if cancelled else None)
        elif kind == "error":
            self._finish(job, load_error(message[2]))

    @staticmethod
    def _callback(callback: Callable[..., None] | None, *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            log.exception("scan callback failed")

    def _finish(self, job: ScanJob, error: ScannerError | ScanWorkerBug | None) -> None:
        with self._lock:
            if job.done():
                return
            job.error = error
            if self._job is job:
                self._job = None
                self._cancel_deadline = None
            job._finished.set()
        self._callback(job.on_done, job)

    # -- the port ----------------------------------------------------------------

    def start_scan(
        self,
        source: str = "flatbed",
        resolution: int | None = None,
        dest: str | Path | None = None,
        *,
        processing: PageProcessing | None = None,
        prefix: str = "page",
        on_progress: Callable[[ScanJob], None] | None = None,
        on_page: Callable[[ScanJob, ScannedPage], None] | None = None,
        on_done: Callable[[ScanJob], None] | None = None,
        read: str = "",
    ) -> ScanJob:
        """Start scanning ``source`` at ``resolution`` dpi (None: the
        scanner's own); pages are written as ``dest/<prefix>-NNN.jpg``, into
        ``dest`` only while it exists: the child never creates it (it is a
        user's workspace; once wiped, the job stops and fails ScanCancelled).
        Returns at once; one job at a time (ScannerUnavailable when busy).
        ``read``: what the pages should be (a pièce id, "photo", "timbre",
        "recepisse"): each is then checked and read in the child
        (documents.read_page), and its :attr:`ScannedPage.reading` says what it found."""
        check_source(source)
        if dest is None:
            raise ValueError("dest: the folder to write the pages into is required")
        dest = Path(dest)
        child = self._ensure_child()
        with self._lock:
            if self._job is not None:
                raise ScannerBusy("a scan is already running")
            job = ScanJob(
                next(self._ids),
                source,
                resolution,
                dest,
                on_progress=on_progress,
                on_page=on_page,
                on_done=on_done,
                _worker=self,
            )
            self._job = job
            self._deadline = time.monotonic() + self.timeout
            self._cancel_deadline = None
            try:
                child.data.send(
                    ("scan", job.id, source, resolution, str(dest), processing or self.processing, prefix, read)
                )
            except OSError as exc:
                self._job = None
                raise ScannerUnavailable(f"the scanner worker is gone: {exc}") from exc
        return job

    def scan(
        self, source: str = "flatbed", resolution: int | None = None, dest: str | Path | None = None, **kwargs: Any
    ) -> list[ScannedPage]:
        """:meth:`start_scan` and wait for its pages."""
        return self.start_scan(source, resolution, dest, **kwargs).wait()

    def cancel(self) -> None:
        """Cancel the running job, if any."""
        job = self._job
        if job is not None:
            self._cancel(job)

    def _cancel(self, job: ScanJob) -> None:
        with self._lock:
            if self._job is not job or self._cancel_deadline is not None:
                return
            self._cancel_deadline = time.monotonic() + self.cancel_grace
            child = self._child
        if child is not None:
            try:
                child.control.send(("cancel", job.id))
            except OSError:
                pass  # the reader sees the child die

    def _abort(self, job: ScanJob, why: str) -> None:
        """Kill the child running ``job`` (the job fails ScanCancelled); a new child is started."""
        with self._lock:
            child = self._child if self._job is job else None
        if child is not None and not child.dead:
            log.warning("scanner worker %s: %s", child.proc.pid, why)
            self._replace(child, ScanCancelled(why))

    def _call(self, kind: str, *args: Any, timeout: float = 15.0) -> Any:
        child = self._ensure_child()
        with self._lock:
            request = next(self._ids)
            self._replies[request] = []
            try:
                if kind == "fault":
                    child.control.send(("fault", request, *args))
                else:
                    child.data.send(("call", request, *args))
            except OSError as exc:
                del self._replies[request]
                raise ScannerUnavailable(f"the scanner worker is gone: {exc}") from exc
            if not self._reply_ready.wait_for(lambda: self._replies[request], timeout):
                del self._replies[request]
                raise ScannerTimeout(f"the scanner worker did not answer {args[0]!r} in {timeout:g} s")
            ok, value = self._replies.pop(request)
        if ok:
            return value
        if value[0] == "ValueError":
            raise ValueError(value[1])
        raise load_error(value)

    def _idle_call(self, method: str) -> Any:
        if self._job is not None:
            raise ScannerBusy("a scan is running")
        return self._call("call", method)

    def is_available(self) -> bool:
        """True when the scanner can be opened now (True while it scans)."""
        if self._job is not None:
            return True
        try:
            return bool(self._idle_call("is_available"))
        except ScannerError:
            return False

    def sources(self) -> list[str]:
        return list(self._idle_call("sources"))

    def duplex(self) -> bool:
        """The Scanner port's duplex capability (see Scanner.duplex)."""
        return bool(self._idle_call("duplex"))

    def inject_fault(self, name: str, after_pages: int = 0) -> None:
        """Inject a fault into the child's simulated scanner (also during a
        scan); ValueError for a scanner that takes none or an unknown fault."""
        self._call("fault", name, after_pages)

    def clear_fault(self) -> None:
        self.inject_fault("")
