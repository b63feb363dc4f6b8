from __future__ import annotations

from typing import Any

from kivy.properties import ListProperty, StringProperty

from ..i18n import N_, tr
from .base import KioskScreen, load_kv, sentences

#: Other ways to a démarche when the point numérique is closed (seed 000, "Les canaux de contact").
WEB_CHANNELS = ("www.permisdeconduire.ants.gouv.fr", "www.demarches.interieur.gouv.fr", "www.service-public.gouv.fr")
PHONES = ("3939", "0810 901 041")
#: The words session.opening.next_opening_words gives, marked for the catalogues.
DAY_WORDS = (
    N_("aujourd'hui"),
    N_("demain"),
    N_("lundi"),
    N_("mardi"),
    N_("mercredi"),
    N_("jeudi"),
    N_("vendredi"),
    N_("samedi"),
    N_("dimanche"),
    N_("le {date}"),
)


class ClosedScreen(KioskScreen):
    """Outside the site's hours: when it opens again, the other channels, the other points numériques."""

    #: The day of the next opening as the French say it (one of DAY_WORDS), its date for "le {date}", its hour.
    day = StringProperty("")
    date = StringProperty("")
    hour = StringProperty("")
    site_url = StringProperty("")
    nearby = ListProperty([])
    web_channels = ListProperty(list(WEB_CHANNELS))

    #: The site's hours (kiosk/opening.py OpeningWatch), given by the watch before it shows this screen.
    watch: Any = None

    def refresh(self) -> None:
        watch = self.watch
        if watch is None:
            return
        day, moment = watch.reopening()
        self.hour = f"{moment.hour}:{moment.minute:02d}" if moment is not None else ""
        self.date = day[3:] if day.startswith("le ") else ""
        self.day = "le {date}" if self.date else day
        self.site_url = watch.site_url
        self.nearby = list(watch.nearby)

    def reopening_text(self, template: str, hour_template: str, day: str, date: str, hour: str) -> str:
        """``template`` (translated in the rule) with the day's words and the hour in the same language."""
        if not day or not hour:
            return ""
        hours, minutes = hour.split(":")
        return template.format(
            jour=tr._(day).format(date=date), heure=hour_template.format(heures=hours, minutes=minutes)
        )

    def phones_text(self, *labels: str) -> str:
        return "\n".join(f"{number} : {label}" for number, label in zip(PHONES, labels, strict=True))

    def web_text(self, channels: list[str], site_url: str) -> str:
        return "\n".join([*channels, *([site_url] if site_url else [])])

    def spoken_text(self) -> str:
        return sentences(self.ids.title.text, self.ids.reopening.text)


load_kv(__file__)
