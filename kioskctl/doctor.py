"""``kioskctl doctor``: is this kiosk fit to serve? One line per check, pass or
fail, and for a failure what the technician does about it.

Each check talks to the real part the kiosk uses, through the same drivers and
settings: a test scan through the scanner's worker, the receipt printer's own
status answer (and a test ticket on request), the CUPS queue's attributes, an
HTTPS request to the backend with the certificate verified, a TCP connection to
the site bus, the mount table for the workspace, the kernel's clock state, the
free space, the statistics' record of the last wipe. Nothing personal is read
or written: the test scan is a page of whatever lies on the glass, written to a
temporary folder in RAM and deleted at once.

A check is *critical* when the kiosk cannot serve without it (the kiosk shows
"hors service" or a user would be stopped mid-way), a *warning* when it can
still serve (paper low, the A4 printer, the clock, the bus). The exit status
says the worst: 0 all passed, 1 a warning failed, 3 a critical check failed
(2 stays the configuration error, as for every kioskctl command).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from config import ConfigError, Settings, load_settings

CRITICAL, WARNING = "critique", "avertissement"
EXIT_OK, EXIT_WARNING, EXIT_CONFIG, EXIT_CRITICAL = 0, 1, 2, 3
#: Below this much free space on the statistics' disk the check fails (a full disk stops the statistics and the logs).
MIN_FREE_MB = 200


@dataclass(frozen=True)
class Result:
    """One check's outcome: ``detail`` says what was seen, ``fix`` what to do when it failed."""

    name: str
    ok: bool
    severity: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "OK   " if self.ok else ("ÉCHEC" if self.severity == CRITICAL else "ALERTE")
        text = f"{mark:<6} {self.name:<16} {self.detail}"
        return text if self.ok or not self.fix else f"{text} → {self.fix}"


def exit_status(results: Iterable[Result]) -> int:
    failed = {r.severity for r in results if not r.ok}
    if any(r.name == "configuration" for r in results if not r.ok):
        return EXIT_CONFIG
    return EXIT_CRITICAL if CRITICAL in failed else EXIT_WARNING if WARNING in failed else EXIT_OK


# -- the checks ----------------------------------------------------------------------


def check_config(files: list[str]) -> tuple[Result, Settings | None]:
    try:
        settings = load_settings(*files)
    except ConfigError as exc:
        return Result("configuration", False, CRITICAL, str(exc), "corrigez la clé nommée dans ce fichier"), None
    return Result("configuration", True, CRITICAL, ", ".join(files) or "valeurs par défaut"), settings


def check_scanner(settings: Settings) -> Result:
    from drivers.scanner import PageProcessing, ScannerError, ScanWorker, ScanWorkerBug

    s = settings.scanner
    name = f"{s.driver} {s.device or '(premier trouvé)'}" if s.driver == "sane" else s.driver
    fix = "vérifiez le câble USB et l'alimentation du scanner, puis `scanimage -L`"
    with ScanWorker(s, processing=PageProcessing(budget=s.page_budget), start_timeout=20) as worker:
        with tempfile.TemporaryDirectory(prefix="pointnum-doctor-") as folder:
            try:
                pages = worker.scan("flatbed", dest=folder, prefix="doctor")
            except (ScannerError, ScanWorkerBug) as exc:
                return Result("scanner", False, CRITICAL, f"{name} : {type(exc).__name__}: {exc}", fix)
    if not pages:
        return Result("scanner", False, CRITICAL, f"{name} : la numérisation n'a rendu aucune page", fix)
    page = pages[0]
    return Result("scanner", True, CRITICAL, f"{name} : page de test {page.width}×{page.height} à {page.dpi} dpi")


def _printer_name(settings: Settings) -> str:
    p = settings.printer
    where = {
        "network": f"{p.host}:{p.port}",
        "usb": f"{p.usb_vendor:04x}:{p.usb_product:04x}",
        "serial": p.serial_device,
    }
    return f"{p.driver} {where.get(p.driver, p.file)}".strip()


