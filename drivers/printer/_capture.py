"""A receipt printer that keeps what it is sent: escpos's Dummy, one job per
open/close, optionally copied to a file, answering real-time status queries
(DLE EOT n) like an Epson printer so that faults can be injected."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from escpos.constants import RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.printer import Dummy

from ._errors import PrinterUnavailable
from .a4 import KEEP_JOBS

#: DLE EOT 2: offline cause (bit 2 cover open, bit 5 stopped by paper end).
RT_STATUS_OFFLINE = b"\x10\x04\x02"
_QUERIES = (RT_STATUS_ONLINE, RT_STATUS_OFFLINE, RT_STATUS_PAPER)

# Answers of an Epson printer: bits 1 and 4 are always set.
_FIXED = 0x12
_OFFLINE = 0x08
_COVER_OPEN = 0x04
_PAPER_END_STOP = 0x20
_PAPER_NEAR_END = 0x0C
_PAPER_END = 0x60

FAULTS = ("paper-out", "paper-low", "cover-open", "unplugged")


class CapturePrinter(Dummy):  # type: ignore[misc]  # python-escpos ships no type hints
    """Keeps the latest jobs' bytes in ``jobs``; appends them to ``path`` if given.

    ``inject_fault("paper-out" | "paper-low" | "cover-open" | "unplugged")``:
    unplugged makes ``open()`` fail; the others are reported through the
    status queries, as a real printer would report them.
    """

    def __init__(self, path: str | Path | None = None, fault: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path = Path(path) if path else None
        self.jobs: deque[bytes] = deque(maxlen=KEEP_JOBS)
        self.fault = ""
        self._answer = b""
        self.inject_fault(fault)

    def inject_fault(self, name: str) -> None:
        if name and name not in FAULTS:
            raise ValueError(f"unknown printer fault {name!r}: expected one of {FAULTS}")
        self.fault = name

    def clear_fault(self) -> None:
        self.inject_fault("")

    def open(self) -> None:
        if self.fault == "unplugged":
            raise PrinterUnavailable("capture printer: unplugged (injected fault)")
        self.clear()

    def _raw(self, msg: bytes) -> None:
        if msg in _QUERIES:
            self._answer = bytes([self._status_byte(msg)])
            return
        super()._raw(msg)

    def _read(self) -> bytes:
        if self.fault == "unplugged":
            raise PrinterUnavailable("capture printer: unplugged (injected fault)")
        answer, self._answer = self._answer, b""
        return answer

    def _status_byte(self, query: bytes) -> int:
        fault = self.fault
        if query == RT_STATUS_ONLINE:
            return _FIXED | (_OFFLINE if fault in ("paper-out", "cover-open") else 0)
        if query == RT_STATUS_OFFLINE:
            return _FIXED | {"cover-open": _COVER_OPEN, "paper-out": _PAPER_END_STOP}.get(fault, 0)
        return _FIXED | {"paper-out": _PAPER_END, "paper-low": _PAPER_NEAR_END}.get(fault, 0)

    def close(self) -> None:
        job = self.output
        if not job:
            return
        self.clear()
        self.jobs.append(job)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab") as f:
                f.write(job)
