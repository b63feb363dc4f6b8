"""Factories that turn settings into the kiosk's parts: the ANTS client, the
scanner and printer drivers, the statistics store, and the bundled mock
backend when the site runs in demo or training mode."""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from drivers.devices import DeviceStatus, DeviceWatch
from drivers.printer import make_a4_printer, make_receipt_printer
from drivers.scanner import PageProcessing, ScanWorker
from session import Catalogue, SessionFigures, StatsStore
from session.logbuffer import RecentLog
from session.wipe import (
    CheckReport,
    Finding,
    check_leftovers,
    default_places,
    needles_of,
    purge_workspaces,
    system_places,
)

from ._settings import Settings

if TYPE_CHECKING:  # imported where used: the HTTP client and a user's session are slow to load
    from ants import AntsClient, PendingLogouts
    from browser import LockedWindow
    from session import UserSession

log = logging.getLogger(__name__)


def make_client(settings: Settings) -> AntsClient:
    from ants import AntsClient

    a = settings.ants
    return AntsClient(a.base_url, timeout=a.timeout, retries=a.retries, verify=a.verify_tls)


def make_browser(settings: Settings) -> LockedWindow | None:
    """The locked window of FranceConnect and payment, or None (``[browser] driver = "none"``)."""
    b = settings.browser
    if b.driver == "none":
        return None
    from browser import LockedWindow

    size = None if settings.ui.fullscreen else (settings.ui.width, settings.ui.height)
    return LockedWindow(b.python, idle_seconds=b.idle_s, size=size)


def browser_allow(settings: Settings) -> list[str]:
    """The hosts the window may show: the site's list, or the ANTS service's own host."""
    return list(settings.browser.allow) or [urlparse(settings.ants.base_url).netloc]


@dataclass
class Services:
    """Everything a user's session is built from; one per running kiosk."""

    settings: Settings
    catalogue: Catalogue
    scanner: ScanWorker
    printer: object
    a4: object
    stats: StatsStore | None
    recent_log: RecentLog | None = None
    devices: DeviceStatus = field(default_factory=DeviceStatus)
    watch: DeviceWatch | None = None
    #: Tokens whose logout could not reach ANTS (ants.PendingLogouts), made on first use.
    _pending_logouts: PendingLogouts | None = None

    @property
    def pending_logouts(self) -> PendingLogouts:
        if self._pending_logouts is None:
            from ants import PendingLogouts

            self._pending_logouts = PendingLogouts(lambda: make_client(self.settings))
        return self._pending_logouts

    def logouts_pending(self) -> bool:
        return self._pending_logouts is not None and len(self._pending_logouts) > 0

    def retry_logouts(self) -> int:
        """Tell ANTS of the logouts it missed; returns how many are still pending."""
        pending = self._pending_logouts
        return pending.retry() if pending is not None and self.logouts_pending() else 0

    def watch_devices(self) -> None:
        """Follow scanners and printers coming and going (pyudev); the app calls it."""
        if self.watch is not None:
            return
        try:
            self.watch = DeviceWatch(on_change=self.devices.on_device_event)
            self.devices.load(self.watch.present())
            self.watch.start()
        except Exception as exc:  # no udev here (a container): the drivers' errors still report
            log.warning("device watch unavailable: %s", type(exc).__name__)
            self.watch = None

    def check_places(self) -> list[Path]:
        """Every place the kiosk may write to: searched after each wipe."""
        s = self.settings
        return default_places(s.workspace_root(), s.stats_path().parent, s.temp_dir())

    def new_session(self, procedure_id: str, on_change=None, require_tmpfs: bool = True) -> UserSession:
        from session import UserSession

        s = self.settings
        return UserSession(
            self.catalogue[procedure_id],
            workspace_root=s.workspace_root(),
            client=make_client(s),  # a fresh HTTP session per user: nothing shared between users
            scanner=self.scanner,
            printer=self.printer,
            a4=self.a4,
            site_name=s.site.name,
            suivi_url=s.ants.suivi_url,
            stats=self.stats,
            require_tmpfs=require_tmpfs,
            on_change=on_change,
            check_places=self.check_places(),
            check_exclude=s.mock_store_excluded(),
            recent_log=self.recent_log.texts if self.recent_log else None,
            pending_logouts=self.pending_logouts,
            browser=make_browser(s),
            browser_allow=browser_allow(s),
            franceconnect_client_id=s.browser.franceconnect_client_id,
        )

    def close(self) -> None:
        if self.watch is not None:
            self.watch.stop()
        self.scanner.close()
        if self.stats is not None:
            self.stats.close()

    def purge_leftovers(self) -> int:
        """Before anything is shown: delete what a crash or a kill left, and count it."""
        count = purge_workspaces(self.settings.workspace_root())
        if count and self.stats is not None:
            for _ in range(count):
                self.stats.record(SessionFigures(outcome="crash"))
        return count

    def verify_clean(
        self, canaries: Iterable[str] = (), *, time_limit: float | None = None, max_bytes: int | None = None
    ) -> CheckReport:
        """The wipe's check on demand: no workspace left, no journal beside the
        statistics, and none of the ``canaries`` in any place the kiosk writes to,
        within ``time_limit`` seconds and ``max_bytes`` read (session.wipe's
        defaults when None). Run by root, it reads the files of the kiosk's user
        (the owner of the kiosk's own folders) and that user's home too."""
        from session.wipe import BYTE_BUDGET, TIME_LIMIT, kiosk_writers

        s = self.settings
        root = s.workspace_root()
        own = self.check_places()
        writers = kiosk_writers(own)
        report = check_leftovers(
            own + system_places(writers),
            needles_of(canaries),
            exclude=s.mock_store_excluded(),
            writers=writers,
            time_limit=TIME_LIMIT if time_limit is None else time_limit,
            max_bytes=BYTE_BUDGET if max_bytes is None else max_bytes,
        )
        if root.exists():
            report.findings += [Finding(str(p), "workspace") for p in root.iterdir()]
        data = s.stats_path()
        for suffix in ("-wal", "-journal"):
            if Path(str(data) + suffix).exists():
                report.findings.append(Finding(str(data) + suffix, "journal"))
        return report

    def demo_codes(self) -> dict:
        if not self.settings.ui.show_demo_codes:
            return {}
        client = make_client(self.settings)
        try:
            return client.demo_codes()
        finally:
            client.close()


