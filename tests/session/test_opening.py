"""Opening hours: seed 001's two points numériques of the Var, as the site
templates carry them, and what the kiosk derives from them."""

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from config import load_settings
from session.opening import OpeningHours, next_opening_words

ROOT = Path(__file__).resolve().parents[2]
# Seed 001, "Horaire d'accueil des points numériques":
#   Préfecture du Var à Toulon: du lundi au vendredi de 8h30 à 12h30 et de 13h15 à 16h00
#   Sous-préfecture de Draguignan: les lundi et mercredi de 8h30-11h45 et de 14h00 à 16h15,
#   et les mardi, jeudi et vendredi de 8h30-11h45
TOULON = {day: ["08:30-12:30", "13:15-16:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}
DRAGUIGNAN = {
    "monday": ["08:30-11:45", "14:00-16:15"],
    "tuesday": ["08:30-11:45"],
    "wednesday": ["08:30-11:45", "14:00-16:15"],
    "thursday": ["08:30-11:45"],
    "friday": ["08:30-11:45"],
}
MONDAY = dt.date(2026, 3, 2)  # a Monday


def at(day_offset: int, hhmm: str) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day_offset), dt.time(hours, minutes))


def template_hours(name: str) -> dict:
    hours = tomllib.loads((ROOT / "config/sites" / f"{name}.toml").read_text(encoding="utf-8"))["hours"]
    return {day: ranges for day, ranges in hours.items() if day.endswith("day") and ranges}


def test_the_templates_carry_the_seeds_hours():
    assert template_hours("prefecture") == TOULON
    assert template_hours("sous-prefecture") == DRAGUIGNAN


@pytest.mark.parametrize(
    ("when", "open_now", "closes", "next_opening"),
    [
        (at(0, "08:29"), False, None, at(0, "08:30")),
        (at(0, "08:30"), True, at(0, "12:30"), at(0, "13:15")),
        (at(0, "12:30"), False, None, at(0, "13:15")),  # the lunch break
        (at(0, "15:59"), True, at(0, "16:00"), at(1, "08:30")),
        (at(4, "16:00"), False, None, at(7, "08:30")),  # Friday evening: Monday
        (at(5, "10:00"), False, None, at(7, "08:30")),  # Saturday
    ],
)
def test_toulon(when, open_now, closes, next_opening):
    hours = OpeningHours.from_ranges(TOULON)
    assert (hours.is_open(when), hours.closes_at(when), hours.next_opening(when)) == (open_now, closes, next_opening)


@pytest.mark.parametrize(
    ("when", "open_now", "next_opening"),
    [
        (at(0, "12:00"), False, at(0, "14:00")),  # Monday: open again in the afternoon
        (at(1, "12:00"), False, at(2, "08:30")),  # Tuesday: mornings only
        (at(2, "16:14"), True, at(3, "08:30")),
        (at(3, "14:30"), False, at(4, "08:30")),
    ],
)
def test_draguignan(when, open_now, next_opening):
    hours = OpeningHours.from_ranges(DRAGUIGNAN)
    assert (hours.is_open(when), hours.next_opening(when)) == (open_now, next_opening)


def test_closed_days_every_year_and_once():
    hours = OpeningHours.from_ranges(TOULON, ["12-25", "2026-03-02"])
    assert not hours.is_open(at(0, "09:00"))  # 2026-03-02, closed that day only
    assert hours.next_opening(at(0, "09:00")) == at(1, "08:30")
    christmas = dt.datetime(2026, 12, 25, 9, 0)  # a Friday
    assert not hours.is_open(christmas) and hours.next_opening(christmas) == dt.datetime(2026, 12, 28, 8, 30)
    assert hours.is_open(dt.datetime(2027, 3, 2, 9, 0))  # the dated closing is not every year's


def test_no_hours_is_always_open():
    hours = OpeningHours.from_ranges({})
    assert hours.always_open and hours.is_open(at(6, "03:00")) and hours.next_opening(at(6, "03:00")) is None


def test_the_words_of_the_next_opening():
    assert next_opening_words(at(0, "13:15"), at(0, "12:40")) == ("aujourd'hui", "13 h 15")
    assert next_opening_words(at(1, "08:30"), at(0, "17:00")) == ("demain", "8 h 30")
    assert next_opening_words(at(7, "14:00"), at(4, "17:00")) == ("lundi", "14 h")
    assert next_opening_words(at(9, "08:30"), at(0, "17:00")) == ("le 11/03", "8 h 30")


def test_the_settings_read_and_refuse_hours(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text('[hours]\nmonday = ["08:30-12:30"]\nclosed_days = ["05-01"]\n')
    hours = OpeningHours.from_settings(load_settings(site).hours)
    assert hours.is_open(at(0, "09:00")) and not hours.is_open(dt.datetime(2028, 5, 1, 9, 0))  # a Monday
    site.write_text('[hours]\nmonday = ["12:30-08:30"]\n')
    with pytest.raises(ValueError, match=r"\[hours.monday.0\] = '12:30-08:30': plage attendue au format"):
        load_settings(site)
    site.write_text('[hours]\nclosed_days = ["25/12"]\n')
    with pytest.raises(ValueError, match=r"\[hours.closed_days.0\] = '25/12': jour attendu au format"):
        load_settings(site)