def check_printer(settings: Settings, *, test_ticket: bool = False) -> Result:
    from drivers.printer import PrinterError, PrinterStatus, Receipt, make_receipt_printer

    name = _printer_name(settings)
    try:
        printer = make_receipt_printer(settings.printer)
    except PrinterError as exc:
        return Result("imprimante", False, CRITICAL, f"{name} : {exc}", "installez la bibliothèque nommée")
    status = printer.status()
    fixes = {
        PrinterStatus.PAPER_OUT: "mettez un rouleau de papier",
        PrinterStatus.COVER_OPEN: "fermez le capot de l'imprimante",
        PrinterStatus.UNREACHABLE: "vérifiez que l'imprimante est allumée et branchée ([printer] dans le fichier)",
        PrinterStatus.OFFLINE: "l'imprimante est hors ligne : voyez son voyant d'erreur",
    }
    if status is PrinterStatus.PAPER_LOW:
        return Result("imprimante", False, WARNING, f"{name} : papier bientôt épuisé", "préparez un rouleau neuf")
    if status is not PrinterStatus.ONLINE:
        return Result("imprimante", False, CRITICAL, f"{name} : {status.value}", fixes.get(status, ""))
    if not test_ticket:
        return Result("imprimante", True, CRITICAL, f"{name} : en ligne, papier présent")
    ticket = Receipt(
        title="Ticket de test",
        lines=[("Site", settings.site.name), ("Heure", time.strftime("%d/%m/%Y %H:%M"))],
        footer=["kioskctl doctor --test-ticket"],
    )
    try:
        printer.print_receipt(ticket)
    except PrinterError as exc:
        return Result("imprimante", False, CRITICAL, f"{name} : ticket de test : {exc}", fixes.get(status, ""))
    return Result("imprimante", True, CRITICAL, f"{name} : en ligne, ticket de test imprimé")


def check_a4(settings: Settings) -> Result:
    from drivers.printer import PrinterStatus, make_a4_printer

    a = settings.a4
    if a.driver != "cups":
        return Result("file CUPS", True, WARNING, f"{a.driver} (pas de file CUPS configurée)")
    queue = f"{a.queue or '(file par défaut)'} sur {a.host or 'localhost'}:{a.port}"
    status = make_a4_printer(a).status()
    if status is PrinterStatus.UNREACHABLE:
        return Result("file CUPS", False, WARNING, f"{queue} : injoignable", "`lpstat -t` ; démarrez cups")
    if status is PrinterStatus.OFFLINE:
        return Result(
            "file CUPS",
            False,
            WARNING,
            f"{queue} : arrêtée ou n'accepte pas les travaux",
            f"`cupsenable {a.queue or '<file>'}` puis `cupsaccept {a.queue or '<file>'}`",
        )
    if not status.can_print:
        return Result("file CUPS", False, WARNING, f"{queue} : {status.value}", "voyez l'imprimante A4")
    return Result("file CUPS", True, WARNING, f"{queue} : accepte les travaux")


def check_backend(settings: Settings) -> Result:
    if settings.ants.start_bundled_mock:  # demo and training: the kiosk starts it; so does this check
        from config.factories import start_bundled_mock

        try:
            mock = start_bundled_mock(settings)
        except RuntimeError as exc:
            return Result("backend ANTS", False, CRITICAL, f"backend de formation : {exc}", "voyez le journal")
        try:
            result = _check_url(settings)
        finally:
            mock.stop()
        return Result(result.name, result.ok, result.severity, "formation, " + result.detail, result.fix)
    return _check_url(settings)


