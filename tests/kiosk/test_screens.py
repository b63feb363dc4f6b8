"""Every screen, at each of the three text sizes, in the normal and the
high-contrast theme (and a few in English and Arabic), reached by touches:
touch targets of 15 mm or more, nothing pushed out of the window, and a
screenshot of each. POINTNUM_UPDATE_SCREENS=1 writes them to docs/screens/."""

import os
from pathlib import Path

import pytest
from PIL import Image

from kiosk.i18n import tr
from kiosk.theme import TEXT_SIZES, THEME
from screens_support import off_window, too_small
from test_flow import booth_and_shop

pytestmark = pytest.mark.ui

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screens" / "matrix"


class Matrix:
    def __init__(self, kiosk, out: Path):
        self.kiosk, self.out = kiosk, out
        self.problems: list[str] = []
        self.shots: list[Path] = []

    def look(self, name: str, again=None) -> None:
        """``name`` at every text size, in both themes; ``again`` redoes what a
        restyle undoes (an input's focus, to show the keyboard)."""
        kiosk, ids = self.kiosk, self.kiosk.root.ids
        for palette in ("normal", "contraste"):
            if THEME.palette != palette:
                kiosk.tap(ids.contrast)
            for size in TEXT_SIZES:
                while THEME.text_size != size:
                    kiosk.tap(kiosk.root.size_button(size))
                if again:
                    again()
                kiosk.pump(2)
                self.check(f"{name}-{size}-{palette}")
        while THEME.text_size != "normal":
            kiosk.tap(kiosk.root.size_button("normal"))
        kiosk.tap(ids.contrast)
        if again:
            again()

    def check(self, label: str) -> None:
        kiosk = self.kiosk
        self.problems += [f"{label}: {p}" for p in too_small(kiosk.root)]
        self.problems += [f"{label}: {p}" for p in off_window(kiosk.root, kiosk.window)]
        path = self.out / f"{label}.png"
        kiosk.screenshot(path)
        with Image.open(path) as im:  # half size: enough to see the layout, light for the repo
            im.convert("RGB").resize((im.width // 2, im.height // 2), Image.LANCZOS).save(path, optimize=True)
        self.shots.append(path)


def test_every_screen_at_every_size_and_theme(driver, make_services, mock_backend, tmp_path):
    services = make_services(ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)})
    kiosk = driver(services, typing="keys")
    out = DOCS if os.environ.get("POINTNUM_UPDATE_SCREENS") else tmp_path / "matrix"
    m = Matrix(kiosk, out)
    code, timbre = booth_and_shop(mock_backend.url)

    m.look("01-accueil")
    kiosk.tap(kiosk.screen.ids.lang_en)
    m.check("01-accueil-en-normal-normal")
    kiosk.tap(kiosk.screen.ids.lang_ar)
    m.check("01-accueil-ar-normal-normal")
    kiosk.tap(kiosk.screen.ids.lang_fr)
    kiosk.tap_button("Touchez ici")
    m.look("02-choix-groupes")
    kiosk.tap_group("permis")
    m.look("03-choix-permis")
    kiosk.tap_button("Permis perdu")
    m.look("04-avant-de-commencer")
    kiosk.tap_button("J'ai tout")
    m.look("05-question-choix")
    kiosk.choose("J'ai perdu mon permis")
    kiosk.tap_button("Continuer")
    kiosk.type_into("nom_naissance", "Lefèvre")
    m.look("06-saisie-clavier", again=lambda: kiosk.tap(kiosk.field_input("nom_naissance")))
    kiosk.choose("Femme")
    kiosk.type_into("prenom1", "Anaïs")
    kiosk.type_into("date_naissance", "14/07/1985")
    m.look("07-saisie-date", again=lambda: kiosk.tap(kiosk.field_input("date_naissance")))
    kiosk.tap_button("Continuer")
    for field, value in (
        ("nom_voie", "rue des Écoles"),
        ("code_postal", "33000"),
        ("commune", "Bordeaux"),
        ("email", "anais@exemple.fr"),
    ):
        kiosk.type_into(field, value)
    kiosk.tap_button("Continuer")
    kiosk.type_into("code_photo", code)
    kiosk.tap_button("Continuer")
    m.look("08-numerisation-vide")
    for piece in ("identite", "domicile"):
        kiosk.tap(kiosk.screen._rows[piece].ids.scan)
        kiosk.wait_idle()
    m.look("09-numerisation-pages")
    kiosk.tap_button("Continuer")
    kiosk.type_into("timbre", timbre)
    kiosk.tap_button("Continuer")
    kiosk.check()
    m.look("10-recapitulatif")
    kiosk.tap_button("Valider et envoyer")
    kiosk.wait(lambda: kiosk.screen.name == "confirmation", what="the confirmation")
    kiosk.wait_idle()
    m.look("11-confirmation")
    kiosk.tap(kiosk.root.ids.mediator)
    m.check("12-mediateur-appele-normal-normal")
    kiosk.tap_button("Terminer")
    kiosk.wait_idle()
    m.look("13-au-revoir")

    # A group with no procedure yet says so, kindly.
    from session import Catalogue

    kiosk.controller.catalogue = Catalogue([p for p in services.catalogue if p.group != "suivi"])
    kiosk.controller.reset()
    kiosk.pump(1)
    kiosk.tap_button("Touchez ici")
    assert kiosk.screen.name == "chooser", (kiosk.screen.name, kiosk.controller.notice)
    kiosk.tap_group("suivi")
    assert kiosk.screen.ids.empty.opacity == 1 and "pas encore possible" in kiosk.screen.ids.empty.text
    m.check("14-groupe-vide-normal-normal")

    assert m.problems == []
    assert len(m.shots) == 12 * 6 + 4 and all(p.stat().st_size > 5_000 for p in m.shots)
    assert tr.lang == "fr"
