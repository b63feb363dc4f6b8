"""The kiosk's promise, end to end: after a session, the ANTS session is dead
on the server, the persistent store holds figures only, and a canary typed by
a user is found nowhere — files, temporary folders, home, log output."""

import sqlite3
import subprocess
import sys

import requests
import sqlite_utils

from config import load_settings
from config.factories import build_services
from session.stats import SessionFigures

ALLOWED_COLUMNS = {"id"} | set(SessionFigures.__dataclass_fields__)


def settings_for(tmp_path, mock, workspace_root):
    return load_settings(
        overrides={
            "ants": {"base_url": mock.url, "mock_db": str(mock.db), "retries": 0},
            "scanner": {"driver": "simulated", "resolution": 100},
            "printer": {"driver": "capture"},
            "workspace": {"root": str(workspace_root)},
            "stats": {"path": str(tmp_path / "data" / "stats.db")},
        }
    )


def test_the_server_refuses_the_old_token_after_the_wipe(tmp_path, mock_backend, workspace_root):
    services = build_services(settings_for(tmp_path, mock_backend, workspace_root))
    try:
        session = services.new_session("permis-perte")
        session.client.open_session()
        token = session.client._token
        headers = {"Authorization": f"Bearer {token}"}
        current = requests.get(mock_backend.url + "/api/v1/sessions/current", headers=headers, timeout=5)
        assert current.status_code == 200
        report = session.end("abandoned")
        assert report.clean
        assert session.client._token is None
        after = requests.get(mock_backend.url + "/api/v1/sessions/current", headers=headers, timeout=5)
        assert after.status_code == 401
        submit = requests.post(
            mock_backend.url + "/api/v1/demandes", headers=headers, files={"dossier": (None, b"{}")}, timeout=5
        )
        assert submit.status_code == 401
    finally:
        services.close()


def test_statistics_hold_figures_only_and_no_journal(tmp_path, mock_backend, workspace_root, canary):
    settings = settings_for(tmp_path, mock_backend, workspace_root)
    site = tmp_path / "site.toml"
    site.write_text(f"""config_version = 1
[ants]
base_url = "{mock_backend.url}"
mock_db = "{mock_backend.db}"
[scanner]
driver = "simulated"
resolution = 100
[workspace]
root = "{workspace_root}"
[stats]
path = "{settings.stats_path()}"
""")
    run = subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), "simulate", "--sessions", "3", "--canary", canary],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    # The log output (what the journal would get) never carries the canary.
    assert canary not in run.stdout and canary not in run.stderr
    db = sqlite_utils.Database(settings.stats_path())
    assert set(db["sessions"].columns_dict) <= ALLOWED_COLUMNS
    assert db["sessions"].count == 3
    assert canary.encode() not in settings.stats_path().read_bytes()
    with sqlite3.connect(settings.stats_path()) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    data_dir = settings.stats_path().parent
    assert sorted(p.name for p in data_dir.iterdir()) == ["stats.db"]
    # Every file under the app's folders, /tmp, /var/tmp and the home's app folders.
    clean = subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), "verify-clean", "--canary", canary],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert clean.returncode == 0, clean.stdout
    # And the canary did reach ANTS: the search would have found it if the kiosk kept it.
    assert canary in "".join(r["dossier_json"] for r in sqlite_utils.Database(mock_backend.db)["demandes"].rows)


def test_a_logout_ants_missed_is_done_once_it_answers(tmp_path, start_backend, workspace_root):
    # ANTS does not answer when the user leaves: the token is forgotten here at
    # once, kept in memory for a later logout, and the server is told when back.
    backend = start_backend("logout")
    services = build_services(settings_for(tmp_path, backend, workspace_root))
    try:
        session = services.new_session("permis-perte")
        session.client.open_session()
        headers = {"Authorization": f"Bearer {session.client.token}"}
        backend.stop()
        report = session.end("abandoned")
        assert report.clean and session.client.token is None
        assert len(services.pending_logouts) == 1
        assert services.retry_logouts() == 1  # still down: kept
        start_backend("logout", port=backend.port)  # the same ANTS, back
        assert requests.get(backend.url + "/api/v1/sessions/current", headers=headers, timeout=5).status_code == 200
        assert services.retry_logouts() == 0
        assert requests.get(backend.url + "/api/v1/sessions/current", headers=headers, timeout=5).status_code == 401
    finally:
        services.close()


def test_a_pending_logout_is_dropped_once_older_than_any_session():
    from ants import AntsUnavailable, PendingLogouts

    now = [0.0]
    attempts = []

    class Down:
        def use_token(self, token):
            attempts.append(token)

        def logout(self):
            raise AntsUnavailable("DELETE /api/v1/sessions/current: ConnectionError")

        def close(self):
            pass

    pending = PendingLogouts(Down, max_age=3600, clock=lambda: now[0])
    pending.add("jeton")
    now[0] = 3599
    assert pending.retry() == 1
    now[0] = 3601
    assert pending.retry() == 0 and attempts == ["jeton", "jeton"]
