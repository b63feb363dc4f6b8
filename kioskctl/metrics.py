"""The kiosk's figures in Prometheus' text format, for node_exporter's textfile
collector: the fleet is watched with the tools a préfecture already runs, no
server of our own.

The running kiosk writes the file every ``[metrics] interval_s`` and at each
stop (``pointnum_up`` 0); ``kioskctl metrics`` writes it on demand, and after
the kiosk's unit stops (a crash included). Everything in it is anonymous: the
statistics' totals (sessions by outcome, help calls, pages, receipts, wipe
failures), the devices' state and the site's code.

node_exporter reads every ``*.prom`` in its folder at each scrape: a file half
written would be read as it is. So the text goes to a temporary file in the
same folder, is flushed to disk, and takes the final name in one ``rename``
(atomic within a filesystem); node_exporter ignores names that do not end in
``.prom``.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from session.stats import OUTCOMES

if TYPE_CHECKING:
    from config import Settings
    from drivers.devices import DeviceStatus


@dataclass(frozen=True)
class DeviceState:
    """One device as the metrics show it."""

    device: str  # scanner, printer, a4
    up: bool
    paper_out: bool = False
    paper_low: bool = False


def from_device_status(status: DeviceStatus, simulated: Iterable[str] = ()) -> list[DeviceState]:
    """What the running kiosk knows of its devices: present (udev, or a simulated
    device) and without a pending error; paper from the receipt printer's last error."""
    states = []
    for kind, known in status.snapshot().items():
        present = known.present or kind in simulated
        error = known.error_class
        states.append(
            DeviceState(
                kind,
                up=present and not error,
                paper_out=kind == "printer" and error == "PrinterPaperOut",
                paper_low=False,
            )
        )
    return states


def probe_devices(settings: Settings) -> list[DeviceState]:
    """Ask the printers themselves (``kioskctl metrics``): the receipt printer's
    status answer, the CUPS queue's state. The scanner is not probed (a test scan
    moves its lamp: ``kioskctl doctor`` does that)."""
    from drivers.printer import PrinterError, PrinterStatus, make_a4_printer, make_receipt_printer

    try:
        receipt = make_receipt_printer(settings.printer).status()
    except PrinterError:
        receipt = PrinterStatus.UNREACHABLE
    a4 = make_a4_printer(settings.a4).status()
    return [
        DeviceState(
            "printer",
            up=receipt.can_print,
            paper_out=receipt is PrinterStatus.PAPER_OUT,
            paper_low=receipt is PrinterStatus.PAPER_LOW,
        ),
        DeviceState("a4", up=a4.can_print, paper_out=a4 is PrinterStatus.PAPER_OUT),
    ]


def _totals(path: Path) -> tuple[dict[tuple[str, int], int], dict[str, int]]:
    """(sessions by (outcome, training), sums of the other columns) from the statistics, read-only."""
    by_outcome: dict[tuple[str, int], int] = {}
    sums = {"help_calls": 0, "wipe_failed": 0, "pages_scanned": 0, "receipts_printed": 0}
    if not path.exists():
        return by_outcome, sums
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
        if not columns:
            return by_outcome, sums
        training = "COALESCE(training, 0)" if "training" in columns else "0"
        for outcome, is_training, count in conn.execute(
            f"SELECT outcome, {training}, COUNT(*) FROM sessions GROUP BY outcome, {training}"
        ):
            by_outcome[(outcome, int(is_training))] = count
        row = conn.execute("SELECT " + ", ".join(f"COALESCE(SUM({c}), 0)" for c in sums) + " FROM sessions").fetchone()
        sums = dict(zip(sums, (int(v) for v in row), strict=True))
    finally:
        conn.close()
    return by_outcome, sums


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Text:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for labels, value in samples:
            text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            number = repr(float(value)) if isinstance(value, float) and not value.is_integer() else str(int(value))
            self.lines.append(f"{name}{{{text}}} {number}" if text else f"{name} {number}")


def render(
    settings: Settings,
    *,
    up: bool,
    devices: Iterable[DeviceState] = (),
    open_now: bool | None = None,
    now: float | None = None,
) -> str:
    """The textfile's content: one HELP and TYPE per family, then its samples."""
    now = time.time() if now is None else now
    stats_path = settings.stats_path()
    by_outcome, sums = _totals(stats_path)
    out = _Text()
    out.family("pointnum_up", "gauge", "1 while the kiosk's application runs, 0 once it stopped.", [({}, int(up))])
    out.family(
        "pointnum_site_info",
        "gauge",
        "The site this kiosk serves (its code and département), always 1.",
        [({"site": settings.site.code, "departement": settings.site.departement}, 1)],
    )
    out.family("pointnum_metrics_written_timestamp_seconds", "gauge", "When this file was written.", [({}, now)])
    last_end = stats_path.stat().st_mtime if stats_path.exists() else 0.0
    out.family(
        "pointnum_last_session_end_timestamp_seconds",
        "gauge",
        "When the statistics last recorded a session's end (0: never).",
        [({}, round(last_end))],
    )
    if open_now is not None:
        out.family("pointnum_site_open", "gauge", "1 during the site's opening hours.", [({}, int(open_now))])
    out.family(
        "pointnum_sessions_total",
        "counter",
        "Sessions ended, by outcome; training=1 for a training kiosk's.",
        [
            ({"outcome": outcome, "training": str(training)}, by_outcome.get((outcome, training), 0))
            for training in (0, 1)
            for outcome in OUTCOMES
        ],
    )
    for name, column, help_text in (
        ("pointnum_help_calls_total", "help_calls", "Calls for a médiateur, all sessions."),
        ("pointnum_wipe_failures_total", "wipe_failed", "Sessions whose wipe was not verified clean."),
        ("pointnum_pages_scanned_total", "pages_scanned", "Pages scanned, all sessions."),
        ("pointnum_receipts_printed_total", "receipts_printed", "Receipts printed, all sessions."),
    ):
        out.family(name, "counter", help_text, [({}, sums[column])])
    states = list(devices)
    out.family(
        "pointnum_device_up",
        "gauge",
        "1 when the device is there and reports no error.",
        [({"device": d.device}, int(d.up)) for d in states],
    )
    out.family(
        "pointnum_paper_out",
        "gauge",
        "1 when the printer says it has no paper.",
        [({"device": d.device}, int(d.paper_out)) for d in states if d.device in ("printer", "a4")],
    )
    out.family(
        "pointnum_paper_low",
        "gauge",
        "1 when the receipt printer's roll is nearly finished.",
        [({"device": d.device}, int(d.paper_low)) for d in states if d.device == "printer"],
    )
    return "\n".join(line for line in out.lines) + "\n"


def write_textfile(path: Path | str, text: str) -> Path:
    """Replace ``path`` with ``text`` in one rename: a reader sees the old file or the new, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # node_exporter runs as its own user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write(settings: Settings, **kwargs: Any) -> Path:
    """Render and write the settings' textfile; returns its path."""
    return write_textfile(settings.metrics_path(), render(settings, **kwargs))