def _check_url(settings: Settings) -> Result:
    import requests

    url = settings.ants.base_url
    parsed = urlparse(url)
    if not url:
        return Result("backend ANTS", False, CRITICAL, "[ants] base_url vide", "donnez l'adresse du service ANTS")
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not loopback:
        return Result("backend ANTS", False, CRITICAL, f"{url} : pas en HTTPS", "une adresse https:// est attendue")
    if not settings.ants.verify_tls and not loopback:
        return Result("backend ANTS", False, CRITICAL, f"{url} : certificat non vérifié", "[ants] verify_tls = true")
    try:
        response = requests.get(url.rstrip("/") + "/health", timeout=settings.ants.timeout, verify=True)
    except requests.exceptions.SSLError as exc:
        reason = exc.args[0] if exc.args else exc
        return Result(
            "backend ANTS",
            False,
            CRITICAL,
            f"{url} : certificat TLS refusé ({_ssl_reason(reason)})",
            "vérifiez l'heure et le proxy ; le certificat doit être valide",
        )
    except requests.RequestException as exc:
        return Result(
            "backend ANTS", False, CRITICAL, f"{url} : injoignable ({type(exc).__name__})", "vérifiez le réseau"
        )
    if response.status_code >= 500:
        return Result("backend ANTS", False, CRITICAL, f"{url} : HTTP {response.status_code}", "service indisponible")
    tls = "TLS vérifié" if parsed.scheme == "https" else "boucle locale"
    return Result("backend ANTS", True, CRITICAL, f"{url} : répond (HTTP {response.status_code}, {tls})")


def _ssl_reason(error: object) -> str:
    text = str(error)
    for known in ("self-signed certificate", "certificate has expired", "unable to get local issuer", "hostname"):
        if known in text:
            return known
    return text[-80:]


def check_bus(host: str, port: int, timeout: float = 3.0) -> Result:
    """The site bus's broker accepts a TCP connection (its login is the kiosk's own business)."""
    if not host:
        return Result("bus du site", True, WARNING, "aucun bus configuré")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        return Result(
            "bus du site",
            False,
            WARNING,
            f"{host}:{port} : injoignable ({exc.strerror or type(exc).__name__})",
            "démarrez mosquitto sur le poste du site, vérifiez le pare-feu",
        )
    return Result("bus du site", True, WARNING, f"{host}:{port} : joignable")


def check_bus_login(settings: Settings, timeout: float = 5.0) -> Result:
    """The broker takes the kiosk's own login: an MQTT CONNECT with its user and password (and
    TLS as configured), under a client id of its own so that the running kiosk is not disconnected;
    nothing is published."""
    bus = settings.sitebus
    reachable = check_bus(bus.host, bus.port, timeout)
    if not bus.host or not reachable.ok:
        return reachable
    import ssl
    import threading

    import paho.mqtt.client as mqtt

    answer: list[object] = []
    answered = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"doctor-{bus.kiosk}-{os.getpid()}")
    client.username_pw_set(bus.username or bus.kiosk, bus.password)
    if bus.tls:
        client.tls_set(ca_certs=bus.ca_file or None, cert_reqs=ssl.CERT_REQUIRED)

    def on_connect(_c: object, _u: object, _f: object, reason: object, _p: object = None) -> None:
        answer.append(reason)
        answered.set()

    client.on_connect = on_connect
    where = f"{bus.host}:{bus.port}"
    try:
        client.connect(bus.host, bus.port, keepalive=5)
        client.loop_start()
        if not answered.wait(timeout):
            return Result("bus du site", False, WARNING, f"{where} : pas de réponse MQTT", "est-ce bien mosquitto ?")
    except (OSError, ssl.SSLError) as exc:
        return Result("bus du site", False, WARNING, f"{where} : {type(exc).__name__}", "vérifiez [sitebus] tls")
    finally:
        client.disconnect()
        client.loop_stop()
    reason = answer[0]
    if getattr(reason, "is_failure", False):
        return Result(
            "bus du site",
            False,
            WARNING,
            f"{where} : connexion refusée ({reason})",
            "vérifiez [sitebus] username et password, et le fichier de mots de passe de mosquitto",
        )
    return Result("bus du site", True, WARNING, f"{where} : connecté en tant que {bus.username or bus.kiosk}")


def check_workspace(settings: Settings) -> Result:
    from session.workspace import _is_tmpfs

    root = settings.workspace_root()
    where = root if root.exists() else root.parent
    if not _is_tmpfs(where.resolve()):
        return Result(
            "espace en RAM",
            False,
            CRITICAL,
            f"{where} n'est pas un tmpfs : le kiosque refusera d'y écrire",
            "[workspace] root doit être sur un tmpfs (/run/pointnum)",
        )
    return Result("espace en RAM", True, CRITICAL, f"{where} : tmpfs")


