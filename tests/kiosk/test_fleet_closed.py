"""Outside the site's hours, on the real window: the "fermé" screen with the next
opening and the other channels; ten minutes before closing, a notice; at closing,
the session ends and is wiped, and the closed screen follows."""

import datetime as dt

import pytest
import sqlite_utils

from kiosk.opening import IDLE_SCREENS

TOULON = {day: ["08:30-12:30", "13:15-16:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}
HOURS = {**TOULON, "site_url": "www.var.gouv.fr", "nearby": ["Sous-préfecture de Draguignan"]}


class Wall:
    def __init__(self, when: dt.datetime):
        self.t, self.w = 1000.0, when

    def now(self):
        return self.t

    def wall(self):
        return self.w

    def set(self, hhmm: str, day: int = 2):
        hours, minutes = map(int, hhmm.split(":"))
        new = dt.datetime(2026, 3, day, hours, minutes)
        self.t += (new - self.w).total_seconds()
        self.w = new


@pytest.fixture
def monday_lunch():
    return Wall(dt.datetime(2026, 3, 2, 12, 40))  # a Monday, in Toulon's lunch break


def texts(screen) -> str:
    return "\n".join(str(getattr(w, "text", "")) for w in screen.walk(restrict=True))


def test_closed_at_lunch_says_when_it_opens_and_the_other_channels(driver, make_services, monday_lunch):
    kiosk = driver(make_services(hours=HOURS), now=monday_lunch.now, wall=monday_lunch.wall)
    assert kiosk.screen.name == "closed"
    shown = texts(kiosk.screen)
    assert "Le point numérique est fermé" in shown
    assert "Réouverture aujourd'hui à 13 h 15." in shown
    assert "www.permisdeconduire.ants.gouv.fr" in shown and "www.var.gouv.fr" in shown
    assert "3939 : Allô Service Public" in shown and "0810 901 041 : Centre de contact citoyen de l'ANTS" in shown
    assert "Sous-préfecture de Draguignan" in shown and kiosk.screen.ids.nearby.opacity == 1
    kiosk.controller.set_language("en")
    kiosk.pump(2)
    assert "Opens again today at 13:15." in texts(kiosk.screen)
    kiosk.controller.set_language("fr")
    monday_lunch.set("13:15")
    kiosk.app.opening.tick()
    kiosk.pump(2)
    assert kiosk.screen.name == "welcome"


def test_friday_evening_says_monday(driver, make_services):
    friday = Wall(dt.datetime(2026, 3, 6, 17, 0))
    kiosk = driver(make_services(hours=TOULON), now=friday.now, wall=friday.wall)
    assert "Réouverture lundi à 8 h 30." in texts(kiosk.screen)
    assert kiosk.screen.ids.nearby.opacity == 0  # none listed: no heading either


def test_ten_minutes_before_closing_then_the_end_of_the_session(driver, make_services, monday_lunch, tmp_path):
    monday_lunch.set("15:45")
    kiosk = driver(
        make_services(hours=TOULON, ui={"idle_step_s": 3600.0}), now=monday_lunch.now, wall=monday_lunch.wall
    )
    assert kiosk.screen.name == "welcome"
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    assert kiosk.controller.flow is not None
    kiosk.app.opening.tick()
    assert kiosk.controller.notice == ""  # 15 minutes before: nothing yet
    monday_lunch.set("15:50")
    kiosk.app.opening.tick()
    assert kiosk.controller.notice == (
        "La borne ferme à 16 h 00. Terminez votre démarche avant : à cette heure-là, "
        "tout ce que vous avez saisi sera effacé."
    )
    kiosk.root.dismiss_notice()
    kiosk.app.opening.tick()
    assert kiosk.controller.notice == ""  # said once for this closing
    monday_lunch.set("16:00")
    kiosk.app.opening.tick()
    kiosk.wait_idle()
    assert kiosk.screen.name == "goodbye" and kiosk.controller.flow is None
    rows = list(sqlite_utils.Database(tmp_path / "stats.db")["sessions"].rows)
    assert [(r["outcome"], r["wipe_failed"]) for r in rows] == [("closing", 0)]
    kiosk.controller.reset()  # the goodbye screen's end: the welcome screen, then the clock's next look
    kiosk.app.opening.tick()
    kiosk.pump(2)
    assert kiosk.screen.name == "closed" and kiosk.screen.name in IDLE_SCREENS


def test_no_hours_is_always_open(driver, make_services):
    night = Wall(dt.datetime(2026, 3, 8, 3, 0))  # a Sunday night
    kiosk = driver(make_services(), now=night.now, wall=night.wall)
    kiosk.app.opening.tick()
    assert kiosk.screen.name == "welcome"


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_closed_screen_fits_at_every_text_size(driver, make_services, monday_lunch, lang):
    from kiosk.theme import TEXT_SIZES, THEME
    from screens_support import off_window, too_small

    kiosk = driver(make_services(hours=HOURS), now=monday_lunch.now, wall=monday_lunch.wall)
    kiosk.controller.set_language(lang)
    problems = []
    try:
        for size in TEXT_SIZES:
            while THEME.text_size != size:
                kiosk.tap(kiosk.root.size_button(size))
            kiosk.pump(3)
            problems += [f"{size}: {p}" for p in too_small(kiosk.root) + off_window(kiosk.root, kiosk.window)]
    finally:
        THEME.reset()
        kiosk.controller.set_language("fr")
    assert kiosk.screen.name == "closed" and problems == []


def test_the_running_kiosk_writes_its_metrics_textfile(driver, make_services, monday_lunch, tmp_path):
    """After its first frame, on the job queue: up, and closed at lunch time."""
    kiosk = driver(make_services(hours=HOURS), now=monday_lunch.now, wall=monday_lunch.wall)
    prom = tmp_path / "metrics" / "pointnum.prom"  # beside the statistics
    kiosk.wait(prom.exists, timeout=30, what="the metrics textfile")
    kiosk.wait_idle()
    lines = prom.read_text().splitlines()
    assert "pointnum_up 1" in lines and "pointnum_site_open 0" in lines
    assert 'pointnum_device_up{device="scanner"} 1' in lines  # the simulated scanner
