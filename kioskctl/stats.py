"""``kioskctl stats``: the anonymous figures a préfecture reports, per day and per
procedure, from the kiosk's statistics (session/stats.py): sessions, completed,
abandoned and at which step, errors, help calls, pages scanned and receipts
printed, median duration. Training sessions are counted apart, so that a
mediators' training morning does not read as a busy day.

A row's day is the day its session began (the store keeps the hour, no finer).
A crash leaves a row without a day (the purge counts it before the next start):
those are counted in a line of their own, whatever the dates asked.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

COMPLETED = ("submitted", "guided")
ABANDONED = ("abandoned", "idle", "closing")
COLUMNS = (
    "jour",
    "demarche",
    "formation",
    "sessions",
    "abouties",
    "abandonnees",
    "erreurs",
    "appels_aide",
    "pages_scannees",
    "recus_imprimes",
    "duree_mediane_s",
    "abandons_par_etape",
)


@dataclass
class DayFigures:
    day: str
    procedure: str
    training: bool
    sessions: int = 0
    completed: int = 0
    abandoned: int = 0
    errors: int = 0
    help_calls: int = 0
    pages_scanned: int = 0
    receipts_printed: int = 0
    durations: list[float] = field(default_factory=list)
    abandoned_at: Counter[str] = field(default_factory=Counter)

    @property
    def median_s(self) -> float:
        return statistics.median(self.durations) if self.durations else 0.0

    def steps(self) -> str:
        return " ".join(f"{step or 'début'}:{n}" for step, n in sorted(self.abandoned_at.items()))

    def row(self) -> list[Any]:
        return [
            self.day,
            self.procedure,
            int(self.training),
            self.sessions,
            self.completed,
            self.abandoned,
            self.errors,
            self.help_calls,
            self.pages_scanned,
            self.receipts_printed,
            round(self.median_s),
            self.steps(),
        ]


@dataclass
class Report:
    figures: list[DayFigures]
    crashes: int


def parse_day(text: str) -> date:
    """A --from/--to value, YYYY-MM-DD; ValueError with the expected form otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date attendue au format AAAA-MM-JJ, par exemple 2026-03-31 (reçu {text!r})") from None


def report(rows: Iterable[dict[str, Any]], start: date | None = None, end: date | None = None) -> Report:
    """The figures of ``rows`` (the store's rows) for the days from ``start`` to ``end``, both included."""
    by_key: dict[tuple[str, str, bool], DayFigures] = {}
    crashes = 0
    for row in rows:
        hour = row.get("started_hour") or ""
        if not hour:
            crashes += row.get("outcome") == "crash"
            continue
        day = hour[:10]
        if (start and day < start.isoformat()) or (end and day > end.isoformat()):
            continue
        training = bool(row.get("training") or 0)
        key = (day, row.get("procedure") or "", training)
        f = by_key.get(key) or by_key.setdefault(key, DayFigures(*key))
        f.sessions += 1
        outcome = row.get("outcome")
        if outcome in COMPLETED:
            f.completed += 1
        elif outcome in ABANDONED:
            f.abandoned += 1
            f.abandoned_at[row.get("step_reached") or ""] += 1
        else:
            f.errors += 1
        f.help_calls += int(row.get("help_calls") or 0)
        f.pages_scanned += int(row.get("pages_scanned") or 0)
        f.receipts_printed += int(row.get("receipts_printed") or 0)
        f.durations.append(float(row.get("duration_s") or 0.0))
    figures = sorted(by_key.values(), key=lambda f: (f.training, f.day, f.procedure))
    return Report(figures, crashes)


def to_csv(result: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in result.figures:
        writer.writerow(f.row())
    return out.getvalue()


def to_text(result: Report) -> str:
    header = (
        f"{'jour':<10} {'démarche':<24} {'sessions':>8} {'abouties':>8} {'abandons':>8} {'erreurs':>7} "
        f"{'aide':>4} {'pages':>5} {'reçus':>5} {'médiane':>7}  abandons par étape"
    )
    lines = []
    for training in (False, True):
        part = [f for f in result.figures if f.training is training]
        if not part:
            continue
        lines.append("Formation (à part) :" if training else "Sessions :")
        lines.append(header)
        for f in part:
            lines.append(
                f"{f.day:<10} {f.procedure:<24} {f.sessions:>8} {f.completed:>8} {f.abandoned:>8} {f.errors:>7} "
                f"{f.help_calls:>4} {f.pages_scanned:>5} {f.receipts_printed:>5} {round(f.median_s):>6}s  {f.steps()}"
            )
        total = sum(f.sessions for f in part)
        done = sum(f.completed for f in part)
        lines.append(f"{total} session(s), {done} aboutie(s)")
    if not result.figures:
        lines.append("0 session(s) sur ces dates")
    if result.crashes:
        lines.append(f"{result.crashes} session(s) interrompue(s) par un plantage (crash), sans date")
    return "\n".join(lines) + "\n"
