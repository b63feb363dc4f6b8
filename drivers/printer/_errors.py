from __future__ import annotations

import enum


class PrinterError(Exception):
    """Printing failed. ``message_fr`` is what the kiosk shows; ``str()`` is for logs."""

    message_fr = "L'imprimante a rencontré un problème. Appelez le médiateur."

    def __init__(self, detail: str = "", *, message_fr: str | None = None):
        super().__init__(detail or self.message_fr)
        self.detail = detail
        if message_fr is not None:
            self.message_fr = message_fr


class PrinterUnavailable(PrinterError):
    """The printer cannot be reached: unplugged, switched off, timeout, missing library."""

    message_fr = "L'imprimante ne répond pas. Appelez le médiateur."


class PrinterPaperOut(PrinterError):
    message_fr = "L'imprimante n'a plus de papier. Appelez le médiateur."


class PrinterCoverOpen(PrinterError):
    message_fr = "Le capot de l'imprimante est ouvert. Appelez le médiateur."


class PrinterJam(PrinterError):
    message_fr = "Une feuille est coincée dans l'imprimante. Appelez le médiateur."


class PrinterStatus(str, enum.Enum):
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
