from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from drivers.scanner import MAX_RESOLUTION

CONFIG_VERSION = 1

#: Where an appliance keeps its site file (see install.sh).
SITE_FILE = Path("/etc/pointnum/kiosk.toml")


class ConfigError(ValueError):
    """A setting a technician must fix: names the file, the key and the value."""

    def __init__(self, source: str, key: str, value: object, reason: str):
        self.source, self.key, self.value, self.reason = source, key, value, reason
        super().__init__(f"{source}: [{key}] = {value!r}: {reason}")


@dataclass
class SiteSettings:
    name: str = "Point numérique (démonstration)"
    """Name of the site, printed on the récépissé."""
    code: str = "DEMO"
    """Short code of the site, kept in the anonymous statistics."""
    departement: str = "75"
    """Département of the site (two or three characters)."""
    closing_time: str = ""
    """Closing time of the site, "HH:MM": any session begun before it is ended then. Empty: none."""


@dataclass
class AntsSettings:
    base_url: str = "http://127.0.0.1:8765"
    """Base URL of the ANTS service (the bundled mock in demo and training)."""
    timeout: float = 10.0
    """Seconds before a call to ANTS is abandoned."""
    retries: int = 2
    """Retries, with backoff, of idempotent calls only."""
    verify_tls: bool = True
    """Verify the server's TLS certificate (never turn off on a real site)."""
    start_bundled_mock: bool = False
    """Start the bundled mock backend with the kiosk (demo and training)."""
    mock_db: str = ""
    """SQLite file of the bundled mock; empty (the default) keeps its store in RAM only, gone
    when the mock stops: it holds the dossiers of the people the kiosk serves."""
    suivi_url: str = "https://permisdeconduire.ants.gouv.fr/suivi?numero={numero}"
    """Address printed as a QR code on the récépissé to follow the demande."""


@dataclass
class ScannerSettings:
    driver: str = "simulated"
    """``sane`` (pyinsane2 on SANE) or ``simulated`` (images from a folder)."""
    device: str = ""
    """SANE device name (``test:0``, ``epson2:libusb:001:004``); empty takes the first."""
    folder: str = ""
    """Folder of document images for the simulated scanner; empty uses the bundled samples."""
    resolution: int = 300
    """Scan resolution in dpi, at most 600 (every page is bounded to an A4 sheet at 600 dpi)."""
    mode: str = "Color"
    """SANE scan mode: Color, Gray or Lineart."""
    timeout: float = 60.0
    """Seconds before a scan that gives no image is abandoned."""
    fault: str = ""
    """Simulated scanner only: inject a fault (``unplugged``, ``jam``, ``no-paper``, ``cover-open``,
    ``timeout``, ``hang``)."""
    duplex: bool = False
    """Simulated scanner: its feeder scans both sides (source adf-duplex)."""
    adf_pages: int = 3
    """Simulated scanner: pages (sheets when duplex) a feeder scan gives."""
    fault_file: str = ""
    """Simulated scanner: while this file exists, its text ``<fault> [after_pages]`` is the injected fault."""
    page_seconds: float = 0.0
    """Simulated scanner: seconds each page takes to come (a slow scanner; a cancel is seen between pages)."""
    options: dict = field(default_factory=dict)
    """SANE options by name set before each scan (a technician's escape hatch)."""
    page_budget: int = 1_000_000
    """Bytes at most per processed page (JPEG quality, then resolution, lowered to fit)."""


@dataclass
class PrinterSettings:
    driver: str = "capture"
    """``network``, ``usb``, ``serial``, ``file`` or ``capture`` (keeps the bytes, demo)."""
    host: str = "127.0.0.1"
    """Network printers: host name or address."""
    port: int = 9100
    """Network printers: TCP port."""
    usb_vendor: int = 0
    """USB printers: vendor id (e.g. 0x04b8)."""
    usb_product: int = 0
    """USB printers: product id."""
    serial_device: str = "/dev/ttyUSB0"
    """Serial printers: device file."""
    file: str = ""
    """File printers: device or file path; capture printer: where to copy the bytes (optional)."""
    profile: str = "TM-T20II"
    """python-escpos printer profile: paper width, code pages, QR support."""
    timeout: float = 10.0
    """Seconds before a printer that does not answer is abandoned."""
    status_timeout: float = 1.0
    """Seconds a status request (DLE EOT, before and after each job) waits for the printer's answer."""
    status_unanswered: str = "fail"
    """What a printer that does not answer a status request means: ``fail`` (the récépissé is
    not counted as printed; the user is told and may reprint) or ``assume_ok`` (only for a
    printer that cannot answer, a print server: printed on the site's word)."""


@dataclass
class A4Settings:
    driver: str = "capture"
    """``cups`` (a CUPS queue) or ``capture`` (keeps the PDFs: demo)."""
    queue: str = ""
    """CUPS queue name; empty: the scheduler's default queue."""
    host: str = ""
    """CUPS scheduler host; empty: the local scheduler."""
    port: int = 631
    """CUPS scheduler port."""
    timeout: float = 10.0
    """Seconds before a scheduler that does not answer is abandoned."""
    folder: str = ""
    """Capture printer: where to keep the PDFs (on tmpfs); empty: in memory only."""
    fault: str = ""
    """Capture printer: inject a fault (``paper-out``, ``paper-low``, ``cover-open``, ``jam``, ``unplugged``)."""


