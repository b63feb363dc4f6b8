"""Anonymous figures kept on disk: which procedure, how far, how long, how it
ended, pages scanned and printed. Never a name, a date, an address or a
number that points to a person: the table's columns say all it can hold."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

OUTCOMES = ("submitted", "guided", "abandoned", "idle", "error", "closing", "crash")
#: guided: a procedure done by post or in person, whose guidance the user got (nothing submitted).


@dataclass
class SessionFigures:
    procedure: str = ""
    step_reached: str = ""
    outcome: str = "abandoned"
    duration_s: float = 0.0
    pages_scanned: int = 0
    receipts_printed: int = 0
    help_calls: int = 0
    wipe_failed: int = 0
    purge_failed: int = 0  # A4 jobs left in the print spool (CUPS refused to purge them)
    started_hour: str = ""  # "YYYY-MM-DDTHH": coarse on purpose
    training: int = 0  # 1: a training kiosk's session, counted apart from the public's


class StatsStore:
    """``training``: every session recorded here is a training one (counted apart)."""

    def __init__(self, path: Path | str, *, training: bool = False):
        self.training = training
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False)
        # Deleted rows are overwritten, and no -wal file keeps old pages (PLATFORM.md).
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA journal_mode=DELETE")
        self.conn = conn

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """The database with its table, on first use: sqlite-utils is slow to
        import, and the kiosk's first screen does not need it."""
        import sqlite_utils

        db = sqlite_utils.Database(self.conn)
        db.table("sessions").create(
            {"id": int, **{k: type(v) for k, v in asdict(SessionFigures()).items()}},
            pk="id",
            if_not_exists=True,
        )
        return db

    def record(self, figures: SessionFigures) -> int:
        if figures.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {figures.outcome!r}")
        if self.training:
            figures.training = 1
        row = self.db.table("sessions").insert(asdict(figures), alter=True).last_pk
        if not isinstance(row, int):
            raise RuntimeError(f"the statistics row was not stored (last_pk {row!r})")
        return row

    def mark_wipe_failed(self, row: int) -> None:
        self.db.table("sessions").update(row, {"wipe_failed": 1})

    def rows(self) -> list[dict[str, Any]]:
        return list(self.db.table("sessions").rows)

    def close(self) -> None:
        self.conn.close()
