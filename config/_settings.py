"""The kiosk's settings as pydantic models: one per section of the TOML file.

Each field has its type, its default and its description (``Field(description=)``
rather than a docstring under it: pydantic reads those from the source, some
20 ms more before the welcome screen; ``Settings.model_json_schema()`` shows
them all). Models refuse a key they do not know (``extra="forbid"``: a misspelt
key must not leave a default silently in place) and are strict: ``port =
"9100"`` is an error, not 9100, as a technician who quoted a number may have
meant something else. A driver's name is one its factory knows: the ``Literal``
types come from the driver packages, which key their factory maps by them.

:func:`load_settings` reads the packaged ``defaults.toml``, then each site file,
then the command line's overrides; each layer is migrated to the current
``config_version`` (:data:`MIGRATIONS`) and validated alone, so that an error
names the file it is in, then the layers are merged key by key. pydantic's
errors become one :class:`ConfigError` line naming the file, the key, the
value and what is expected, in French, for the technician.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from drivers.printer._factory import A4PrinterDriver, ReceiptPrinterDriver
from drivers.scanner import MAX_RESOLUTION
from drivers.scanner._factory import ScannerDriver

log = logging.getLogger(__name__)

#: The layout of the settings this code reads; a file written for an older one
#: is migrated (:data:`MIGRATIONS`).
CONFIG_VERSION = 2

#: Where an appliance keeps its site file (see install.sh).
SITE_FILE = Path("/etc/pointnum/kiosk.toml")
#: Where an appliance writes its Prometheus textfile (systemd/tmpfiles.d/pointnum.conf).
METRICS_DIR = "/var/lib/pointnum-metrics"


class ConfigError(ValueError):
    """A setting a technician must fix: names the file, the key and the value."""

    def __init__(self, source: str, key: str, value: object, reason: str):
        self.source, self.key, self.value, self.reason = source, key, value, reason
        super().__init__(f"{source}: [{key}] = {value!r}: {reason}")


# -- Migrations ---------------------------------------------------------------------

Migrate = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Migration:
    """How a file written for ``config_version`` ``version`` becomes one for
    ``version + 1``: ``apply`` takes the file's raw TOML (a dict) and returns it
    changed; ``message`` says to the technician what changed (in French)."""

    version: int
    message: str
    apply: Migrate


#: ``config_version`` N -> the migration from N to N + 1. Every version before
#: CONFIG_VERSION has one (a test checks it); version 1 is the first.
MIGRATIONS: dict[int, Migration] = {}


def migration(version: int, message: str) -> Callable[[Migrate], Migrate]:
    """Register the decorated function as the migration from ``version`` to the next."""

    def register(apply: Migrate) -> Migrate:
        MIGRATIONS[version] = Migration(version, message, apply)
        return apply

    return register


#: What ``[ants] base_url`` was by default up to config_version 1: the bundled mock's address.
VERSION_1_BASE_URL = "http://127.0.0.1:8765"


@migration(
    1,
    "[ants] base_url n'a plus de valeur par défaut ; un fichier qui n'en donnait pas garde celle d'avant, "
    f"{VERSION_1_BASE_URL} (le backend de formation local) : écrivez l'adresse du service ANTS",
)
def _explicit_base_url(data: dict[str, Any]) -> dict[str, Any]:
    ants = data.get("ants", {})
    if not isinstance(ants, dict) or "base_url" in ants:
        return data  # nothing changes; a wrong [ants] is the validation's to report
    return {**data, "ants": {**ants, "base_url": VERSION_1_BASE_URL}}


def migrate(data: dict[str, Any], source: str) -> dict[str, Any]:
    """``data`` (a file's raw TOML) brought to CONFIG_VERSION, each step logged for
    the technician. A file without ``config_version`` is taken as current."""
    version = data.get("config_version", CONFIG_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ConfigError(source, "config_version", version, "type attendu : int")
    while version != CONFIG_VERSION:
        step = MIGRATIONS.get(version) if version < CONFIG_VERSION else None
        if step is None:
            raise ConfigError(
                source, "config_version", data.get("config_version"), f"version {CONFIG_VERSION} attendue"
            )
        data = {**step.apply(data), "config_version": version + 1}
        log.warning(
            "%s: config_version %d -> %d: %s (mettez le fichier à jour)", source, version, version + 1, step.message
        )
        version += 1
    return data


# -- Field types ----------------------------------------------------------------------


def _setting_error(reason: str) -> PydanticCustomError:
    # Its message is the reason given to the technician as it is (see _reason).
    return PydanticCustomError("setting", reason)


def _current_version(value: int) -> int:
    if value != CONFIG_VERSION:  # a file's older version is migrated before it is validated
        raise _setting_error(f"version {CONFIG_VERSION} attendue")
    return value


def _clock_time(value: str) -> str:
    if value and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise _setting_error("heure attendue au format HH:MM, par exemple 18:30")
    return value


def _time_range(value: str) -> str:
    match = re.fullmatch(r"(([01]\d|2[0-3]):[0-5]\d)-(([01]\d|2[0-3]):[0-5]\d|24:00)", value)
    if not match or match.group(1) >= match.group(3):
        raise _setting_error('plage attendue au format "HH:MM-HH:MM", la fin après le début, par exemple "08:30-12:30"')
    return value


def _closed_day(value: str) -> str:
    # A date (2026-07-14), or a day of every year (12-25).
    if not re.fullmatch(r"(\d{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", value):
        raise _setting_error('jour attendu au format "AAAA-MM-JJ", ou "MM-JJ" pour chaque année, par exemple "12-25"')
    return value


def _procedure_ids() -> list[str]:
    # The catalogue's files are named by their procedure's id (session/procedures/<id>.toml).
    folder = resources.files("session").joinpath("procedures")
    return sorted(f.name[: -len(".toml")] for f in folder.iterdir() if f.name.endswith(".toml"))


def _procedure(value: str) -> str:
    known = _procedure_ids()
    if value not in known:
        raise _setting_error("démarches possibles : " + ", ".join(known))
    return value


def _resolution(value: int) -> int:
    # Every page is bounded to an A4 sheet at this resolution (drivers/scanner/_base.py).
    if not 0 < value <= MAX_RESOLUTION:
        raise _setting_error(f"entre 1 et {MAX_RESOLUTION} dpi")
    return value


#: The e-mail providers most people in France have, most used first: each a key of the
#: on-screen keyboard's e-mail layout that types "@" and the whole domain in one touch.
EMAIL_DOMAINS = (
    "gmail.com",
    "orange.fr",
    "hotmail.fr",
    "yahoo.fr",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "outlook.fr",
)


def _email_domain(value: str) -> str:
    # Letters, digits and hyphens between the dots, a top-level domain of letters: what a
    # provider's domain is (an IDN in its xn-- form). The key adds the "@" itself.
    label = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
    if len(value) > 253 or not re.fullmatch(rf"({label}\.)+[a-z]{{2,63}}", value):
        raise _setting_error('nom de domaine attendu, en minuscules et sans "@", par exemple "orange.fr"')
    return value


def _scalar(value: Any) -> Any:
    if not isinstance(value, (str, int, float)):  # bool is an int
        raise _setting_error("un texte, un nombre ou true/false attendu")
    return value


Version = Annotated[int, AfterValidator(_current_version)]
TimeRange = Annotated[str, AfterValidator(_time_range)]
ProcedureId = Annotated[str, AfterValidator(_procedure)]
ClosedDay = Annotated[str, AfterValidator(_closed_day)]
Seconds = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
ClockTime = Annotated[str, AfterValidator(_clock_time)]
EmailDomain = Annotated[str, AfterValidator(_email_domain)]
Resolution = Annotated[int, AfterValidator(_resolution)]
SaneOption = Annotated[Any, AfterValidator(_scalar)]
#: Faults the simulated scanner offers (drivers/scanner/_simulated.py FAULTS; a test keeps them equal).
ScannerFault = Literal["", "unplugged", "jam", "timeout", "no-paper", "cover-open", "hang"]
#: Faults the capture A4 printer offers (drivers/printer/a4.py FAULTS; a test keeps them equal).
A4Fault = Literal["", "paper-out", "paper-low", "cover-open", "jam", "unplugged"]
#: What an unanswered status request means (drivers/printer/_receipt.py UNANSWERED; a test keeps them equal).
Unanswered = Literal["fail", "assume_ok"]


class _Section(BaseModel):
    # Attributes may be set after loading (the bundled mock's address, tests): not validated then.
    model_config = ConfigDict(extra="forbid", strict=True)


# -- The sections ---------------------------------------------------------------------


class SiteSettings(_Section):
    """``[site]``: the place the kiosk serves."""

    name: str = Field(
        default="Point numérique (démonstration)", description=("Name of the site, printed on the récépissé.")
    )
    code: str = Field(default="DEMO", description="Short code of the site, kept in the anonymous statistics.")
    departement: str = Field(default="75", description="Département of the site (two or three characters).")
    training: bool = Field(
        default=False, description="A training kiosk: its sessions are counted apart in the statistics."
    )
    procedures: list[ProcedureId] = Field(
        default_factory=list,
        description="The procedures this site offers, by id (kioskctl procedures); empty: every one.",
    )
    closing_time: ClockTime = Field(
        default="",
        description=('Closing time of the site, "HH:MM": any session begun before it is ended then. Empty: none.'),
    )


def _day_field(name: str) -> Any:
    return Field(default_factory=list, description=f'Opening hours on {name}: ranges "HH:MM-HH:MM"; none: closed.')


class HoursSettings(_Section):
    """``[hours]``: when the site is open (session/opening.py). No range on any day: always open."""

    monday: list[TimeRange] = _day_field("Monday")
    tuesday: list[TimeRange] = _day_field("Tuesday")
    wednesday: list[TimeRange] = _day_field("Wednesday")
    thursday: list[TimeRange] = _day_field("Thursday")
    friday: list[TimeRange] = _day_field("Friday")
    saturday: list[TimeRange] = _day_field("Saturday")
    sunday: list[TimeRange] = _day_field("Sunday")
    closed_days: list[ClosedDay] = Field(
        default_factory=list,
        description='Days the site is closed: "YYYY-MM-DD", or "MM-DD" every year (public holidays).',
    )
    warning_min: Count = Field(
        default=10, description="Minutes before closing when the kiosk says it will close (and then wipes)."
    )
    nearby: list[str] = Field(
        default_factory=list,
        description="Other points numériques of the département, shown while closed (one line each: name, place).",
    )
    site_url: str = Field(default="", description="The préfecture's web site, shown while closed.")


class AntsSettings(_Section):
    """``[ants]``: the ANTS service the kiosk files the demandes with."""

    base_url: str = Field(
        default="",
        description=(
            "Base URL of the ANTS service: no default, every site file says it (https://… in production; "
            "http://127.0.0.1:8765 with start_bundled_mock for demo and training). Empty: the kiosk is out of order."
        ),
    )
    timeout: Seconds = Field(default=10.0, description="Seconds before a call to ANTS is abandoned.")
    retries: Count = Field(default=2, description="Retries, with backoff, of idempotent calls only.")
    verify_tls: bool = Field(
        default=True, description=("Verify the server's TLS certificate (never turn off on a real site).")
    )
    start_bundled_mock: bool = Field(
        default=False, description=("Start the bundled mock backend with the kiosk (demo and training).")
    )
    mock_db: str = Field(
        default="",
        description=(
            "SQLite file of the bundled mock; empty (the default) keeps its store in RAM only, gone "
            "when the mock stops: "
            "it holds the dossiers of the people the kiosk serves."
        ),
    )
    suivi_url: str = Field(
        default="",
        description=(
            "Address printed as a QR code on the récépissé to follow the demande, with {numero}; "
            "empty (the default): each family's own (session/families.toml: permis, carte grise, identité)."
        ),
    )


class ScannerSettings(_Section):
    """``[scanner]``: the document scanner (drivers/scanner)."""

    driver: ScannerDriver = Field(
        default="simulated", description=("``sane`` (pyinsane2 on SANE) or ``simulated`` (images from a folder).")
    )
    device: str = Field(
        default="", description=("SANE device name (``test:0``, ``epson2:libusb:001:004``); empty takes the first.")
    )
    folder: str = Field(
        default="", description=("Folder of document images for the simulated scanner; empty uses the bundled samples.")
    )
    resolution: Resolution = Field(
        default=300,
        description=("Scan resolution in dpi, at most 600 (every page is bounded to an A4 sheet at 600 dpi)."),
    )
    mode: Literal["Color", "Gray", "Lineart"] = Field(
        default="Color", description=("SANE scan mode: Color, Gray or Lineart.")
    )
    timeout: Seconds = Field(default=60.0, description="Seconds before a scan that gives no image is abandoned.")
    fault: ScannerFault = Field(
        default="",
        description=(
            "Simulated scanner only: inject a fault (``unplugged``, ``jam``, ``no-paper``, "
            "``cover-open``, ``timeout``, "
            "``hang``)."
        ),
    )
    duplex: bool = Field(
        default=False, description=("Simulated scanner: its feeder scans both sides (source adf-duplex).")
    )
    adf_pages: Count = Field(
        default=3, description=("Simulated scanner: pages (sheets when duplex) a feeder scan gives.")
    )
    fault_file: str = Field(
        default="",
        description=(
            "Simulated scanner: while this file exists, its text ``<fault> [after_pages]`` is the injected fault."
        ),
    )
    page_seconds: Seconds = Field(
        default=0.0,
        description=(
            "Simulated scanner: seconds each page takes to come (a slow scanner; a cancel is seen between pages)."
        ),
    )
    options: dict[str, SaneOption] = Field(
        default_factory=dict, description=("SANE options by name set before each scan (a technician's escape hatch).")
    )
    page_budget: Count = Field(
        default=1_000_000,
        description=("Bytes at most per processed page (JPEG quality, then resolution, lowered to fit)."),
    )


class PrinterSettings(_Section):
    """``[printer]``: the receipt printer (ESC/POS, drivers/printer)."""

    driver: ReceiptPrinterDriver = Field(
        default="capture",
        description=("``network``, ``usb``, ``serial``, ``file`` or ``capture`` (keeps the bytes, demo)."),
    )
    host: str = Field(default="127.0.0.1", description="Network printers: host name or address.")
    port: Count = Field(default=9100, description="Network printers: TCP port.")
    usb_vendor: Count = Field(default=0, description="USB printers: vendor id (e.g. 0x04b8).")
    usb_product: Count = Field(default=0, description="USB printers: product id.")
    serial_device: str = Field(default="/dev/ttyUSB0", description="Serial printers: device file.")
    file: str = Field(
        default="",
        description=("File printers: device or file path; capture printer: where to copy the bytes (optional)."),
    )
    profile: str = Field(
        default="TM-T20II", description=("python-escpos printer profile: paper width, code pages, QR support.")
    )
    timeout: Seconds = Field(default=10.0, description="Seconds before a printer that does not answer is abandoned.")
    status_timeout: Seconds = Field(
        default=1.0,
        description=("Seconds a status request (DLE EOT, before and after each job) waits for the printer's answer."),
    )
    status_unanswered: Unanswered = Field(
        default="fail",
        description=(
            "What a printer that does not answer a status request means: ``fail`` (the récépissé is not counted as "
            "printed; the user is told and may reprint) or ``assume_ok`` (only for a printer that "
            "cannot answer, a print "
            "server: printed on the site's word)."
        ),
    )


class A4Settings(_Section):
    """``[a4]``: the A4 printer (CUPS, drivers/printer/a4.py)."""

    driver: A4PrinterDriver = Field(
        default="capture", description=("``cups`` (a CUPS queue) or ``capture`` (keeps the PDFs: demo).")
    )
    queue: str = Field(default="", description="CUPS queue name; empty: the scheduler's default queue.")
    host: str = Field(default="", description="CUPS scheduler host; empty: the local scheduler.")
    port: Count = Field(default=631, description="CUPS scheduler port.")
    timeout: Seconds = Field(default=10.0, description="Seconds before a scheduler that does not answer is abandoned.")
    folder: str = Field(
        default="", description=("Capture printer: where to keep the PDFs (on tmpfs); empty: in memory only.")
    )
    fault: A4Fault = Field(
        default="",
        description=(
            "Capture printer: inject a fault (``paper-out``, ``paper-low``, ``cover-open``, ``jam``, ``unplugged``)."
        ),
    )


class WorkspaceSettings(_Section):
    """``[workspace]``: where a user's files are kept, in RAM."""

    root: str = Field(
        default="",
        description=("Directory on tmpfs holding each user's workspace; empty picks /run/pointnum or /dev/shm."),
    )
    temp_dir: str = Field(
        default="",
        description=("The kiosk's private temporary folder (TMPDIR), on tmpfs; empty: beside the workspaces."),
    )


class StatsSettings(_Section):
    """``[stats]``: the anonymous statistics."""

    path: str = Field(
        default="",
        description=("Anonymous statistics database; empty picks /var/lib/pointnum or the user data directory."),
    )


class MetricsSettings(_Section):
    """``[metrics]``: the Prometheus textfile for node_exporter (kioskctl/metrics.py)."""

    textfile: str = Field(
        default="",
        description=(
            "The textfile node_exporter's textfile collector reads (a name ending in .prom); empty: "
            "/var/lib/pointnum-metrics/pointnum.prom on an appliance, else metrics/pointnum.prom beside the statistics."
        ),
    )
    interval_s: Seconds = Field(default=60.0, description="Seconds between two writes by the running kiosk.")


class UiSettings(_Section):
    """``[ui]``: the touchscreen."""

    fullscreen: bool = Field(default=True, description="Run fullscreen (a kiosk); off for development.")
    width: Count = Field(default=1280, description="Window width when not fullscreen.")
    height: Count = Field(default=800, description="Window height when not fullscreen.")
    show_demo_codes: bool = Field(
        default=False, description=("Show demo photo codes and timbres on the checklist (demo and training only).")
    )
    idle_first_s: Seconds = Field(
        default=60.0,
        description=("Seconds without a touch before the warning, on the first screens (choice, checklist)."),
    )
    idle_step_s: Seconds = Field(
        default=180.0, description=("Seconds without a touch before the warning, during the steps.")
    )
    idle_scan_s: Seconds = Field(
        default=300.0, description=("Seconds without a touch before the warning, on the scanning step.")
    )
    idle_mediator_s: Seconds = Field(
        default=900.0, description=("Seconds without a touch before the warning, once a médiateur has been called.")
    )
    idle_warning_s: Seconds = Field(
        default=30.0, description=('Length of the "Êtes-vous toujours là ?" countdown before the wipe.')
    )
    read_aloud: bool = Field(
        default=True,
        description=(
            'Offer the "Écouter" button: espeak-ng reads the question on the screen aloud (off: the '
            "button stays silent)."
        ),
    )
    dpi: Seconds = Field(
        default=0.0,
        description=("Pixels per inch of the kiosk's screen, for 15 mm touch targets; 0 lets Kivy ask the display."),
    )
    max_fps: Count = Field(
        default=120,
        description=(
            "How often, at most, the kiosk looks for touches and draws (a frame is drawn only when "
            "something changed): a "
            "touch waits at most one period, 8 ms at 120."
        ),
    )


class KeyboardSettings(_Section):
    """``[keyboard]``: the on-screen keyboard (kiosk/widgets/keyboard.py)."""

    email_domains: list[EmailDomain] = Field(
        default_factory=lambda: list(EMAIL_DOMAINS),
        description=(
            'The e-mail layout\'s domain keys, most used first ("orange.fr": a key "@orange.fr"); '
            "as many as fit at the text size are drawn. Empty: none."
        ),
    )


class BrowserSettings(_Section):
    """``[browser]``: the locked window where a person logs in with FranceConnect and buys a
    timbre, on the provider's own page (the kiosk never sees the password or the card)."""

    driver: Literal["webkit", "none"] = Field(
        default="webkit",
        description=(
            '"webkit": WebKitGTK in a process of its own (Debian python3-gi, gir1.2-webkit2-4.1); '
            '"none": no window (FranceConnect and the timbre shop are then not offered).'
        ),
    )
    python: str = Field(default="/usr/bin/python3", description="The Python that has WebKitGTK (Debian's).")
    allow: list[str] = Field(
        default_factory=list,
        description=(
            'Hosts the window may show ("host" for https, or "host:port"): ANTS, FranceConnect, the '
            "identity providers, the payment provider. Empty: the ANTS service's own host (the mock in "
            "demo and training)."
        ),
    )
    idle_s: Seconds = Field(
        default=180.0, description="Seconds without a touch in the window before it closes (the step stays as it was)."
    )
    franceconnect_client_id: str = Field(
        default="ants-mock-fs", description="The client_id the kiosk's FranceConnect login is made for (its aud)."
    )


class SitebusSettings(_Section):
    """``[sitebus]``: the site's MQTT broker (mosquitto), where the kiosk publishes its state and
    calls the mediator (sitebus/); nothing personal goes on it."""

    host: str = Field(default="", description="The broker's host; empty: no bus (a call says it cannot go).")
    port: int = Field(default=1883, ge=1, le=65535, description="The broker's port (8883 is usual with TLS).")
    site: str = Field(default="", description="The site's id in the topics; empty: [site] code in lower case.")
    kiosk: str = Field(default="borne1", description="This kiosk's id on the bus (lower-case letters, digits, -).")
    username: str = Field(default="", description="The kiosk's login on the broker; empty: its kiosk id.")
    password: str = Field(default="", description="The kiosk's password on the broker.")
    tls: bool = Field(default=False, description="Connect with TLS, the broker's certificate verified.")
    ca_file: str = Field(default="", description="The CA certificate for TLS; empty: the system's.")
    keepalive: int = Field(default=5, ge=1, description="Seconds between keepalives (dead: offline after 1.5).")


class MediatorsSettings(_Section):
    """``[mediators]``: the mediators' PINs (slow salted hashes, ``kioskctl mediator add``) and
    what assist mode keeps of their actions."""

    pins: dict[str, str] = Field(
        default_factory=dict, description='Mediator name -> "scrypt$n$r$p$salt$hash" of their PIN.'
    )
    max_failures: int = Field(default=5, ge=1, description="Wrong PINs in a row before PIN entry is locked.")
    lockout_s: Seconds = Field(default=300.0, description="Seconds PIN entry stays locked after too many failures.")
    audit_days: int = Field(default=90, ge=1, description="Days the audit of assist actions is kept.")


class Settings(_Section):
    """A kiosk's settings: ``config_version`` and one table per section."""

    config_version: Version = Field(
        default=CONFIG_VERSION,
        description=("The layout of the settings the file is written for; an older one is migrated on loading."),
    )
    site: SiteSettings = Field(default_factory=SiteSettings, description="The place the kiosk serves.")
    hours: HoursSettings = Field(default_factory=HoursSettings, description="The site's opening hours.")
    ants: AntsSettings = Field(default_factory=AntsSettings, description="The ANTS service.")
    scanner: ScannerSettings = Field(default_factory=ScannerSettings, description="The document scanner.")
    printer: PrinterSettings = Field(default_factory=PrinterSettings, description="The receipt printer.")
    a4: A4Settings = Field(default_factory=A4Settings, description="The A4 printer.")
    workspace: WorkspaceSettings = Field(
        default_factory=WorkspaceSettings, description=("Where a user's files are kept.")
    )
    stats: StatsSettings = Field(default_factory=StatsSettings, description="The anonymous statistics.")
    ui: UiSettings = Field(default_factory=UiSettings, description="The touchscreen.")
    keyboard: KeyboardSettings = Field(default_factory=KeyboardSettings, description="The on-screen keyboard.")
    metrics: MetricsSettings = Field(default_factory=MetricsSettings, description="The Prometheus textfile.")
    browser: BrowserSettings = Field(
        default_factory=BrowserSettings, description="The locked window for FranceConnect and payment."
    )
    sitebus: SitebusSettings = Field(default_factory=SitebusSettings, description="The site bus (MQTT).")
    mediators: MediatorsSettings = Field(default_factory=MediatorsSettings, description="The mediators.")

    def backend_error(self, files: list[str] | tuple[str, ...]) -> ConfigError | None:
        """Why the kiosk cannot file demandes with these settings, naming the file to fix; None when it can."""
        if self.ants.base_url:
            return None
        return ConfigError(
            files[-1] if files else "configuration",
            "ants.base_url",
            "",
            "adresse du service ANTS attendue (https://…), ou http://127.0.0.1:8765 avec "
            "start_bundled_mock = true pour la formation : aucune valeur par défaut",
        )

    def training(self) -> bool:
        """A training kiosk (``[site] training``, or the bundled mock as its backend): its
        sessions are counted apart in the statistics."""
        return self.site.training or self.ants.start_bundled_mock

    def workspace_root(self) -> Path:
        if self.workspace.root:
            return Path(self.workspace.root)
        if Path("/run/pointnum").is_dir() and os.access("/run/pointnum", os.W_OK):
            return Path("/run/pointnum/sessions")
        return Path("/dev/shm") / f"pointnum-{os.getuid()}"

    def temp_dir(self) -> Path:
        """The kiosk's private temporary folder, in RAM beside the workspaces."""
        if self.workspace.temp_dir:
            return Path(self.workspace.temp_dir)
        return self.workspace_root().parent / f"pointnum-tmp-{os.getuid()}"

    def data_dir(self) -> Path:
        if Path("/var/lib/pointnum").is_dir() and os.access("/var/lib/pointnum", os.W_OK):
            return Path("/var/lib/pointnum")
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "pointnum"

    def stats_path(self) -> Path:
        return Path(self.stats.path) if self.stats.path else self.data_dir() / "stats.db"

    def metrics_path(self) -> Path:
        if self.metrics.textfile:
            return Path(self.metrics.textfile)
        # An appliance's (tmpfiles.d): a folder node_exporter may read, unlike /var/lib/pointnum (0750).
        if Path(METRICS_DIR).is_dir() and os.access(METRICS_DIR, os.W_OK):
            return Path(METRICS_DIR) / "pointnum.prom"
        return self.stats_path().parent / "metrics" / "pointnum.prom"

    def mock_db_path(self) -> Path | None:
        """The bundled mock's store when ``[ants] mock_db`` names a file; None when
        it is in RAM (the default)."""
        return Path(self.ants.mock_db) if self.ants.mock_db else None

    def mock_store_excluded(self) -> list[Path]:
        """What the leftovers search leaves out: the folder of a bundled mock's store
        file, which stands for the remote ANTS service and keeps dossiers (none when
        the store is in RAM)."""
        path = self.mock_db_path()
        return [path.parent] if path is not None else []

    def legacy_mock_db_path(self) -> Path:
        """Where versions before the store in RAM kept it, beside the data directory:
        the bundled mock wipes what is left there."""
        return self.data_dir().parent / "pointnum-ants-mock" / "ants-mock.db"


# -- From pydantic's errors to the technician's line -------------------------------------

_TYPES = {
    "int_type": "int",
    "int_parsing": "int",
    "int_from_float": "int",
    "float_type": "float",
    "float_parsing": "float",
    "string_type": "str",
    "bool_type": "bool",
    "dict_type": "dict",
    "list_type": "list",
}


def _field_type(loc: tuple[int | str, ...]) -> Any:
    """The annotation of the field at ``loc`` (sections then key), or None."""
    model: Any = Settings
    annotation: Any = None
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return None
        annotation = model = model.model_fields[str(part)].annotation
    return annotation


def _reason(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "setting":
        return error["msg"]
    if kind == "extra_forbidden":
        return "clé inconnue (unknown key)"
    if kind in ("model_type", "model_attributes_type"):
        return "doit être une section [table]"
    if kind in _TYPES:
        return f"type attendu : {_TYPES[kind]}"
    if kind == "literal_error":
        annotation = _field_type(error["loc"])
        if get_origin(annotation) is Literal:
            return "valeurs possibles : " + ", ".join(repr(c) for c in get_args(annotation))
        return f"valeurs possibles : {ctx.get('expected')}"
    if kind == "greater_than_equal" and ctx.get("ge") == 0:
        return "doit être positif"
    return error["msg"]  # pragma: no cover - every constraint above has its sentence


def _validate(data: dict[str, Any], source: str) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]  # one line for the technician: the first fault, then the next run shows the next
        key = ".".join(str(part) for part in error["loc"])
        raise ConfigError(source, key, error["input"], _reason(error)) from None


# -- Loading ------------------------------------------------------------------------------


def _read(path: Path | str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "-", "-", f"TOML invalide : {exc}") from None


def _merge(base: dict[str, Any], layer: dict[str, Any]) -> dict[str, Any]:
    """``layer``'s keys over ``base``'s: a section is merged key by key; a value (a
    table value too, such as ``[scanner] options``) replaces the one below."""
    merged = dict(base)
    for key, value in layer.items():
        below = merged.get(key)
        merged[key] = {**below, **value} if isinstance(below, dict) and isinstance(value, dict) else value
    return merged


def load_settings(*paths: Path | str, overrides: dict[str, Any] | None = None) -> Settings:
    """Packaged defaults, then each file in order, then ``overrides``.

    Raises ConfigError for a file that is missing, is not TOML, or has a key or a
    value the settings do not accept."""
    defaults = resources.files("config").joinpath("defaults.toml")
    layers = [("defaults.toml", _read("defaults.toml", defaults.read_text(encoding="utf-8")))]
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(str(path), "-", "-", "fichier introuvable") from None
        layers.append((str(path), migrate(_read(path, text), str(path))))
    if overrides:
        layers.append(("ligne de commande", overrides))
    merged: dict[str, Any] = {}
    for source, data in layers:
        _validate(data, source)  # alone, so that an error names its layer
        merged = _merge(merged, data)
    return _validate(merged, "configuration")
