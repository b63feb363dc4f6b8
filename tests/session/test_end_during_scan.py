"""The end of a session while its scan runs (the idle timeout, or systemd's
SIGTERM, in the middle of a page): the scan is cancelled, the end waits for
the scan worker's child with a bound (killed if it is deaf to the cancel),
then the workspace goes; no page lands after the wipe."""

from __future__ import annotations

import threading

import pytest
import requests

from ants import AntsClient
from config import ScannerSettings
from drivers.scanner.worker import ScanWorker
from session import Catalogue, SessionError, UserSession
from support import free_port, wait_until

SESSION_ENDED = "Votre session est terminée. Touchez l'écran pour commencer."


def make_session(workspace_root, scanner, client=None) -> UserSession:
    return UserSession(
        Catalogue.load()["permis-perte"],
        workspace_root=workspace_root,
        client=client or AntsClient(f"http://127.0.0.1:{free_port()}"),
        scanner=scanner,
        printer=None,
        site_name="Essai",
        suivi_url="{numero}",
        check_places=[workspace_root],
    )


def scan_in_background(session: UserSession):
    """``scan_piece`` as the kiosk's job queue runs it; returns (thread, outcome)."""
    outcome = {}

    def run():
        try:
            outcome["pages"] = session.scan_piece("identite")
        except SessionError as exc:
            outcome["error"] = exc.message_fr

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    job = wait_until(lambda: session.scan_job, timeout=30, message="the scan to start")
    wait_until(lambda: job.progress.page_bytes > 0, timeout=30, message="the page to be on its way")
    return thread, outcome, job


def files_under(root):
    return sorted(str(p) for p in root.rglob("*")) if root.exists() else []


def nothing_appears(root, seconds: float) -> None:
    """For ``seconds``, poll that nothing is written under ``root``."""
    with pytest.raises(AssertionError, match="timed out"):
        wait_until(lambda: files_under(root), timeout=seconds, message="a file after the wipe")


def test_a_page_on_its_way_when_the_session_ends_is_never_written(workspace_root):
    # A slow scanner: the page takes 3 s to come, deaf to the cancel until it is
    # there; the child then sees the cancel and stops by itself.
    settings = ScannerSettings(driver="simulated", resolution=100, page_seconds=3.0)
    with ScanWorker(settings, cancel_grace=30) as worker:
        session = make_session(workspace_root, worker)
        workspace = session.workspace.path
        thread, outcome, job = scan_in_background(session)
        child = worker._child.proc
        report = session.end("idle")
        assert job.done()  # the end waited for the scan to be over
        assert report.clean and not workspace.exists()
        thread.join(timeout=10)
        assert outcome == {"error": SESSION_ENDED}
        assert child.poll() is None and worker.restarts == 0  # it stopped by itself: not killed
        nothing_appears(workspace_root, seconds=4.0)  # longer than the page took


def test_a_child_deaf_to_the_cancel_is_killed_before_the_wipe(workspace_root):
    # the page's first quarter comes after 1 s, the rest 3 s later: longer than the grace
    settings = ScannerSettings(driver="simulated", resolution=100, page_seconds=4.0)
    with ScanWorker(settings, cancel_grace=0.5) as worker:
        session = make_session(workspace_root, worker)
        workspace = session.workspace.path
        thread, outcome, job = scan_in_background(session)
        child = worker._child.proc
        report = session.end("crash")
        assert job.done() and child.returncode is not None  # the child is gone, and reaped
        assert report.clean and not workspace.exists()
        thread.join(timeout=10)
        assert outcome == {"error": SESSION_ENDED}
        nothing_appears(workspace_root, seconds=4.0)


def test_a_scan_asked_after_the_end_is_refused(workspace_root):
    with ScanWorker(ScannerSettings(driver="simulated", resolution=100)) as worker:
        session = make_session(workspace_root, worker)
        assert session.end("abandoned").clean
        with pytest.raises(SessionError) as info:
            session.scan_piece("identite")
        assert info.value.message_fr == SESSION_ENDED
        assert files_under(workspace_root) == []


def test_a_hurried_end_does_not_wait_for_a_slow_logout(workspace_root, start_backend):
    # The kiosk being stopped (SIGTERM): one logout try of HURRIED_LOGOUT_S at
    # most, then the wipe; here ANTS would answer the logout after 12 s.
    ants = start_backend("slow-logout")
    client = AntsClient(ants.url, timeout=30.0, retries=2)
    client.open_session()
    requests.post(
        ants.url + "/api/v1/formation/pannes",
        timeout=5,
        json={"chemin": "/api/v1/sessions", "methode": "DELETE", "mode": "latence", "delai_s": 12},
    )
    session = make_session(workspace_root, scanner=None, client=client)
    workspace = session.workspace.path
    done = {}
    thread = threading.Thread(target=lambda: done.update(report=session.end("crash", hurry=True)), daemon=True)
    thread.start()
    thread.join(timeout=UserSession.HURRIED_LOGOUT_S + 6)  # a bound on the test: unhurried, 12 s
    assert not thread.is_alive()
    assert done["report"].clean and not workspace.exists()
    assert client.token is None
