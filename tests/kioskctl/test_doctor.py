"""``kioskctl doctor`` against the simulated devices and the real test ones (SANE's
``test`` backend, a TCP ESC/POS printer answering its status, the mock backend on
loopback, a TLS server whose certificate is not trusted), each check forced to fail."""

import http.server
import os
import shutil
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kioskctl import doctor
from session import SessionFigures, StatsStore
from support import free_port, tmpfs_folder

ROOT = Path(__file__).resolve().parents[2]


def site(tmp_path: Path, body: str = "", **sections: str) -> str:
    """A site file: the simulated devices, stats and workspace under ``tmp_path``, then ``body``."""
    root = tmpfs_folder() / f"pointnum-doctor-{os.getpid()}-{tmp_path.name}"
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'config_version = 1\n[workspace]\nroot = "{root}"\n[stats]\npath = "{tmp_path}/stats.db"\n'
        '[scanner]\ndriver = "simulated"\nresolution = 50\n' + body,
        encoding="utf-8",
    )
    return str(path)


def results(files, **kwargs) -> dict[str, doctor.Result]:
    kwargs.setdefault("synchronised", lambda: True)
    return {r.name: r for r in doctor.run(files if isinstance(files, list) else [files], **kwargs)}


def test_the_simulated_kiosk_passes_every_check(tmp_path, mock_backend):
    found = results(site(tmp_path, f'[ants]\nbase_url = "{mock_backend.url}"\n'))
    assert [r.name for r in found.values() if not r.ok] == []
    assert list(found) == [
        "configuration",
        "scanner",
        "imprimante",
        "file CUPS",
        "backend ANTS",
        "bus du site",
        "espace en RAM",
        "horloge",
        "disque",
        "dernier effacement",
    ]
    assert found["scanner"].detail.startswith("simulated : page de test ")
    assert doctor.exit_status(found.values()) == doctor.EXIT_OK


