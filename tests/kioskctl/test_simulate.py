"""kioskctl simulate: whole scripted sessions through the same session core,
ANTS client and drivers as the app, against the mock process, SANE's test
scanner and a TCP printer."""

import os
import re
import subprocess
import sys

import pytest
import sqlite_utils

from config import load_settings
from config.factories import build_services
from kioskctl.simulate import SimulationError, simulate


def site_file(tmp_path, mock, printer_port, workspace_root, resolution=100):
    path = tmp_path / "site.toml"
    path.write_text(f"""config_version = 1
[site]
name = "Sous-préfecture d'essai"
[ants]
base_url = "{mock.url}"
mock_db = "{mock.db}"
retries = 0
[scanner]
driver = "sane"
device = "test:0"
resolution = {resolution}
[printer]
driver = "network"
host = "127.0.0.1"
port = {printer_port}
[workspace]
root = "{workspace_root}"
[stats]
path = "{tmp_path / "stats.db"}"
""")
    return path


def test_twenty_sessions_twenty_numeros(tmp_path, mock_backend, sane_env, tcp_printer, workspace_root):
    site = site_file(tmp_path, mock_backend, tcp_printer.port, workspace_root)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kioskctl",
            "--config",
            str(site),
            "simulate",
            "--procedure",
            "permis-perte",
            "--sessions",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr
    numeros = re.findall(r"^session (\d+): (\S+)$", result.stdout, re.M)
    assert [int(i) for i, _ in numeros] == list(range(1, 21))
    assert len({n for _, n in numeros}) == 20
    # Each numéro was printed on a récépissé, and each dossier is in the backend.
    data = tcp_printer.wait_for(numeros[-1][1].encode())
    assert all(n.encode() in data for _, n in numeros)
    db = sqlite_utils.Database(mock_backend.db)
    stored = {r["numero"] for r in db.query("select numero from demandes")}
    assert {n for _, n in numeros} <= stored
    # Workspaces wiped; the statistics hold the figures, nothing personal.
    assert list(workspace_root.iterdir()) == []
    stats = sqlite_utils.Database(tmp_path / "stats.db")
    rows = list(stats["sessions"].rows)
    assert len(rows) == 20 and {r["outcome"] for r in rows} == {"submitted"}
    assert all(r["pages_scanned"] == 2 and r["receipts_printed"] == 1 for r in rows)


def test_canary_reaches_backend_but_not_the_kiosk(
    tmp_path, mock_backend, sane_env, tcp_printer, workspace_root, canary
):
    settings = load_settings(site_file(tmp_path, mock_backend, tcp_printer.port, workspace_root))
    services = build_services(settings)
    result = simulate(services, "permis-perte", index=3, canary=canary)
    db = sqlite_utils.Database(mock_backend.db)
    dossier = next(db.query("select dossier_json from demandes where numero = ?", [result.numero]))
    assert canary in dossier["dossier_json"]
    assert canary.encode() not in tcp_printer.wait_for(result.numero.encode())
    assert (tmp_path / "stats.db").read_bytes().find(canary.encode()) == -1
    assert list(workspace_root.iterdir()) == []


def test_unplugged_scanner_fails_cleanly_and_wipes(tmp_path, mock_backend, tcp_printer, workspace_root):
    settings = load_settings(
        site_file(tmp_path, mock_backend, tcp_printer.port, workspace_root),
        overrides={"scanner": {"driver": "simulated", "fault": "unplugged"}},
    )
    services = build_services(settings)
    with pytest.raises(SimulationError, match="scanner"):
        simulate(services, "permis-perte", motif="vol")
    assert list(workspace_root.iterdir()) == []
    stats = sqlite_utils.Database(tmp_path / "stats.db")
    assert [r["step_reached"] for r in stats["sessions"].rows] == ["pieces"]
