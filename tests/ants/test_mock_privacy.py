"""What the mock keeps of a user when it runs on a kiosk: its log carries route
templates and statuses, never a value from a path or a query; ``--db :memory:``
writes no file; the training unit runs it that way."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys
from pathlib import Path

import requests

from ants import AntsClient
from ants_builders import Ants, standard_pieces
from support import make_canary, wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_the_mock_log_has_route_templates_and_no_value(start_backend):
    backend = start_backend("log")
    canary = make_canary()
    ants = Ants(backend.url)
    numero = ants.submit(ants.dossier(), standard_pieces()).json()["numero"]
    requests.get(f"{backend.url}/api/v1/demandes/{numero}", timeout=5)
    requests.get(f"{backend.url}/api/v1/cessions/AB-{canary}-CD", params={"code": canary}, timeout=5)
    requests.get(f"{backend.url}/api/v1/formation/mails", params={"destinataire": f"{canary}@exemple.fr"}, timeout=5)
    requests.get(f"{backend.url}/api/v1/{canary}", timeout=5)
    client = AntsClient(backend.url, timeout=5, retries=0)
    try:
        client.open_session()
        client.logout()
    finally:
        client.close()
    wait_until(
        lambda: "DELETE /api/v1/sessions/current 204" in backend.log.read_text(),
        message="the mock's access line of the last request",
    )
    log = backend.log.read_text()
    for value in (canary, numero, "DUPONT", "75011"):
        assert value not in log
    assert "GET /api/v1/demandes/{numero} 200" in log
    assert "GET /api/v1/cessions/{immatriculation} 404" in log
    assert "GET (aucune route) 404" in log
    assert "GET /api/v1/formation/mails 200" in log


def test_a_store_in_memory_writes_no_file(mock_backend, tmp_path):
    # tests/conftest.py's MockBackend passes its own --db first: argparse keeps the last one.
    memory = type(mock_backend)(tmp_path / "unused.db", extra_args=("--db", ":memory:"))
    memory.log = tmp_path / "memory.log"
    memory.start()
    try:
        ants = Ants(memory.url)
        assert ants.submit(ants.dossier(), standard_pieces()).status_code == 201
    finally:
        memory.stop()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memory.log"]
    assert not (ROOT / ":memory:").exists()  # MockBackend runs it in the checkout


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(ROOT / "systemd" / name, encoding="utf-8")
    return unit


def test_the_training_unit_keeps_the_store_and_uploads_in_ram():
    service = _unit("pointnum-ants-mock.service")["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[command.index("--db") + 1] == ":memory:"
    assert "StateDirectory" not in service and "ReadWritePaths" not in service
    assert service["RuntimeDirectory"] == "pointnum-ants-mock"
    assert service["Environment"] == "TMPDIR=/run/pointnum-ants-mock"
    assert service["ExecStartPre"] == "+/bin/rm -rf --one-file-system /var/lib/pointnum-ants-mock"
    # The command line the unit runs is one the mock accepts.
    from ants.mock.__main__ import parse_args

    args = parse_args(command[1:])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 8765, ":memory:")


def test_the_mock_parent_pid_option_ends_it_when_the_parent_has_gone_already(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "ants.mock", "--db", ":memory:", "--port", "1", "--parent-pid", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert run.returncode == 0
    assert "Uvicorn running" not in run.stderr
