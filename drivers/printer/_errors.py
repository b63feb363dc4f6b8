from __future__ import annotations

import enum

from userfacing import UserFacingError


class PrinterError(UserFacingError):
    """Printing failed. ``message_fr`` is what the kiosk shows; ``str()`` is for logs."""

    key = "printer.error"
    template = "L'imprimante a rencontré un problème. Appelez le médiateur."

    def __init__(self, detail: str = "", *, message_fr: str | None = None):
        super().__init__(detail, template=message_fr)


class PrinterUnavailable(PrinterError):
    """The printer cannot be reached: unplugged, switched off, timeout, missing library."""

    key = "printer.unavailable"
    template = "L'imprimante ne répond pas. Appelez le médiateur."


class PrinterNotConfirmed(PrinterUnavailable):
    """The job was sent, then the printer did not say it could still print: the
    paper may be in the tray or not, so the user keeps the numéro."""

    key = "printer.not_confirmed"
    template = "L'imprimante n'a pas confirmé l'impression. Notez votre numéro et appelez le médiateur."


class PrinterPaperOut(PrinterError):
    key = "printer.paper_out"
    template = "L'imprimante n'a plus de papier. Appelez le médiateur."


class PrinterCoverOpen(PrinterError):
    key = "printer.cover_open"
    template = "Le capot de l'imprimante est ouvert. Appelez le médiateur."


class PrinterJam(PrinterError):
    key = "printer.jam"
    template = "Une feuille est coincée dans l'imprimante. Appelez le médiateur."


class PrinterStatus(str, enum.Enum):  # noqa: UP042  (not StrEnum: str() of a member stays "PrinterStatus.X")
    """What a printer says of itself (or what can be known of it)."""

    ONLINE = "online"
    PAPER_LOW = "paper-low"  # still prints; the médiateur should change the roll soon
    PAPER_OUT = "paper-out"
    COVER_OPEN = "cover-open"
    JAM = "jam"  # A4 printers
    OFFLINE = "offline"  # answers, but says it is offline for another reason
    UNREACHABLE = "unreachable"

    @property
    def can_print(self) -> bool:
        return self in (PrinterStatus.ONLINE, PrinterStatus.PAPER_LOW)
