"""The audit of assist mode: every action a mediator takes on a kiosk, with
its time, the kiosk, the mediator and the action, and nothing of the person
helped. The action comes from a closed list and its one detail is an
identifier (a step's id, a device's name), checked as such: a value typed by
the person cannot be written here, even by mistake. Kept
``[mediators] audit_days`` days in its own SQLite file beside the
statistics (/var/lib/pointnum/audit.db).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

ACTIONS = frozenset(
    {
        "pin_refused",
        "pin_locked",
        "consent_refused",
        "assist_started",
        "assist_ended",
        "idle_paused",
        "idle_resumed",
        "step_jumped",
        "sheet_read",
        "receipt_reprinted",
        "test_print",
        "devices_shown",
        "session_ended",
        "training_on",
        "training_off",
    }
)
_ID = re.compile(r"^[a-z0-9_-]{0,40}$")


class AuditError(ValueError):
    """An action not in the list, or a detail that is not an identifier."""


class AuditLog:
    def __init__(self, path: Path | str, *, kiosk: str, keep_days: int = 90, now: Callable[[], float] = time.time):
        self.kiosk, self.keep_days, self._now = kiosk, keep_days, now
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS audit (at REAL NOT NULL, kiosk TEXT NOT NULL, mediator TEXT NOT NULL, "
            "action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')"
        )
        self.db.commit()
        self.purge()

    def record(self, mediator: str, action: str, detail: str = "") -> None:
        if action not in ACTIONS:
            raise AuditError(f"action {action!r} not in the audit's list")
        if not _ID.match(detail) or not _ID.match(mediator):
            raise AuditError("mediator and detail: identifiers only (a-z, 0-9, - and _)")
        with self._lock:
            self.db.execute(
                "INSERT INTO audit (at, kiosk, mediator, action, detail) VALUES (?, ?, ?, ?, ?)",
                (self._now(), self.kiosk, mediator, action, detail),
            )
            self.db.commit()

    def purge(self) -> int:
        """Entries older than ``keep_days`` deleted; how many."""
        with self._lock:
            cur = self.db.execute("DELETE FROM audit WHERE at < ?", (self._now() - self.keep_days * 86400,))
            self.db.commit()
            return cur.rowcount

    def entries(self) -> list[tuple[float, str, str, str, str]]:
        with self._lock:
            rows = self.db.execute("SELECT at, kiosk, mediator, action, detail FROM audit ORDER BY rowid").fetchall()
        return [(float(a), str(k), str(m), str(ac), str(d)) for a, k, m, ac, d in rows]

    def close(self) -> None:
        self.db.close()
