"""The locked window for real: WebKitGTK on a virtual screen, driven by its keyboard
and mouse (xdotool), on the mock's pages. What a person types there (a password,
a card) is in no request the kiosk made, no log, no file left once the window's
profile is wiped; what is off the allow-list is blocked and told; Annuler and idle
bring the person back to the kiosk."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from ants import AntsClient, LoginCancelled
from browser import LockedWindow
from support import make_canary, tmpfs_folder, wait_until

CLIENT_ID = "ants-mock-fs"


@pytest.fixture
def sent(monkeypatch):
    """Every HTTP request this process (the kiosk's side) makes: URL, headers and body."""
    seen: list[str] = []
    real = requests.adapters.HTTPAdapter.send

    def send(adapter, request, *args, **kwargs):
        body = request.body or b""
        seen.append(f"{request.method} {request.url} {dict(request.headers)} {body!r}")
        return real(adapter, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return seen


@pytest.fixture
def profile():
    """The window's profile folder in RAM, as a session's workspace has it; deleted after."""
    workspace = Path(tempfile.mkdtemp(prefix="browser-test-", dir=tmpfs_folder()))
    folder = workspace / "navigateur"
    folder.mkdir()
    yield folder
    shutil.rmtree(workspace)


@pytest.fixture
def client(mock_backend):
    client = AntsClient(mock_backend.url, timeout=10, retries=0, backoff_factor=0)
    yield client
    client.close()


def pages(window: LockedWindow) -> list[str]:
    return [e["path"] for e in window.events if e.get("event") == "page"]


def wait_page(window: LockedWindow, path: str, count: int = 1) -> None:
    wait_until(lambda: pages(window).count(path) >= count, timeout=30, message=f"page {path} #{count}")


def everything_in(folder: Path) -> bytes:
    return b"".join(f.read_bytes() for f in folder.rglob("*") if f.is_file())


def open_window(mock_backend, auth, profile, **options):
    window = LockedWindow(size=(1280, 800), **options)
    closed: list[str] = []

    def on_closed(reason: str) -> None:
        closed.append(reason)
        auth.cancel()

    allow = [urlsplit(mock_backend.url).netloc, urlsplit(auth.redirect_uri).netloc]
    window.open(auth.url, on_closed, allow, profile)
    assert window.wait_ready(30) is not None, window.events
    return window, closed


def written_outside(since: float) -> list[Path]:
    """What a web engine could leave in this user's own folders (its caches and storage, shaders).
    (dconf is left out: any GTK program of this machine's user touches it; the window's
    GSettings are in memory, GSETTINGS_BACKEND=memory.)"""
    home = Path.home()
    found = []
    for folder in (home / ".cache", home / ".local" / "share", home / ".config"):
        if folder.is_dir():
            for f in folder.rglob("*"):
                name = str(f).lower()
                if any(k in name for k in ("webkit", "mesa_shader")) and f.stat().st_mtime >= since:
                    found.append(f)
    return found


def test_a_login_typed_in_the_window_reaches_the_kiosk_as_an_identity_only(
    mock_backend, client, profile, fingers, sent, caplog
):
    caplog.set_level(logging.DEBUG)
    started = time.time()
    canary = make_canary("mdp")
    auth = client.begin_franceconnect(CLIENT_ID)
    window, closed = open_window(mock_backend, auth, profile)
    try:
        wait_page(window, "/connexion/franceconnect")
        fingers.focus(window.pid)
        fingers.key("Return")  # "S'identifier avec FranceConnect" has the focus
        wait_page(window, "/franceconnect/api/v2/authorize")
        fingers.key("Return")  # the first provider
        wait_page(window, "/franceconnect/api/v2/fi/impots")
        fingers.type("Min01")
        fingers.key("Tab")
        fingers.type(canary)  # a wrong password first: told on the page, the form again
        fingers.key("Return")
        wait_page(window, "/franceconnect/api/v2/fi/impots", 2)
        fingers.type("Min01")
        fingers.key("Tab")
        fingers.type("azerty")
        fingers.key("Return")
        claims = client.finish_franceconnect(auth, timeout=30)
    finally:
        window.close()
    assert claims["family_name"] == "ESSAI-D'ARTAGNAN DE LA VILLÉON" and claims["nonce"] == auth.nonce
    wait_until(lambda: closed, timeout=10, message="the window gone")
    assert closed == ["returned"]
    kiosk_side = "\n".join(sent) + "\n".join(r.getMessage() for r in caplog.records)
    for secret in (canary, "azerty"):
        assert secret not in kiosk_side
    assert canary.encode() not in everything_in(profile)
    assert written_outside(started) == []


def test_a_page_off_the_allow_list_is_blocked_and_told(mock_backend, client, profile, fingers):
    auth = client.begin_franceconnect(CLIENT_ID)
    window, closed = open_window(mock_backend, auth, profile)
    try:
        wait_page(window, "/connexion/franceconnect")
        fingers.focus(window.pid)
        fingers.key("Return")
        wait_page(window, "/franceconnect/api/v2/authorize")
        fingers.key("Return")
        wait_page(window, "/franceconnect/api/v2/fi/impots")
        fingers.key("Tab", "Tab", "Tab", "Return")  # login, password, button: "Mot de passe oublié ?"
        wait_until(lambda: any(e.get("event") == "blocked" for e in window.events), timeout=20, message="blocked")
        blocked = [e for e in window.events if e.get("event") == "blocked"]
        assert blocked == [{"event": "blocked", "host": "www.impots.gouv.fr"}]
        assert pages(window)[-1] == "/franceconnect/api/v2/fi/impots"  # still there, the person may go on
        assert not closed
    finally:
        window.close()
        auth.cancel()


def test_annuler_brings_the_person_back_and_the_login_is_given_up(mock_backend, client, profile, fingers):
    auth = client.begin_franceconnect(CLIENT_ID)
    window, closed = open_window(mock_backend, auth, profile)
    try:
        wait_page(window, "/connexion/franceconnect")
        fingers.focus(window.pid)
        fingers.key("alt+a")  # the window's own "Annuler"
        with pytest.raises(LoginCancelled):
            client.finish_franceconnect(auth, timeout=30)
    finally:
        window.close()
    assert closed == ["cancelled"] and not client.has_session


def test_the_window_closes_itself_when_left_alone(mock_backend, client, profile, on_screen):
    auth = client.begin_franceconnect(CLIENT_ID)
    window, closed = open_window(mock_backend, auth, profile, idle_seconds=1.0)
    try:
        with pytest.raises(LoginCancelled):
            client.finish_franceconnect(auth, timeout=30)
    finally:
        window.close()
    assert closed == ["idle"]


def test_a_refused_card_is_told_in_the_window_and_a_good_one_brings_the_timbre_back(
    mock_backend, client, profile, fingers, sent, caplog
):
    caplog.set_level(logging.DEBUG)
    refused, accepted = "4970100000000022", "4970100000000014"
    auth = client.begin_timbre("permis-perte", "perte", "75011")
    window, closed = open_window(mock_backend, auth, profile)
    try:
        wait_page(window, "/boutique/timbre")
        fingers.focus(window.pid)
        for count, card in enumerate((refused, accepted), start=1):
            fingers.type(card)
            fingers.key("Tab")
            fingers.type("12/39")
            fingers.key("Tab")
            fingers.type("123")
            fingers.key("Return")
            if card == refused:
                wait_page(window, "/boutique/timbre", count + 1)  # the form again, the refusal on it
        timbre = client.finish_timbre(auth, timeout=30)
    finally:
        window.close()
    assert len(timbre.numero) == 16 and str(timbre.montant) == "25.00"
    kiosk_side = "\n".join(sent) + "\n".join(r.getMessage() for r in caplog.records)
    for secret in (refused, accepted, "12/39", "12%2F39"):
        assert secret not in kiosk_side
    assert accepted.encode() not in everything_in(profile) and refused.encode() not in everything_in(profile)
