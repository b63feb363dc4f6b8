"""kioskctl simulate with a network receipt printer that cannot print: a printer
that answers its status requests "paper out", one that does not answer them,
one that cannot be reached. The run fails and says why, the demande's numéro is
in its output (the demande was filed), and nothing counts as printed."""

import os
import re
import subprocess
import sys

import pytest
import sqlite_utils

from config import load_settings
from config.factories import build_services
from kioskctl.simulate import SimulationError, simulate
from test_simulate import site_file


def run_simulate(site):
    return subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), "simulate", "--procedure", "permis-perte"],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )


def filed_numero(stderr: str, mock) -> str:
    """The numéro the failure names, which must be a demande the backend holds."""
    found = re.search(r"ÉCHEC — demande (\S+) déposée", stderr)
    assert found, stderr
    numero = found.group(1)
    db = sqlite_utils.Database(mock.db)
    assert [r["numero"] for r in db.query("select numero from demandes where numero = ?", [numero])] == [numero]
    return numero


def test_a_printer_out_of_paper_fails_the_run_and_prints_nothing(
    tmp_path, mock_backend, sane_env, tcp_printer, workspace_root
):
    tcp_printer.status = "paper-out"
    result = run_simulate(site_file(tmp_path, mock_backend, tcp_printer.port, workspace_root))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    filed_numero(result.stderr, mock_backend)
    assert "L'imprimante n'a plus de papier. Appelez le médiateur." in result.stderr
    assert "the printer reports no paper before the job" in result.stderr
    assert tcp_printer.data == b"" and tcp_printer.requests[:2] == [1, 2]  # asked, told, nothing sent
    rows = list(sqlite_utils.Database(tmp_path / "stats.db")["sessions"].rows)
    assert [(r["outcome"], r["receipts_printed"]) for r in rows] == [("submitted", 0)]
    assert list(workspace_root.iterdir()) == []


def test_an_unreachable_printer_fails_the_run_with_the_numero(
    tmp_path, mock_backend, sane_env, unused_port, workspace_root
):
    result = run_simulate(site_file(tmp_path, mock_backend, unused_port, workspace_root))
    assert result.returncode == 1, result.stdout + result.stderr
    numero = filed_numero(result.stderr, mock_backend)
    assert re.search(
        rf"^session 1: ÉCHEC — demande {numero} déposée, puis : "
        r"L'imprimante ne répond pas\. Appelez le médiateur\. \(cannot open the printer: .*\)$",
        result.stderr,
        re.M,
    ), result.stderr


@pytest.mark.parametrize("setting", ["fail", "assume_ok"])
def test_a_printer_that_does_not_answer_status_follows_the_setting(
    tmp_path, mock_backend, sane_env, tcp_printer, workspace_root, setting
):
    tcp_printer.status = "silent"
    settings = load_settings(
        site_file(tmp_path, mock_backend, tcp_printer.port, workspace_root),
        overrides={"printer": {"status_unanswered": setting, "status_timeout": 0.2}},
    )
    services = build_services(settings)
    try:
        if setting == "fail":
            with pytest.raises(SimulationError) as info:
                simulate(services, "permis-perte")
            assert info.value.numero and f"demande {info.value.numero} déposée" in str(info.value)
            assert "L'imprimante ne répond pas." in str(info.value)
            assert 'printer.status_unanswered = "assume_ok"' in str(info.value)
            assert tcp_printer.data == b""
        else:
            result = simulate(services, "permis-perte")
            assert result.receipt_printed and result.numero.encode() in tcp_printer.wait_for(result.numero.encode())
    finally:
        services.close()
    rows = list(sqlite_utils.Database(tmp_path / "stats.db")["sessions"].rows)
    assert [r["receipts_printed"] for r in rows] == [0 if setting == "fail" else 1]