@dataclass
class WorkspaceSettings:
    root: str = ""
    """Directory on tmpfs holding each user's workspace; empty picks /run/pointnum or /dev/shm."""
    temp_dir: str = ""
    """The kiosk's private temporary folder (TMPDIR), on tmpfs; empty: beside the workspaces."""


@dataclass
class StatsSettings:
    path: str = ""
    """Anonymous statistics database; empty picks /var/lib/pointnum or the user data directory."""


@dataclass
class UiSettings:
    fullscreen: bool = True
    """Run fullscreen (a kiosk); off for development."""
    width: int = 1280
    """Window width when not fullscreen."""
    height: int = 800
    """Window height when not fullscreen."""
    show_demo_codes: bool = False
    """Show demo photo codes and timbres on the checklist (demo and training only)."""
    idle_first_s: float = 60.0
    """Seconds without a touch before the warning, on the first screens (choice, checklist)."""
    idle_step_s: float = 180.0
    """Seconds without a touch before the warning, during the steps."""
    idle_scan_s: float = 300.0
    """Seconds without a touch before the warning, on the scanning step."""
    idle_mediator_s: float = 900.0
    """Seconds without a touch before the warning, once a médiateur has been called."""
    idle_warning_s: float = 30.0
    """Length of the "Êtes-vous toujours là ?" countdown before the wipe."""
    read_aloud: bool = True
    """Offer the "Écouter" button: espeak-ng reads the screen's question aloud (off: the button stays silent)."""
    dpi: float = 0.0
    """Pixels per inch of the kiosk's screen, for 15 mm touch targets; 0 lets Kivy ask the display."""
    max_fps: int = 120
    """How often, at most, the kiosk looks for touches and draws (a frame is drawn only when
    something changed): a touch waits at most one period, 8 ms at 120."""


@dataclass
class Settings:
    config_version: int = CONFIG_VERSION
    site: SiteSettings = field(default_factory=SiteSettings)
    ants: AntsSettings = field(default_factory=AntsSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    a4: A4Settings = field(default_factory=A4Settings)
    workspace: WorkspaceSettings = field(default_factory=WorkspaceSettings)
    stats: StatsSettings = field(default_factory=StatsSettings)
    ui: UiSettings = field(default_factory=UiSettings)

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


_CHOICES = {
    "scanner.driver": ("sane", "simulated"),
    "scanner.mode": ("Color", "Gray", "Lineart"),
    "scanner.fault": ("", "unplugged", "jam", "timeout", "no-paper", "cover-open", "hang"),
    "printer.driver": ("network", "usb", "serial", "file", "capture"),
    "printer.status_unanswered": ("fail", "assume_ok"),
    "a4.driver": ("cups", "capture"),
    "a4.fault": ("", "paper-out", "paper-low", "cover-open", "jam", "unplugged"),
}


def _apply(obj: object, data: dict, source: str, prefix: str = "") -> None:
    hints = typing.get_type_hints(type(obj))
    names = {f.name for f in dataclasses.fields(obj)}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in names:
            raise ConfigError(source, dotted, value, "clé inconnue (unknown key)")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(source, dotted, value, "doit être une section [table]")
            _apply(current, value, source, dotted + ".")
            continue
        expected = hints[key]
        given = value
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        expected = typing.get_origin(expected) or expected
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(source, dotted, given, f"type attendu : {expected.__name__}")
        choices = _CHOICES.get(dotted)
        if dotted == "site.closing_time" and value and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ConfigError(source, dotted, value, "heure attendue au format HH:MM, par exemple 18:30")
        if choices and value not in choices:
            raise ConfigError(source, dotted, value, "valeurs possibles : " + ", ".join(repr(c) for c in choices))
        if expected in (int, float) and value < 0:
            raise ConfigError(source, dotted, given, "doit être positif")
        if dotted == "scanner.resolution" and not 0 < value <= MAX_RESOLUTION:
            # every page is bounded to an A4 sheet at this resolution (drivers/scanner/_base.py)
            raise ConfigError(source, dotted, given, f"entre 1 et {MAX_RESOLUTION} dpi")
        setattr(obj, key, value)


def _read(path: Path | str, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "-", "-", f"TOML invalide : {exc}") from None


def load_settings(*paths: Path | str, overrides: dict | None = None) -> Settings:
    """Packaged defaults, then each existing file in order, then ``overrides``."""
    settings = Settings()
    defaults = resources.files("config").joinpath("defaults.toml")
    _apply(settings, _read("defaults.toml", defaults.read_text(encoding="utf-8")), "defaults.toml")
    for path in paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(str(path), "-", "-", "fichier introuvable") from None
        data = _read(path, text)
        version = data.get("config_version", CONFIG_VERSION)
        if version != CONFIG_VERSION:
            raise ConfigError(str(path), "config_version", version,
                              f"version {CONFIG_VERSION} attendue")
        _apply(settings, data, str(path))
    if overrides:
        _apply(settings, overrides, "ligne de commande")
    return settings
