"""``kioskctl stats --from --to [--csv]``: per day and per procedure, from the
kiosk's own statistics store, training sessions apart."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from kioskctl import stats
from session import SessionFigures, StatsStore

ROOT = Path(__file__).resolve().parents[2]


def fill(path: Path) -> None:
    public = StatsStore(path)
    for hour, procedure, outcome, step, duration, help_calls, pages, receipts in [
        ("2026-03-02T09", "permis-perte", "submitted", "recap", 300.0, 0, 3, 1),
        ("2026-03-02T10", "permis-perte", "submitted", "recap", 500.0, 1, 4, 1),
        ("2026-03-02T11", "permis-perte", "abandoned", "adresse", 100.0, 0, 0, 0),
        ("2026-03-02T15", "permis-perte", "idle", "pieces", 200.0, 2, 1, 0),
        ("2026-03-02T16", "cg-cession", "error", "recap", 50.0, 0, 0, 0),
        ("2026-03-03T09", "permis-releve", "guided", "", 120.0, 0, 0, 1),
        ("2026-03-04T09", "permis-perte", "submitted", "recap", 400.0, 0, 2, 1),
    ]:
        public.record(
            SessionFigures(
                procedure=procedure,
                started_hour=hour,
                outcome=outcome,
                step_reached=step,
                duration_s=duration,
                help_calls=help_calls,
                pages_scanned=pages,
                receipts_printed=receipts,
            )
        )
    public.record(SessionFigures(outcome="crash"))  # the purge's: no day
    public.close()
    training = StatsStore(path, training=True)
    training.record(SessionFigures(procedure="permis-perte", started_hour="2026-03-02T14", outcome="submitted"))
    training.close()


def kioskctl(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    site = tmp_path / "kiosk.toml"
    site.write_text(f'config_version = 1\n[stats]\npath = "{tmp_path / "stats.db"}"\n')
    return subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), "stats", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_figures_per_day_and_procedure_training_apart(tmp_path):
    fill(tmp_path / "stats.db")
    out = kioskctl(tmp_path, "--from", "2026-03-02", "--to", "2026-03-03", "--csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["jour"], r["demarche"], r["formation"]) for r in rows] == [
        ("2026-03-02", "cg-cession", "0"),
        ("2026-03-02", "permis-perte", "0"),
        ("2026-03-03", "permis-releve", "0"),
        ("2026-03-02", "permis-perte", "1"),
    ]
    perte = rows[1]
    assert {k: perte[k] for k in stats.COLUMNS[3:]} == {
        "sessions": "4",
        "abouties": "2",
        "abandonnees": "2",
        "erreurs": "0",
        "appels_aide": "3",
        "pages_scannees": "8",
        "recus_imprimes": "2",
        "duree_mediane_s": "250",
        "abandons_par_etape": "adresse:1 pieces:1",
    }
    assert rows[0]["erreurs"] == "1" and rows[2]["abouties"] == "1"  # guided counts as completed
    assert rows[3]["sessions"] == "1"  # the training morning, apart


def test_the_text_report_and_the_crashes_without_a_day(tmp_path):
    fill(tmp_path / "stats.db")
    out = kioskctl(tmp_path, "--from", "2026-03-04")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Sessions :"
    assert lines[2].split() == ["2026-03-04", "permis-perte", "1", "1", "0", "0", "0", "2", "1", "400s"]
    assert lines[3] == "1 session(s), 1 aboutie(s)"
    assert lines[-1] == "1 session(s) interrompue(s) par un plantage (crash), sans date"
    assert "Formation" not in out.stdout  # the training session was on the 2nd


def test_a_bad_date_is_one_line_saying_the_form(tmp_path):
    out = kioskctl(tmp_path, "--from", "02/03/2026")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "kioskctl stats: date attendue au format AAAA-MM-JJ, par exemple 2026-03-31 (reçu '02/03/2026')"
    )


def test_the_training_setting_marks_the_kiosks_sessions(tmp_path):
    from config import load_settings
    from config.factories import build_services

    site = tmp_path / "kiosk.toml"
    site.write_text(f'config_version = 1\n[site]\ntraining = true\n[stats]\npath = "{tmp_path / "s.db"}"\n')
    services = build_services(load_settings(site))
    try:
        services.stats.record(SessionFigures(procedure="permis-perte", started_hour="2026-03-02T09"))
        assert [r["training"] for r in services.stats.rows()] == [1]
    finally:
        services.close()


@pytest.mark.parametrize("durations", [[], [10.0, 20.0, 90.0]])
def test_median_of_nothing_is_zero(durations):
    f = stats.DayFigures("2026-03-02", "x", False, durations=durations)
    assert f.median_s == (20.0 if durations else 0.0)
