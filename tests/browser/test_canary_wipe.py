"""The issue's proof, end to end: a FranceConnect login and a timbre purchase in the
real window of one user's session, with canary values typed on the providers' pages
(a password, a card number); then the session's end and its wipe. The canaries are
in no request the kiosk's process made, no log line, and no file the kiosk's check
searches (services.verify_clean), the window's profile included."""

from __future__ import annotations

import logging
import os
import random
import shutil
import threading
from urllib.parse import urlsplit

import pytest
import requests

from browser import LockedWindow
from config import load_settings
from config.factories import build_services
from support import make_canary, tmpfs_folder, wait_until

ACCEPTED = "4970100000000014"


def luhn_card(rng: random.Random) -> str:
    """A 16-digit card number that passes the Luhn check and is no test card: the bank knows it not."""
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


@pytest.fixture
def services(tmp_path, mock_backend):
    root = os.path.join(tmpfs_folder(), f"pointnum-canary-{os.getpid()}-{tmp_path.name}")
    built = build_services(
        load_settings(
            overrides={
                "ants": {"base_url": mock_backend.url, "mock_db": str(mock_backend.db), "retries": 0},
                "scanner": {"driver": "simulated", "resolution": 50},
                "printer": {"driver": "capture"},
                "a4": {"driver": "capture"},
                "workspace": {
                    "root": root,
                    "temp_dir": os.path.join(tmpfs_folder(), f"pointnum-canary-tmp-{os.getpid()}"),
                },
                "stats": {"path": str(tmp_path / "stats.db")},
            }
        )
    )
    yield built
    built.close()
    shutil.rmtree(root, ignore_errors=True)


def pages(window):
    return [e["path"] for e in window.events if e.get("event") == "page"]


def test_canaries_typed_in_the_window_are_nowhere_once_the_session_is_wiped(
    services, mock_backend, fingers, on_screen, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    sent: list[str] = []
    real = requests.adapters.HTTPAdapter.send

    def send(adapter, request, *args, **kwargs):
        sent.append(f"{request.method} {request.url} {dict(request.headers)} {request.body!r}")
        return real(adapter, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    password = make_canary("mdp")
    card = luhn_card(random.Random(password))
    session = services.new_session("cg-changement-titulaire")
    window = LockedWindow(size=(1280, 800))
    session.logins.browser = window
    seen: dict = {}

    def login():
        seen["identity"] = session.login_franceconnect()

    worker = threading.Thread(target=login)
    worker.start()
    wait_until(lambda: "/connexion/franceconnect" in pages(window), timeout=30, message="ANTS's page")
    fingers.focus(window.pid)
    fingers.key("Return")
    wait_until(lambda: "/franceconnect/api/v2/authorize" in pages(window), timeout=30, message="the choice")
    fingers.key("Return")
    wait_until(lambda: "/franceconnect/api/v2/fi/impots" in pages(window), timeout=30, message="the login page")
    for secret in (password, "azerty"):
        fingers.type("Min01")
        fingers.key("Tab")
        fingers.type(secret)
        fingers.key("Return")
        if secret == password:
            wait_until(lambda: pages(window).count("/franceconnect/api/v2/fi/impots") >= 2, timeout=30, message="told")
    worker.join(60)
    assert seen["identity"]["given_name"] == "Éléonore Marie-Françoise"

    def buy():
        seen["timbre"] = session.logins.timbre("permis-perte", "perte", "75011")

    window.events.clear()
    worker = threading.Thread(target=buy)
    worker.start()
    wait_until(lambda: "/boutique/timbre" in pages(window), timeout=30, message="the shop")
    fingers.focus(window.pid)
    for number in (card, ACCEPTED):
        fingers.type(number)
        fingers.key("Tab")
        fingers.type("12/39")
        fingers.key("Tab")
        fingers.type("123")
        fingers.key("Return")
        if number == card:
            wait_until(lambda: pages(window).count("/boutique/timbre") >= 2, timeout=30, message="the refusal")
    worker.join(60)
    assert len(seen["timbre"].numero) == 16
    profile = session.workspace.path / "navigateur"
    assert profile.is_dir()

    report = session.end("abandoned")
    assert report.clean, report.leftovers
    assert not profile.exists()
    kiosk_side = "\n".join(sent) + "\n" + "\n".join(r.getMessage() for r in caplog.records)
    assert urlsplit(mock_backend.url).netloc in kiosk_side  # the capture saw the kiosk's requests
    for secret in (password, card, ACCEPTED, "azerty"):
        assert secret not in kiosk_side, secret
    check = services.verify_clean([password, card])  # (the accepted test card is in this very file)
    assert check.clean, check.findings


def test_the_session_ending_while_the_window_is_open_closes_it(services, on_screen):
    session = services.new_session("cg-changement-titulaire")
    window = LockedWindow(size=(1280, 800))
    session.logins.browser = window
    told: list[BaseException] = []

    def login():
        try:
            session.login_franceconnect()
        except Exception as exc:  # what the flow would show, on a session that is over
            told.append(exc)

    worker = threading.Thread(target=login)
    worker.start()
    wait_until(lambda: "/connexion/franceconnect" in pages(window), timeout=30, message="ANTS's page")
    pid = window.pid
    assert session.end("idle").clean  # the kiosk's idle policy, or its closing time
    worker.join(30)
    assert not worker.is_alive() and window.pid is None
    assert told and type(told[0]).__name__ == "SessionError"
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