def offered(catalogue: Catalogue, procedure_ids: list[str]) -> Catalogue:
    """The procedures the site offers ([site] procedures), or all when it names none."""
    if not procedure_ids:
        return catalogue
    return Catalogue([p for p in catalogue if p.id in procedure_ids])


def build_services(settings: Settings, *, with_stats: bool = True, recent_log: RecentLog | None = None) -> Services:
    return Services(
        settings=settings,
        catalogue=offered(Catalogue.load(), settings.site.procedures),
        # The scanner lives in a child process of its own: a hung backend cannot freeze the kiosk.
        scanner=ScanWorker(settings.scanner, processing=PageProcessing(budget=settings.scanner.page_budget)),
        printer=make_receipt_printer(settings.printer),
        a4=make_a4_printer(settings.a4),
        stats=StatsStore(settings.stats_path(), training=settings.training()) if with_stats else None,
        recent_log=recent_log,
    )


def start_bundled_mock(settings: Settings) -> BundledMock:
    """Start the bundled mock and point ``settings``' ANTS client at it (its port may
    not be the configured one)."""
    mock = BundledMock(settings).start()
    settings.ants.base_url = mock.url
    return mock


class BundledMock:
    """The mock ANTS backend started as a child process (demo, training, simulate).

    Never another process in its place: a mock left by an earlier run, or any
    server on the port, would be taken for ANTS and handed users' dossiers. So
    the kiosk binds the listening socket itself (the configured port, or a free
    one when that is taken) and hands it to the child (``--fd``); before use, the
    child proves it was started with this object's secret (ants.mock.identity).
    Callers use :attr:`url`, which differs from ``[ants] base_url`` when the
    configured port was taken. The child ends with its parent (``--parent-pid``,
    PR_SET_PDEATHSIG: it follows the thread that started the child, so call
    :meth:`start` from the main thread), and by :meth:`stop`.

    Its store is in RAM unless ``[ants] mock_db`` names a file; what older
    versions kept beside the data directory is wiped on start.
    """

    def __init__(self, settings: Settings):
        url = urlparse(settings.ants.base_url)
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or 80
        self.db = settings.mock_db_path()
        self.legacy_db = settings.legacy_mock_db_path()
        self.proc: subprocess.Popen | None = None
        self._secret = secrets.token_hex(32)
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> BundledMock:
        from ants.mock.identity import IDENTITY_ENV

        if self.db is None:
            self._wipe_legacy_store()
        else:
            self.db.parent.mkdir(parents=True, exist_ok=True)
        self._sock = self._listen()
        self.port = self._sock.getsockname()[1]
        fd = self._sock.fileno()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ants.mock",
                "--fd",
                str(fd),
                "--db",
                str(self.db or ":memory:"),
                "--parent-pid",
                str(os.getpid()),
                "--log-level",
                "warning",
            ],
            pass_fds=[fd],
            env={**os.environ, IDENTITY_ENV: self._secret},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"ants-mock exited with status {self.proc.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"ants-mock did not answer on port {self.port} within {timeout:.0f}s")
            time.sleep(0.05)  # waiting for a child process to listen: bounded above
        return self

    def _listen(self) -> socket.socket:
        """The configured port when it is free, else one the system picks."""
        for port in (self.port, 0):
            sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((self.host, port))
            except OSError:
                sock.close()
                if port == 0:
                    raise
                log.warning("port %d is taken by another process: the bundled ANTS mock listens elsewhere", port)
                continue
            sock.listen(128)
            return sock
        raise AssertionError("unreachable")  # pragma: no cover

    def answers(self) -> bool:
        """Whether this object's own child answers at :attr:`url`: the HMAC of a fresh
        challenge with the secret it was started with."""
        import requests

        from ants.mock.identity import CHALLENGE, PROOF, proof

        challenge = secrets.token_hex(16)
        try:
            response = requests.get(self.url + "/health", headers={CHALLENGE: challenge}, timeout=1.0)
        except requests.RequestException:
            return False
        return response.ok and hmac.compare_digest(
            response.headers.get(PROOF, ""), proof(self._secret.encode(), challenge)
        )

    def _wipe_legacy_store(self) -> None:
        if not self.legacy_db.exists():
            return
        from ants.mock.store import Store

        Store.wipe_files(self.legacy_db)
        try:
            self.legacy_db.parent.rmdir()
        except OSError:  # something else in that folder: not ours to remove
            pass
        log.warning("wiped the bundled ANTS mock's store left in %s by an earlier version", self.legacy_db.parent)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self._sock is not None:
            self._sock.close()
            self._sock = None