class _Timex(ctypes.Structure):
    # struct timex (linux/timex.h): modes first, then fields this check does not read; 208 bytes on x86-64.
    _fields_ = [("modes", ctypes.c_uint), ("_rest", ctypes.c_byte * 204)]


TIME_ERROR = 5  # adjtimex's answer while the clock is not synchronised (STA_UNSYNC)


def clock_synchronised() -> bool:
    """The kernel's own word (what timedatectl's NTPSynchronized reads): adjtimex,
    read-only, says TIME_ERROR until an NTP daemon has set the clock."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    state = int(libc.adjtimex(ctypes.byref(_Timex(modes=0))))
    return state not in (-1, TIME_ERROR)


def check_clock(synchronised: Callable[[], bool] = clock_synchronised) -> Result:
    if not synchronised():
        return Result(
            "horloge",
            False,
            WARNING,
            "non synchronisée (NTP)",
            "`timedatectl set-ntp true` ; une horloge fausse fait refuser les certificats TLS",
        )
    return Result("horloge", True, WARNING, "synchronisée (NTP)")


def check_disk(settings: Settings, min_free_mb: float = MIN_FREE_MB) -> Result:
    folder = settings.stats_path().parent
    while not folder.exists():
        folder = folder.parent
    free_mb = shutil.disk_usage(folder).free / 1e6
    if free_mb < min_free_mb:
        return Result(
            "disque",
            False,
            CRITICAL,
            f"{folder} : {free_mb:.0f} Mo libres (moins de {min_free_mb:.0f})",
            "libérez de la place (journalctl --vacuum-size=100M)",
        )
    return Result("disque", True, CRITICAL, f"{folder} : {free_mb:.0f} Mo libres")


def check_last_wipe(settings: Settings) -> Result:
    """The statistics say whether the last session's wipe was verified clean."""
    import sqlite3

    path = settings.stats_path()
    if not path.exists():
        return Result("dernier effacement", True, CRITICAL, "aucune session encore")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT outcome, wipe_failed FROM sessions ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # no table yet
        row = None
    finally:
        conn.close()
    if row is None:
        return Result("dernier effacement", True, CRITICAL, "aucune session encore")
    if row[1]:
        return Result(
            "dernier effacement",
            False,
            CRITICAL,
            "la dernière session n'a pas été effacée proprement",
            "lancez `kioskctl verify-clean` puis redémarrez le kiosque",
        )
    return Result("dernier effacement", True, CRITICAL, f"propre (dernière session : {row[0]})")


def run(
    files: list[str],
    *,
    test_ticket: bool = False,
    min_free_mb: float = MIN_FREE_MB,
    synchronised: Callable[[], bool] = clock_synchronised,
    only: Iterable[str] | None = None,
) -> list[Result]:
    """Every check, in the order a technician would go; ``only``: the names of those to run."""
    config, settings = check_config(files)
    if settings is None:
        return [config]
    wanted = set(only) if only is not None else None
    checks: list[tuple[str, Callable[[], Result]]] = [
        ("scanner", lambda: check_scanner(settings)),
        ("printer", lambda: check_printer(settings, test_ticket=test_ticket)),
        ("a4", lambda: check_a4(settings)),
        ("backend", lambda: check_backend(settings)),
        ("bus", lambda: check_bus_login(settings)),
        ("workspace", lambda: check_workspace(settings)),
        ("clock", lambda: check_clock(synchronised)),
        ("disk", lambda: check_disk(settings, min_free_mb)),
        ("wipe", lambda: check_last_wipe(settings)),
    ]
    return [config] + [check() for key, check in checks if wanted is None or key in wanted]


CHECK_NAMES = ("scanner", "printer", "a4", "backend", "bus", "workspace", "clock", "disk", "wipe")


def main(args: Any, files: list[str]) -> int:
    results = run(files, test_ticket=args.test_ticket, min_free_mb=args.min_free_mb, only=args.only or None)
    for result in results:
        print(result.line(), flush=True)
    status = exit_status(results)
    summary = {EXIT_OK: "tout est bon", EXIT_WARNING: "à surveiller", EXIT_CONFIG: "configuration invalide"}
    print(f"doctor : {summary.get(status, 'hors service')} (code {status})")
    return status
