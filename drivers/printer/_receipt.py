"""The récépissé printed at the end of a démarche, on an ESC/POS receipt printer."""
from __future__ import annotations

import contextlib
import io
import textwrap
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ._errors import (
    PrinterCoverOpen,
    PrinterError,
    PrinterPaperOut,
    PrinterStatus,
    PrinterUnavailable,
)

#: Code pages tried, in order, for the start of each job. CP1252 holds every
#: French letter (É, œ, ç...) and €; python-escpos still switches for others.
PREFERRED_CODE_PAGES = ("CP1252", "CP858", "ISO_8859-15", "CP850")

if TYPE_CHECKING:
    from escpos.escpos import Escpos


@dataclass
class Receipt:
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    """(label, value) pairs, e.g. ("Démarche", "Vol de permis")."""
    numero: str = ""
    """Numéro of the demande: printed in double size and as a CODE128 barcode."""
    qr_data: str = ""
    """Printed as a QR code (usually the address to follow the demande)."""
    footer: list[str] = field(default_factory=list)


def nfc(text: str) -> str:
    # A combining accent (e + U+0301) would make python-escpos switch to a
    # code page the printer may lack: compose it first (PLATFORM.md).
    return unicodedata.normalize("NFC", text)


def _code128_width(data: str, paper_dots: int) -> int:
    """Module width (2..3 dots) at which a CODE128-B barcode of ``data`` fits, 0 if none."""
    if not data or not all(32 <= ord(c) < 127 for c in data):
        return 0
    modules = 11 * (len(data) + 2) + 13 + 20  # start, data, check, stop, quiet zones
    for width in (3, 2):
        if modules * width <= paper_dots:
            return width
    return 0


def _unreachable_errors() -> tuple[type[Exception], ...]:
    """Socket errors, timeouts, DeviceNotFoundError... (python-escpos is imported
    here, on first use: a device was built by then, so it is loaded already)."""
    from escpos.exceptions import Error as EscposError

    return OSError, EscposError


