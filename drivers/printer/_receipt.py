"""The récépissé printed at the end of a démarche, on an ESC/POS receipt printer."""

from __future__ import annotations

import contextlib
import io
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._errors import (
    PrinterCoverOpen,
    PrinterError,
    PrinterNotConfirmed,
    PrinterPaperOut,
    PrinterStatus,
    PrinterUnavailable,
)

#: Code pages tried, in order, for the start of each job. CP1252 holds every
#: French letter (É, œ, ç...) and €; python-escpos still switches for others.
PREFERRED_CODE_PAGES = ("CP1252", "CP858", "ISO_8859-15", "CP850")

if TYPE_CHECKING:
    from escpos.escpos import Escpos

#: ``printer.status_unanswered``: see :class:`ReceiptPrinter`.
UNANSWERED = ("fail", "assume_ok")
BEFORE, AFTER = "before the job", "after the job"

# Bits of the status bytes (Epson ESC/POS reference, DLE EOT n).
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
_OFFLINE = 0x08  # n = 1
_COVER_OPEN, _STOPPED_BY_PAPER_END = 0x04, 0x20  # n = 2
_PAPER_NEAR_END, _PAPER_END = 0x0C, 0x60  # n = 4


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
    for each job and closed after. ``check_status``: ask the printer's
    real-time status (DLE EOT 1, 2, 4) before the job, after it (paper that
    ran out during the job) and in :meth:`status`; off only for devices that
    cannot answer at all (a file): then only reaching the device is checked.

    ``unanswered``: what a printer that does not answer a status request
    means (``printer.status_unanswered``): ``"fail"``, the job is not sent (or,
    after it, not counted as printed) and PrinterUnavailable says which
    setting to change; ``"assume_ok"``, for a printer that cannot answer (a
    print server), the job is sent and counted as printed on the site's word.
    """

    def __init__(
        self,
        open_device: Callable[[], Escpos],
        profile: str = "TM-T20II",
        *,
        check_status: bool = True,
        unanswered: str = "fail",
    ):
        if unanswered not in UNANSWERED:
            raise ValueError(f"unanswered must be one of {UNANSWERED}, not {unanswered!r}")
        self.open_device = open_device
        self.profile = profile
        self.check_status = check_status
        self.unanswered = unanswered

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
    def _ask(device: Escpos, query: bytes) -> int | None:
        """The status byte the printer answers to ``query``; None when nothing
        came, or something that is not a status byte (bits 1 and 4 are always
        set, bits 0 and 7 always clear: Epson's ESC/POS reference, DLE EOT)."""
        answer: bytes = device.query_status(query)
        if len(answer) != 1 or answer[0] & _FIXED_MASK != _FIXED_BITS:
            return None
        return answer[0]

    @classmethod
    def _query(cls, device: Escpos) -> PrinterStatus | None:
        """Ask the printer (DLE EOT 1, then 2 when it is offline, then 4).
        None: it did not answer (see ``unanswered``)."""
        from escpos.constants import RT_STATUS_ONLINE, RT_STATUS_PAPER

        from ._capture import RT_STATUS_OFFLINE

        try:
            online = cls._ask(device, RT_STATUS_ONLINE)
            if online is None:
                return None
            if online & _OFFLINE:  # offline: ask why
                cause = cls._ask(device, RT_STATUS_OFFLINE)
                if cause is None:
                    return PrinterStatus.OFFLINE
                if cause & _COVER_OPEN:
                    return PrinterStatus.COVER_OPEN
                if cause & _STOPPED_BY_PAPER_END:
                    return PrinterStatus.PAPER_OUT
            paper = cls._ask(device, RT_STATUS_PAPER)
        except NotImplementedError:
            return None
        except PrinterError:
            raise
        except _unreachable_errors() as exc:
            raise PrinterUnavailable(f"no answer to a status query: {exc}") from exc
        if paper is not None and paper & _PAPER_END:
            return PrinterStatus.PAPER_OUT
        if online & _OFFLINE:
            return PrinterStatus.OFFLINE
        if paper is None:
            return None
        return PrinterStatus.PAPER_LOW if paper & _PAPER_NEAR_END else PrinterStatus.ONLINE

    def _check(self, device: Escpos, when: str) -> None:
        """Raise the typed error unless the printer says it can print (``when``:
        "before the job" or "after the job", for the log)."""
        state = self._query(device)
        if state is None:
            if self.unanswered == "assume_ok":
                return
            raise (PrinterNotConfirmed if when == AFTER else PrinterUnavailable)(
                f"the printer did not answer a status request (DLE EOT) {when}, and "
                f'printer.status_unanswered = "fail": check its cable and settings, or set '
                f'printer.status_unanswered = "assume_ok" if it cannot answer (a print server)'
            )
        if state is PrinterStatus.PAPER_OUT:
            raise PrinterPaperOut(f"the printer reports no paper {when}")
        if state is PrinterStatus.COVER_OPEN:
            raise PrinterCoverOpen(f"the printer reports its cover open {when}")
        if not state.can_print:
            raise PrinterUnavailable(f"the printer reports it is offline {when}")

    def status(self) -> PrinterStatus:
        """What the printer says now; UNREACHABLE when it cannot be opened."""
        try:
            device = self._open()
        except PrinterError:
            return PrinterStatus.UNREACHABLE
        try:
            if not self.check_status:
                return PrinterStatus.ONLINE
            state = self._query(device)
            if state is None:  # silence: what the site said it means
                return PrinterStatus.ONLINE if self.unanswered == "assume_ok" else PrinterStatus.UNREACHABLE
            return state
        except PrinterError:
            return PrinterStatus.UNREACHABLE
        finally:
            self._close(device)

    # -- printing ----------------------------------------------------------

    def print_receipt(self, receipt: Receipt) -> None:
        """Print ``receipt`` as one job; return once the printer said, after the
        job, that it can still print (with ``check_status``). Raises
        PrinterUnavailable, PrinterPaperOut, PrinterCoverOpen (all PrinterError)."""
        device = self._open()
        try:
            if self.check_status:
                self._check(device, BEFORE)
            try:
                self._render(device, receipt)
            except PrinterError:
                raise
            except _unreachable_errors() as exc:
                raise PrinterUnavailable(f"printing failed: {exc}") from exc
            if self.check_status:
                # Real-time status is answered at once, while the job's lines
                # are still printing: paper that ends during them shows here.
                self._check(device, AFTER)
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
                device.barcode(
                    "{B" + receipt.numero,
                    "CODE128",
                    function_type="B",
                    width=width,
                    height=80,
                    pos="BELOW",
                    align_ct=True,
                    check=False,
                )

        if receipt.footer:
            device.ln()
            device.set(align="center", font="b")
            for line in receipt.footer:
                for part in textwrap.wrap(nfc(line), device.profile.get_columns("b")) or [""]:
                    device.textln(part)
        device.set_with_default()
        device.cut()
