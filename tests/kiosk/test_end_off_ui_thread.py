"""The end of a session never blocks the screen: choosing another procedure
ends the first one's session on the job queue (its ANTS logout, the wipe and
its check), the screen busy meanwhile, and the new session starts once the old
one is wiped. When the kiosk is stopped (systemd's SIGTERM), the end is done
before the process exits, hurried: one short logout try, then the wipe."""

import time

import pytest
import requests
from kivy.clock import Clock

from session import UserSession
from support import wait_until

pytestmark = pytest.mark.ui

WIPING = "Effacement de vos données…"


def slow_logout(backend, seconds: float) -> None:
    """ANTS answers the logout (DELETE /api/v1/sessions/current) after ``seconds``."""
    response = requests.post(
        backend.url + "/api/v1/formation/pannes",
        timeout=5,
        json={"chemin": "/api/v1/sessions", "methode": "DELETE", "mode": "latence", "delai_s": seconds},
    )
    assert response.status_code == 201


def start_permis_perte(kiosk):
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    session = kiosk.controller.session
    session.client.open_session()  # as a submission does: the logout then goes to ANTS
    return session


@pytest.fixture
def kiosk_on_mock(driver, make_services, start_backend):
    def make(**overrides):
        backend = start_backend("end-off-ui")
        services = make_services(
            ants={"base_url": backend.url, "timeout": 10.0, "retries": 2, "mock_db": str(backend.db)}, **overrides
        )
        return driver(services), backend, services

    return make


def test_choosing_another_procedure_ends_the_first_off_the_ui_thread(kiosk_on_mock, workspace_root):
    kiosk, backend, _services = kiosk_on_mock()
    first = start_permis_perte(kiosk)
    old_workspace = first.workspace.path
    assert old_workspace.exists()
    slow_logout(backend, 3.0)
    kiosk.tap_button("Retour")  # the first step: back to the checklist, then to the chooser
    kiosk.tap_button("Retour")
    kiosk.tap_group("permis")
    kiosk.tap_button("Renouveler un permis")
    started_with_old_workspace = []
    new_session = kiosk.controller._new_session

    def new_session_seen(*args, **kwargs):
        started_with_old_workspace.append(old_workspace.exists())
        return new_session(*args, **kwargs)

    kiosk.controller._new_session = new_session_seen
    ticks = []
    counting = Clock.schedule_interval(lambda _dt: ticks.append(1), 0)
    try:
        kiosk.tap_button("J'ai tout")  # used to return only once ANTS had answered the logout
        # back to the frame loop at once: the screen says it is working, nothing of the old session left on it
        assert kiosk.controller.busy and kiosk.controller.busy_message == WIPING
        assert kiosk.controller.session is None and started_with_old_workspace == []
        kiosk.wait(lambda: kiosk.controller.session is not None, timeout=30, what="the new session")
    finally:
        counting.cancel()
    assert len(ticks) > 30  # frames went on while ANTS took 3 s to answer
    assert started_with_old_workspace == [False]  # the new session started once the old one was wiped
    assert kiosk.controller.session.procedure.id == "permis-fin-validite"
    assert not kiosk.controller.busy and kiosk.screen.name == "form"
    assert first.client.token is None
    assert [p.name for p in workspace_root.iterdir()] == [kiosk.controller.session.workspace.path.name]


def test_a_stop_ends_the_session_without_waiting_for_a_slow_logout(kiosk_on_mock, workspace_root):
    kiosk, backend, _services = kiosk_on_mock()
    session = start_permis_perte(kiosk)
    slow_logout(backend, 12.0)
    started = time.monotonic()
    kiosk.app.on_stop()  # what App.stop() dispatches on systemd's SIGTERM (kiosk/__main__.py)
    took = time.monotonic() - started
    assert took < UserSession.HURRIED_LOGOUT_S + 6  # a bound, not a measure: unhurried, the 10 s timeout
    assert kiosk.controller.session is None and session.client.token is None
    assert list(workspace_root.iterdir()) == []


def test_a_stop_waits_for_an_end_already_under_way(kiosk_on_mock, workspace_root):
    kiosk, backend, _services = kiosk_on_mock()
    session = start_permis_perte(kiosk)
    slow_logout(backend, 2.0)
    kiosk.controller.finish("abandoned")  # Terminer: the end runs on the job queue
    kiosk.wait(lambda: not session.workspace.path.exists() or session._ended, what="the end to begin")
    kiosk.app.on_stop()  # the process exits after: its end must be over first
    assert session.wait_ended(0) and list(workspace_root.iterdir()) == []


def test_a_stop_during_a_scan_leaves_no_page_behind(kiosk_on_mock, workspace_root):
    kiosk, _backend, _services = kiosk_on_mock(scanner={"resolution": 100, "page_seconds": 3.0})
    session = start_permis_perte(kiosk)
    session.wizard.goto("pieces")  # the flow offers a scan where the step asks for pièces
    kiosk.controller.scan("identite")  # on the job queue, as the scan button does
    job = wait_until(lambda: session.scan_job, timeout=30, message="the scan to start")
    wait_until(lambda: job.progress.page_bytes > 0, timeout=30, message="the page on its way")
    kiosk.app.on_stop()
    assert job.done() and list(workspace_root.iterdir()) == []
    with pytest.raises(AssertionError, match="timed out"):  # the page would have come 3 s after it began
        wait_until(lambda: list(workspace_root.rglob("*")), timeout=4.0, message="a page after the wipe")