class ReceiptPrinter:
    """Prints :class:`Receipt` objects on the device returned by ``open_device``.

    ``open_device`` builds (or returns) a python-escpos printer; it is opened
    for each job and closed after. ``check_status``: query the printer's
    real-time status (DLE EOT) before printing and in :meth:`status`; leave it
    off for devices that cannot answer (a file) or where no answer would block
    (a TCP port whose printer ignores status queries): then only reaching the
    device is checked.
    """

    def __init__(self, open_device: Callable[[], Escpos], profile: str = "TM-T20II", *,
                 check_status: bool = True):
        self.open_device = open_device
        self.profile = profile
        self.check_status = check_status

    # -- device ------------------------------------------------------------

    def _open(self) -> Escpos:
        try:
            device = self.open_device()
            device.open()
        except PrinterError:
            raise
        except _unreachable_errors() as exc:
            raise PrinterUnavailable(f"cannot open the printer: {exc}") from exc
        return device

    @staticmethod
    def _close(device: Escpos) -> None:
        try:
            device.close()
        except _unreachable_errors():
            pass

    @staticmethod
    def _query(device: Escpos) -> PrinterStatus:
        """Ask the printer (DLE EOT 1, 2, 4). No answer at all counts as online."""
        from escpos.constants import RT_STATUS_ONLINE

        from ._capture import RT_STATUS_OFFLINE

        try:
            online = device.query_status(RT_STATUS_ONLINE)
            if not online:
                return PrinterStatus.ONLINE  # does not answer status queries
            if online[0] & 0x08:  # offline: ask why
                cause = device.query_status(RT_STATUS_OFFLINE)
                if cause and cause[0] & 0x04:
                    return PrinterStatus.COVER_OPEN
                if cause and cause[0] & 0x20:
                    return PrinterStatus.PAPER_OUT
            paper = device.paper_status()
        except NotImplementedError:
            return PrinterStatus.ONLINE
        except PrinterError:
            raise
        except _unreachable_errors() as exc:
            raise PrinterUnavailable(f"no answer to a status query: {exc}") from exc
        if paper == 0:
            return PrinterStatus.PAPER_OUT
        if online[0] & 0x08:
            return PrinterStatus.OFFLINE
        return PrinterStatus.PAPER_LOW if paper == 1 else PrinterStatus.ONLINE

    def status(self) -> PrinterStatus:
        """What the printer says now; UNREACHABLE when it cannot be opened."""
        try:
            device = self._open()
        except PrinterError:
            return PrinterStatus.UNREACHABLE
        try:
            return self._query(device) if self.check_status else PrinterStatus.ONLINE
        except PrinterError:
            return PrinterStatus.UNREACHABLE
        finally:
            self._close(device)

    # -- printing ----------------------------------------------------------

    def print_receipt(self, receipt: Receipt) -> None:
        """Print ``receipt`` as one job. Raises PrinterUnavailable,
        PrinterPaperOut, PrinterCoverOpen (all PrinterError)."""
        device = self._open()
        try:
            if self.check_status:
                state = self._query(device)
                if state is PrinterStatus.PAPER_OUT:
                    raise PrinterPaperOut("the printer reports no paper")
                if state is PrinterStatus.COVER_OPEN:
                    raise PrinterCoverOpen("the printer reports its cover open")
                if state is PrinterStatus.OFFLINE:
                    raise PrinterUnavailable("the printer reports it is offline")
            try:
                self._render(device, receipt)
            except PrinterError:
                raise
            except _unreachable_errors() as exc:
                raise PrinterUnavailable(f"printing failed: {exc}") from exc
        finally:
            self._close(device)

    def render(self, receipt: Receipt, device: Escpos) -> None:
        """Write ``receipt`` to an already open ``device`` (no status check, no close)."""
        self._render(device, receipt)

    def _start_job(self, device: Escpos) -> None:
        device.hw("INIT")  # ESC @ : the printer is back to code page 0
        device.magic.encoding = None  # so the encoder knows and emits ESC t again
        pages = device.profile.get_code_pages()
        for name in PREFERRED_CODE_PAGES:
            if name in pages:
                device.magic.force_encoding(name)  # sends ESC t n now
                break
        device.magic.force_encoding(False)  # and switches again if a letter needs it

    def _render(self, device: Escpos, receipt: Receipt) -> None:
        from escpos.constants import QR_ECLEVEL_M

        columns = device.profile.get_columns("a")
        paper_dots = device.profile.profile_data.get("media", {}).get("width", {}).get("pixels", 512)
        if not isinstance(paper_dots, int):
            paper_dots = 512
        self._start_job(device)

        device.set(align="center", bold=True)
        for line in textwrap.wrap(nfc(receipt.title), columns) or [""]:
            device.textln(line)
        device.set(align="left", bold=False)
        device.ln()

        for label, value in receipt.lines:
            label, value = nfc(label), nfc(value)
            if len(label) + 1 + len(value) <= columns:
                device.textln(label + " " * (columns - len(label) - len(value)) + value)
            else:
                device.set(bold=True)
                device.textln(label)
                device.set(bold=False)
                for part in textwrap.wrap(value, columns - 2) or [""]:
                    device.textln("  " + part)

        if receipt.numero:
            numero = nfc(receipt.numero)
            device.ln()
            device.set(align="center", bold=True, custom_size=True, width=2, height=2)
            for part in textwrap.wrap(numero, columns // 2) or [""]:
                device.textln(part)
            device.set(align="center", bold=False, custom_size=True, width=1, height=1)

        if receipt.qr_data:
            device.ln()
            device.set(align="center")  # ESC a 1 also centres a native QR code
            device.qr(nfc(receipt.qr_data), native=True, size=6, ec=QR_ECLEVEL_M)
            device.ln()

        width = _code128_width(receipt.numero, paper_dots)
        if width:
            # python-escpos prints its choice of renderer on stdout; keep stdout for our CLI.
            with contextlib.redirect_stdout(io.StringIO()):
                device.barcode("{B" + receipt.numero, "CODE128", function_type="B", width=width,
                               height=80, pos="BELOW", align_ct=True, check=False)

        if receipt.footer:
            device.ln()
            device.set(align="center", font="b")
            for line in receipt.footer:
                for part in textwrap.wrap(nfc(line), device.profile.get_columns("b")) or [""]:
                    device.textln(part)
        device.set_with_default()
        device.cut()