def test_the_command_line_prints_one_line_per_check_and_exits_by_severity(tmp_path, mock_backend):
    files = site(tmp_path, f'[ants]\nbase_url = "{mock_backend.url}"\n')
    argv = [sys.executable, "-m", "kioskctl", "--config", files, "doctor", "--only", "backend", "--only", "disk"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["OK", "OK", "OK"]
    assert lines[-1] == "doctor : tout est bon (code 0)"
    # a critical failure: the disk below its threshold, 3, with what to do
    out = subprocess.run([*argv, "--min-free-mb", "1e12"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 3, out.stdout + out.stderr
    (disk,) = [line for line in out.stdout.splitlines() if "disque" in line]
    assert disk.startswith("ÉCHEC") and "→ libérez de la place" in disk


def test_a_warning_alone_exits_1(tmp_path):
    files = site(tmp_path)
    found = results(files, synchronised=lambda: False, only=["clock", "disk"])
    assert not found["horloge"].ok and found["horloge"].severity == doctor.WARNING
    assert "timedatectl set-ntp true" in found["horloge"].line()
    assert doctor.exit_status(found.values()) == doctor.EXIT_WARNING


def test_an_invalid_site_file_is_one_line_with_file_key_and_value(tmp_path):
    files = site(tmp_path, '[printer]\ndriver = "laser"\n')
    found = doctor.run([files])
    assert [r.name for r in found] == ["configuration"]
    assert not found[0].ok and "printer.driver" in found[0].detail and "'laser'" in found[0].detail
    assert files in found[0].detail
    assert doctor.exit_status(found) == doctor.EXIT_CONFIG


# -- the scanner ---------------------------------------------------------------


def sane_site(tmp_path, device: str) -> str:
    files = site(tmp_path)
    text = Path(files).read_text().replace('driver = "simulated"', f'driver = "sane"\ndevice = "{device}"')
    Path(files).write_text(text)
    return files


def test_sane_test_backend_scans_a_test_page(tmp_path, sane_env):
    found = results(sane_site(tmp_path, "test:0"), only=["scanner"])
    assert found["scanner"].ok, found["scanner"].line()
    assert found["scanner"].detail.startswith("sane test:0 : page de test ")


def test_a_missing_sane_scanner_fails_critical(tmp_path, sane_env):
    found = results(sane_site(tmp_path, "test:nonexistent"), only=["scanner"])
    assert not found["scanner"].ok and found["scanner"].severity == doctor.CRITICAL
    assert "scanimage -L" in found["scanner"].fix


def test_the_simulated_scanner_unplugged_fails(tmp_path):
    files = site(tmp_path)
    Path(files).write_text(Path(files).read_text().replace("resolution = 50", 'resolution = 50\nfault = "unplugged"'))
    found = results(files, only=["scanner"])
    assert not found["scanner"].ok and "ScannerUnavailable" in found["scanner"].detail


# -- the receipt printer -------------------------------------------------------


def network_printer(tmp_path, port: int) -> str:
    return site(tmp_path, f'[printer]\ndriver = "network"\nhost = "127.0.0.1"\nport = {port}\nstatus_timeout = 0.5\n')


def test_a_network_printer_online_passes_and_prints_a_test_ticket_on_request(tmp_path, tcp_printer):
    files = network_printer(tmp_path, tcp_printer.port)
    found = results(files, only=["printer"])
    assert found["imprimante"].ok and found["imprimante"].detail.endswith("en ligne, papier présent")
    assert b"Ticket de test" not in tcp_printer.data
    found = results(files, only=["printer"], test_ticket=True)
    assert found["imprimante"].detail.endswith("ticket de test imprimé")
    assert b"Ticket de test" in tcp_printer.wait_for(b"Ticket de test")


@pytest.mark.parametrize(
    ("state", "severity", "fix"),
    [
        ("paper-out", doctor.CRITICAL, "mettez un rouleau de papier"),
        ("cover-open", doctor.CRITICAL, "fermez le capot de l'imprimante"),
        ("silent", doctor.CRITICAL, "vérifiez que l'imprimante est allumée"),
        ("paper-low", doctor.WARNING, "préparez un rouleau neuf"),
    ],
)
def test_a_printer_that_cannot_print_fails_with_what_to_do(tmp_path, tcp_printer, state, severity, fix):
    tcp_printer.status = state
    found = results(network_printer(tmp_path, tcp_printer.port), only=["printer"])
    assert not found["imprimante"].ok and found["imprimante"].severity == severity
    assert found["imprimante"].fix.startswith(fix)


def test_a_printer_nobody_listens_for_is_unreachable(tmp_path):
    found = results(network_printer(tmp_path, free_port()), only=["printer"])
    assert not found["imprimante"].ok and "unreachable" in found["imprimante"].detail


# -- the backend ---------------------------------------------------------------


@pytest.fixture
def untrusted_tls_server(tmp_path):
    """An HTTPS server on loopback whose certificate is self-signed (as a proxy that intercepts)."""
    if not shutil.which("openssl"):
        pytest.fail("openssl missing: install Debian's openssl")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert]
        + ["-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_backend_whose_certificate_is_not_trusted_fails(tmp_path, untrusted_tls_server):
    found = results(site(tmp_path, f'[ants]\nbase_url = "{untrusted_tls_server}"\n'), only=["backend"])
    backend = found["backend ANTS"]
    assert not backend.ok and backend.severity == doctor.CRITICAL
    assert "certificat TLS refusé (self-signed certificate)" in backend.detail


def test_a_backend_over_plain_http_off_loopback_fails(tmp_path):
    found = results(site(tmp_path, '[ants]\nbase_url = "http://192.0.2.1"\n'), only=["backend"])
    assert not found["backend ANTS"].ok and "pas en HTTPS" in found["backend ANTS"].detail


def test_a_backend_that_does_not_answer_fails(tmp_path):
    found = results(site(tmp_path, f'[ants]\nbase_url = "http://127.0.0.1:{free_port()}"\ntimeout = 2.0\n'))
    assert not found["backend ANTS"].ok and "injoignable" in found["backend ANTS"].detail


def test_the_training_backend_is_started_and_checked(tmp_path):
    found = results(
        site(tmp_path, f'[ants]\nbase_url = "http://127.0.0.1:{free_port()}"\nstart_bundled_mock = true\n'),
        only=["backend"],
    )
    assert found["backend ANTS"].ok and found["backend ANTS"].detail.startswith("formation, http://127.0.0.1:")


# -- the site bus, the workspace, the disk, the last wipe --------------------------


def test_the_site_bus_reachable_or_not():
    import socket

    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(1)
        assert doctor.check_bus("127.0.0.1", listening.getsockname()[1]).ok
    down = doctor.check_bus("127.0.0.1", free_port())
    assert not down.ok and "mosquitto" in down.fix and down.severity == doctor.WARNING


def bus_site(tmp_path, port: int, password: str) -> str:
    return site(tmp_path, f'[sitebus]\nhost = "127.0.0.1"\nport = {port}\nkiosk = "borne1"\npassword = "{password}"\n')


def test_the_site_bus_check_logs_in_to_the_real_broker_as_the_kiosk(tmp_path):
    """mosquitto with the kiosks' logins: the kiosk's own password connects; a wrong one is refused."""
    from bus_support import SiteBroker

    broker = SiteBroker(tmp_path / "broker").start()
    try:
        good = results(bus_site(tmp_path, broker.port, broker.passwords["borne1"]), only=["bus"])["bus du site"]
        assert good.ok and good.detail == f"127.0.0.1:{broker.port} : connecté en tant que borne1", good.line()
        bad = results(bus_site(tmp_path, broker.port, "wrong"), only=["bus"])["bus du site"]
        assert not bad.ok and "connexion refusée" in bad.detail and "password" in bad.fix
    finally:
        broker.stop()
    gone = results(bus_site(tmp_path, broker.port, "x"), only=["bus"])["bus du site"]
    assert not gone.ok and "injoignable" in gone.detail


def test_a_workspace_off_tmpfs_fails(tmp_path):
    files = site(tmp_path)
    text = Path(files).read_text()
    on_disk = Path(__file__).resolve().parent / f".doctor-ws-{os.getpid()}"  # the checkout: not a tmpfs
    Path(files).write_text(text.replace(f'root = "{tmpfs_folder()}', f'root = "{on_disk}'))
    assert results(files, only=["workspace"])["espace en RAM"].ok is False
    assert results(site(tmp_path), only=["workspace"])["espace en RAM"].ok


def test_the_last_wipe_is_read_from_the_statistics(tmp_path):
    files = site(tmp_path)
    assert results(files, only=["wipe"])["dernier effacement"].detail == "aucune session encore"
    store = StatsStore(tmp_path / "stats.db")
    row = store.record(SessionFigures(procedure="permis-perte", outcome="submitted"))
    assert results(files, only=["wipe"])["dernier effacement"].ok
    store.mark_wipe_failed(row)
    store.close()
    wipe = results(files, only=["wipe"])["dernier effacement"]
    assert not wipe.ok and wipe.severity == doctor.CRITICAL and "verify-clean" in wipe.fix
