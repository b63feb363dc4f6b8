"""kill -9 in the middle of a session: the next start finds the leftovers,
purges them, and `kioskctl verify-clean` proves nothing remains."""

import os
import signal
import subprocess
import sys
import textwrap

from support import make_canary

CANARY = make_canary()

USER_SCRIPT = textwrap.dedent("""
    import sys
    from config import load_settings
    from config.factories import build_services
    services = build_services(load_settings(sys.argv[1]))
    session = services.new_session("permis-perte")
    w = session.wizard
    w.next({"motif": "perte"})
    w.next({"nom_naissance": sys.argv[2], "sexe": "F", "prenom1": "Ana", "prenom2": "",
            "date_naissance": "01/02/1980"})
    session.scan_piece("identite")
    print("READY", flush=True)
    sys.stdin.read()
""")


def kioskctl(site, *args):
    return subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), *args], capture_output=True, text=True, timeout=120
    )


def test_kill_9_then_purge_then_clean(tmp_path, workspace_root):
    site = tmp_path / "site.toml"
    site.write_text(f"""config_version = 1
[scanner]
driver = "simulated"
[workspace]
root = "{workspace_root}"
[stats]
path = "{tmp_path / "data" / "stats.db"}"
""")
    user = subprocess.Popen(
        [sys.executable, "-c", USER_SCRIPT, str(site), CANARY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert user.stdout.readline().strip() == "READY"
        os.kill(user.pid, signal.SIGKILL)
        user.wait(timeout=10)
    finally:
        if user.poll() is None:
            user.kill()
    assert list(workspace_root.iterdir())  # the crash left a workspace behind

    before = kioskctl(site, "verify-clean", "--canary", CANARY)
    assert before.returncode == 1 and "FOUND workspace" in before.stdout

    purged = kioskctl(site, "purge")
    assert purged.returncode == 0 and purged.stdout.startswith("1 espace")

    after = kioskctl(site, "verify-clean", "--canary", CANARY)
    assert after.returncode == 0, after.stdout
    assert "clean" in after.stdout and CANARY not in after.stdout
    stats = kioskctl(site, "stats")
    assert "crash" in stats.stdout


def test_verify_clean_finds_a_canary_in_the_data_folder(tmp_path, workspace_root):
    data = tmp_path / "data"
    data.mkdir()
    site = tmp_path / "site.toml"
    site.write_text(f"""config_version = 1
[workspace]
root = "{workspace_root}"
[stats]
path = "{data / "stats.db"}"
""")
    (data / "notes.txt").write_text(f"rendez-vous de {CANARY}")
    result = kioskctl(site, "verify-clean", "--canary", CANARY)
    assert result.returncode == 1
    assert f"FOUND needle in {data / 'notes.txt'}" in result.stdout
    (data / "stats.db-wal").write_bytes(b"")
    (data / "notes.txt").unlink()
    result = kioskctl(site, "verify-clean", "--canary", CANARY)
    assert result.returncode == 1 and "FOUND journal" in result.stdout
