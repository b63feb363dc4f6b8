"""The idle watch and the wipe, on the real window: a user who walks away is
warned, then their session ends and nothing of them is left on any screen."""

import datetime as dt

import pytest
import sqlite_utils

from kiosk.widgets.common import KInput
from support import make_canary

CANARY = make_canary()


class FakeTime:
    def __init__(self):
        self.t = 5000.0
        self.w = dt.datetime(2026, 11, 23, 17, 0, 0)

    def now(self):
        return self.t

    def wall(self):
        return self.w

    def advance(self, seconds):
        self.t += seconds
        self.w += dt.timedelta(seconds=seconds)


def texts_on_every_screen(kiosk):
    out = []
    for screen in kiosk.controller.manager.screens:
        for w in screen.walk(restrict=True):
            out.append(str(getattr(w, "text", "")))
    for w in kiosk.root.walk(restrict=True):
        out.append(str(getattr(w, "text", "")))
    return "\n".join(out)


@pytest.fixture
def fake_time():
    return FakeTime()


def start_typing(kiosk):
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    kiosk.choose("J'ai perdu mon permis")
    kiosk.tap_button("Continuer")
    kiosk.type_into("nom_naissance", CANARY)


def test_warning_then_still_here_keeps_everything(driver, make_services, fake_time):
    kiosk = driver_with_time(driver, make_services(ui={"idle_step_s": 120.0, "idle_warning_s": 30.0}), fake_time)
    start_typing(kiosk)
    fake_time.advance(119)
    kiosk.idle_tick()
    assert kiosk.app.idle.phase == "active"
    fake_time.advance(2)
    kiosk.idle_tick()
    assert kiosk.app.idle.phase == "warning"
    assert kiosk.root.ids.idle_warning.opacity == 1
    assert "29 secondes" in kiosk.root.ids.idle_countdown.text
    kiosk.tap(kiosk.root.ids.still_here)
    assert kiosk.app.idle.phase == "active" and kiosk.root.ids.idle_warning.opacity == 0
    assert kiosk.field_input("nom_naissance").text == CANARY


def test_idle_ends_the_session_and_clears_every_screen(driver, make_services, fake_time, workspace_root, tmp_path):
    services = make_services(ui={"idle_step_s": 60.0, "idle_warning_s": 20.0})
    kiosk = driver_with_time(driver, services, fake_time)
    start_typing(kiosk)
    kiosk.controller.session.scan_piece("identite")  # a scanned page in the workspace
    assert any(workspace_root.iterdir())
    fake_time.advance(81)
    kiosk.idle_tick()
    kiosk.wait_idle()
    assert kiosk.screen.name == "goodbye"
    assert kiosk.controller.session is None
    assert list(workspace_root.iterdir()) == []
    assert CANARY not in texts_on_every_screen(kiosk)
    assert all(not w.text for s in kiosk.controller.manager.screens for w in s.walk() if isinstance(w, KInput))
    rows = list(sqlite_utils.Database(tmp_path / "stats.db")["sessions"].rows)
    assert [(r["outcome"], r["step_reached"], r["wipe_failed"]) for r in rows] == [("idle", "etat-civil", 0)]


def test_the_first_screens_go_back_to_welcome_sooner(driver, make_services, fake_time):
    kiosk = driver_with_time(driver, make_services(ui={"idle_first_s": 30.0, "idle_warning_s": 10.0}), fake_time)
    kiosk.tap_button("Touchez ici")
    fake_time.advance(41)
    kiosk.idle_tick()
    assert kiosk.screen.name == "welcome"


def test_closing_time_ends_a_session(driver, make_services, fake_time):
    services = make_services(site={"closing_time": "17:05"}, ui={"idle_step_s": 3600.0, "idle_warning_s": 30.0})
    kiosk = driver_with_time(driver, services, fake_time)
    start_typing(kiosk)
    fake_time.advance(5 * 60 - 20)
    kiosk.idle_tick()
    assert (kiosk.app.idle.phase, kiosk.app.idle.reason) == ("warning", "closing")
    assert kiosk.root.ids.idle_warning.opacity == 1
    fake_time.advance(25)
    kiosk.idle_tick()
    kiosk.wait_idle()
    assert kiosk.screen.name == "goodbye"


def test_text_size_and_contrast_reset_for_the_next_user(driver, make_services, fake_time):
    from kiosk.theme import THEME

    kiosk = driver_with_time(driver, make_services(), fake_time)
    kiosk.tap_button("Touchez ici")
    kiosk.tap(kiosk.root.ids.contrast)
    kiosk.tap(kiosk.root.size_button("grand"))
    assert (THEME.palette, THEME.text_size) == ("contraste", "grand")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    kiosk.controller.finish("abandoned")
    kiosk.wait_idle()
    assert (THEME.palette, THEME.text_size) == ("normal", "normal")


def driver_with_time(driver, services, fake_time):
    kiosk = driver(services, now=fake_time.now, wall=fake_time.wall, typing="keys")
    return kiosk
