"""What the kiosk has logged lately, kept in memory so the wipe's check can
read the same lines that went to the journal."""

from __future__ import annotations

import collections
import logging
import threading


class RecentLog(logging.Handler):
    def __init__(self, capacity: int = 2000):
        super().__init__(level=logging.DEBUG)
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self._lock_lines = threading.Lock()
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a broken record must not break the kiosk
            return
        with self._lock_lines:
            self._lines.append(line)

    def texts(self) -> list[str]:
        with self._lock_lines:
            return list(self._lines)

    def clear(self) -> None:
        with self._lock_lines:
            self._lines.clear()


_installed: RecentLog | None = None


def install(logger: logging.Logger | None = None) -> RecentLog:
    """Attach one RecentLog to the root logger (idempotent)."""
    global _installed
    if _installed is None:
        _installed = RecentLog()
        (logger or logging.getLogger()).addHandler(_installed)
    return _installed
