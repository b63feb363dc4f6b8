"""What a procedure costs a person, in touches, in one command:

    .venv/bin/python benchmarks/bench_touches.py

The real window (offscreen) is driven through "perte de permis" for a typical
user (kiosk/tour.py's DEMO_USER), typing every character on the on-screen
keyboard, against the bundled mock backend; every tap, swipe and key press is
counted, step by step. Beside it: ANTS's web form of seed 003 for the same
person, counted field by field (WEB_FORM below), and the figure of 154
actions measured on it when the kiosk was first tried. Goal: 120 or fewer
(78 % of the web form). Then the same for one carte grise procedure
(changement d'adresse) and one identity procedure (pré-demande de CNI), with
kioskctl's scripted values.

For DEMO_USER no mobile is typed: the web form's count (WEB_FORM) has no phone
for this user (optional there, an e-mail or a mobile being enough). A person
touches the next field directly (the keyboard's Suivant only when it is the
very next input), types a date's digits alone where the kiosk reads them as the
date, and an e-mail's domain with its key when the keyboard has one.

"With reading": perte de permis again, the same person putting their identity
card, a bill, the photo sheet and the timbre's print-out on the glass (specimens
drawn for DEMO_USER, drivers/scanner/samples/specimens.py, served by the
simulated scanner at 300 dpi) and touching "Lire …" then "C'est juste" instead
of typing; only what no document carries (the e-mail) is typed. Issue 14's goal
for it: 46 or fewer (30 % of the web form).

A swipe is counted whenever the next widget to touch was not whole in its
scroll view's visible area (the person would have had to scroll to it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The web form of seed 003 ("Parcours usager en 8 étapes", perte), for DEMO_USER:
#: (step, field, clicks, characters typed). A text field is one click into it plus
#: its characters; the date is three boxes (JJ / MM / AAAA); a file is attached with
#: "Joindre un fichier" and the file dialog's choice and "Ouvrir"; the timbre is
#: bought on the timbre shop's card form.
WEB_FORM = [
    ("1 motif", "Perte du titre", 1, 0),
    ("1 motif", "Étape suivante", 1, 0),
    ("2 état civil", "Nom de naissance (Lefèvre)", 1, 7),
    ("2 état civil", "Sexe", 1, 0),
    ("2 état civil", "1er prénom (Anaïs)", 1, 5),
    ("2 état civil", "Date de naissance, 3 boxes (14 07 1985)", 3, 8),
    ("2 état civil", "Étape suivante", 1, 0),
    ("3 adresse", "N° de la voie (12)", 1, 2),
    ("3 adresse", "Nom de la voie (rue des Écoles)", 1, 14),
    ("3 adresse", "Code postal (33000)", 1, 5),
    ("3 adresse", "Commune (Bordeaux)", 1, 8),
    ("3 adresse", "Préfecture de rattachement (list)", 2, 0),
    ("3 adresse", "Adresse mél. (anais.lefevre@orange.fr)", 1, 23),
    ("3 adresse", "Réutilisation des données : Oui / Non", 1, 0),
    ("3 adresse", "Étape suivante", 1, 0),
    ("4 photo", "Code photo numérique (22)", 1, 22),
    ("4 photo", "Enregistrer", 1, 0),
    ("4 photo", "Étape suivante", 1, 0),
    ("5 pièces", "Justificatif de domicile: joindre, choisir, ouvrir", 3, 0),
    ("5 pièces", "Pièce d'identité: joindre, choisir, ouvrir", 3, 0),
    ("5 pièces", "Étape suivante", 1, 0),
    ("6 paiement", "N° de carte (16)", 1, 16),
    ("6 paiement", "Expire fin: month and year lists", 4, 0),
    ("6 paiement", "N° de contrôle (3)", 1, 3),
    ("6 paiement", "VALIDER", 1, 0),
    ("7 récapitulatif", "J'atteste sur l'honneur", 1, 0),
    ("7 récapitulatif", "Étape suivante", 1, 0),
]
#: Measured on the web form for the first trial's user (issue "A person far from digital finishes alone").
WEB_MEASURED = 154
GOAL = 120
GOAL_READING = 46


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup_kivy(tmp: Path) -> None:
    os.environ.setdefault("KIVY_HOME", str(tmp / "kivy"))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    sys.path.insert(0, str(ROOT))
    from kivy.config import Config

    from kiosk import _cutbuffer

    _cutbuffer.disable()  # as kiosk/__main__.py does: no X cut buffer, no CRITICAL line looking for one
    Config.set("kivy", "log_enable", "0")


def make_counting_driver(services):
    from kivy.uix.scrollview import ScrollView

    from kiosk.tour import KioskDriver
    from kiosk.widgets.keyboard import NEXT, SHIFT, SPACE, Key, domain_keys

    class Counting(KioskDriver):
        """A person's moves, counted by step: taps, swipes, key presses."""

        def __init__(self, services):
            self.counts: dict[str, dict[str, int]] = defaultdict(lambda: {"taps": 0, "swipes": 0, "keys": 0})
            self.where = "accueil"
            super().__init__(services)

        def _count(self, what: str) -> None:
            self.counts[self.where][what] += 1

        def tap(self, widget) -> None:
            scroll = widget.parent
            while scroll is not None and scroll is not scroll.parent and not isinstance(scroll, ScrollView):
                scroll = scroll.parent
            if isinstance(scroll, ScrollView):
                self._until_still(widget)
                x0, y0 = scroll.to_window(scroll.x, scroll.y)
                x, y = widget.to_window(widget.x, widget.y)
                if y < y0 - 1 or y + widget.height > y0 + scroll.height + 1:
                    self._count("swipes")
            self._count("keys" if isinstance(widget, Key) else "taps")
            super().tap(widget)

        def key(self, label: str):
            for w in self.screen.ids.keyboard.walk(restrict=True):
                if isinstance(w, Key) and w.key == label:
                    return w
            raise LookupError(f"no key {label!r} on the {self.screen.ids.keyboard.layout} keyboard")

        def type_into(self, field_id: str, text: str) -> None:
            """Reach the input (the keyboard's Suivant key when it is the next
            one, else a tap), then each character on the on-screen keyboard: Maj
            only where the kiosk does not capitalise or fold the case itself."""
            screen = self.screen
            inputs = getattr(screen, "_inputs", [])
            current = screen.ids.keyboard.target if screen.typing else None
            ahead = [w.field_id for w in inputs[inputs.index(current) + 1 :]] if current in inputs else []
            text_input = self.field_input(field_id)
            if not text_input.focus and ahead[:1] == [field_id]:  # the very next input: Suivant
                self.tap(self.key(NEXT))
                self.pump(3)
            if not text_input.focus:  # else a touch on the field itself (a swipe counted if out of view)
                text_input = self.focus_input(field_id)
            if text_input.text:
                self.tap(self.screen.ids.clear_field)
            field = self.controller.session.wizard.procedure.field(field_id)
            folds = field.kind in ("photo_code", "immatriculation", "code_postal")
            wanted = text
            if field.kind == "date" and _digits_suffice(text):
                text = re.sub(r"\D", "", text)  # the keypad's 14071985: the kiosk reads it as 14/07/1985
            domain = next((d for d in domain_keys() if field.kind == "email" and text.endswith(d)), None)
            if domain is not None:
                text = text[: -len(domain)]
            for ch in text:
                before = text_input.text
                if ch == " ":
                    self.tap(self.key(SPACE))
                elif ch.isupper() and not folds:
                    auto = text_input.capitalize and (not before or before[-1] in " -'")
                    if not auto:
                        self.tap(self.key(SHIFT))
                    self.tap(self.key(ch.lower()))
                else:
                    self.tap(self.key(ch.lower()))
            if domain is not None:
                self.tap(self.key(domain))  # "@orange.fr" in one touch
                text = wanted
            typed = text_input.text.upper() if folds else text_input.text
            if typed != (text.upper() if folds else text):
                raise RuntimeError(f"{field_id}: typed {len(text)} characters, the input shows {len(typed)}")

    return Counting(services)


def _digits_suffice(text: str) -> bool:
    """The kiosk's date check (session/validation.py) reads ``text``'s digits alone as the same date."""
    from session.validation import Invalid, date

    try:
        return date(re.sub(r"\D", "", text), {}) == date(text, {})
    except Invalid:  # either form refused: the person types the date as written
        return False


def _shows(driver, field_id: str, value: str) -> bool:
    """The input of ``field_id`` already shows ``value``: nobody types it again."""
    from kiosk.widgets.common import KInput

    inputs = [w for w in driver.screen.walk(restrict=True) if isinstance(w, KInput) and w.field_id == field_id]
    return bool(inputs) and inputs[0].text == value


def walk(driver, services, procedure_id: str, values: dict, booth, login=None, reading: bool = False) -> None:
    """Every screen answered by touch, from the welcome screen to goodbye; with
    ``reading``, each step that offers to read a document reads it first (its
    "Lire …" button, then "C'est juste"), and only what is still empty is typed."""
    from kiosk.screens.chooser import ProcedureButton
    from kiosk.widgets.common import KToggle
    from kioskctl.simulate import _fill_lazily

    procedure = services.catalogue[procedure_id]
    driver.tap_button("Touchez ici")
    driver.where = "choix"
    driver.tap_group(procedure.group)
    buttons = [w for w in driver.screen.walk(restrict=True) if isinstance(w, ProcedureButton)]
    driver.tap(next(w for w in buttons if w.title == procedure.title))
    driver.where = "avant de commencer"
    driver.tap_button("J'ai tout")
    before = None
    for _ in range(40):
        name = driver.screen.name
        if name in ("goodbye", "out_of_order"):
            return
        session = driver.controller.session
        view = session.wizard.view()
        if (name, view.step.id) == before:
            raise RuntimeError(f"{procedure_id}: stuck on {before}: {session.wizard.errors}")
        before = (name, view.step.id)
        driver.where = f"{view.number} {view.step.id}"
        ids = driver.screen.ids
        if name == "form" and reading and driver.screen.reading_offer:
            driver.tap(ids.read_document)
            driver.wait_idle()
            panel = driver.screen.reading.panel
            if panel is not None:
                driver.tap(panel.ids.confirm)
                driver.wait_idle()
            if driver.screen.name != "form" or session.wizard.view().step.id != view.step.id:
                continue  # all the step asked was read: on to the next one
        if name == "form":
            shown = driver.screen.collect() if reading else {}
            for f in view.fields:
                _fill_lazily(f, values, session.wizard.values, booth, procedure)
                value = values.get(f.id, "")
                if not value or session.wizard.values.get(f.id) == value or _shows(driver, f.id, value):
                    continue  # answered, or written by the kiosk itself (the commune from the code postal)
                if reading and (shown.get(f.id) or session.wizard.values.get(f.id)):
                    continue  # read from a document
                if f.input == "choice":
                    label = dict(f.choices)[value]
                    box = driver.screen._boxes[f.id]
                    driver.tap(next(w for w in box.walk(restrict=True) if isinstance(w, KToggle) and w.text == label))
                elif f.input == "accept":
                    driver.check()
                else:
                    driver.type_into(f.id, value)
            driver.tap(ids.keyboard_next if driver.screen.typing else ids.next)
        elif name == "pieces":
            while True:
                row = next((r for r in driver.screen._rows.values() if not r.pages), None)
                if row is None:
                    break
                driver.tap(row.ids.scan)
                driver.wait_idle()
            driver.tap(driver.screen.ids.next)
        elif name == "recap":
            driver.check()
            driver.tap(ids.validate)
        elif name == "guidance":
            driver.tap(ids.print_sheet)
            driver.wait_idle()
            driver.tap(ids.finish)
        elif name == "confirmation":
            driver.wait_idle()
            driver.tap(ids.finish)
        elif name == "connexion":
            driver.type_into("login", login["login"])
            driver.type_into("password", login["password"])
            driver.tap(ids.connect)
        driver.wait_idle()
    raise RuntimeError(f"{procedure_id} never ended")


def glass(folder: Path, photo_code: str, timbre: str) -> Path:
    """DEMO_USER's documents as the simulated scanner serves them, in the order the steps read them."""
    from PIL import Image

    from drivers.scanner.samples import specimens

    folder.mkdir()
    documents = [
        specimens.identity_page(specimens.mrz_td1("LEFEVRE", "ANAIS", "F", "850714", "X4RTBPFW4")),
        specimens.bill(
            dt.date.today() - dt.timedelta(days=15),
            nom="LEFEVRE",
            prenom="ANAIS",
            voie="12 RUE DES ECOLES",
            code_postal="33000",
            commune="BORDEAUX",
        ),
        specimens.photo_sheet(photo_code),
        specimens.timbre(timbre),
    ]
    for i, doc in enumerate(documents):
        raw = specimens.scanned(doc, seed=i + 1)
        raw.resize((raw.width // 2, raw.height // 2), Image.Resampling.LANCZOS).save(folder / f"{i:02d}.png")
    return folder


def measure(tmp: Path, procedure_id: str, variant: str | None, reading: bool = False) -> dict[str, dict[str, int]]:
    from config import load_settings
    from config.factories import BundledMock, build_services, make_client
    from kiosk.tour import DEMO_USER
    from kioskctl.simulate import TEST_CARD, _prepare, _resolve, _Training, script_values, variant_of

    name = f"{procedure_id}{'-reading' if reading else ''}"
    scanner: dict = {"resolution": 100}
    if reading:  # the readers need the page at 300 dpi
        scanner = {"resolution": 300, "folder": str(tmp / f"glass-{name}")}
    port = free_port()
    settings = load_settings(
        str(ROOT / "config" / "sites" / "demo.toml"),
        overrides={
            "ants": {"base_url": f"http://127.0.0.1:{port}", "mock_db": str(tmp / f"mock-{name}.db")},
            "workspace": {"root": f"/dev/shm/pointnum-bench-touches-{os.getpid()}"},
            "stats": {"path": str(tmp / f"stats-{name}.db")},
            "scanner": scanner,
        },
    )
    mock = BundledMock(settings).start()
    booth = make_client(settings)
    if reading:
        photo_code = booth.new_photo_code()
        timbre = booth.buy_timbre(
            "perte", "33000", **TEST_CARD, procedure="permis-perte", date_naissance="1985-07-14"
        ).numero
        glass(Path(scanner["folder"]), photo_code, timbre)
    services = build_services(settings)
    training = _Training(settings.ants.base_url)
    try:
        chosen = variant_of(procedure_id, variant)
        values = script_values(7, None)
        values.update(chosen.values)
        if procedure_id == "permis-perte":
            values.update(DEMO_USER, motif="perte", sexe="F")
            values.pop("mobile", None)  # the web form's count (WEB_FORM) has no phone for this user
        values = {k: _resolve(v, dt.date.today()) for k, v in values.items()}
        values = {k: v for k, v in values.items() if k not in ("nom_usage", "prenom2", "complement")}
        login = _prepare(services, chosen, values, 407, training)
        driver = make_counting_driver(services)
        try:
            driver.settle()
            walk(driver, services, procedure_id, values, booth, login, reading=reading)
        finally:
            driver.close()
        return dict(driver.counts)
    finally:
        training.close()
        booth.close()
        services.close()
        mock.stop()
        import shutil

        shutil.rmtree(settings.workspace_root(), ignore_errors=True)


def report(title: str, counts: dict[str, dict[str, int]]) -> int:
    print(title)
    total = 0
    for step, c in counts.items():
        n = c["taps"] + c["swipes"] + c["keys"]
        total += n
        print(f"  {step:28s} {c['taps']:3d} taps {c['swipes']:2d} swipes {c['keys']:3d} keys  = {n:3d}")
    taps = sum(c["taps"] for c in counts.values())
    swipes = sum(c["swipes"] for c in counts.values())
    keys = sum(c["keys"] for c in counts.values())
    print(f"  total {total} ({taps} taps, {swipes} swipes, {keys} key presses)")
    return total


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        _setup_kivy(Path(tmp))
        web_clicks = sum(c for _s, _f, c, _k in WEB_FORM)
        web_chars = sum(k for _s, _f, _c, k in WEB_FORM)
        print(f"web form (seed 003, fields listed in WEB_FORM): {web_clicks} clicks + {web_chars} characters")
        print(f"  = {web_clicks + web_chars} for DEMO_USER; {WEB_MEASURED} measured on the first trial")
        kiosk = report("kiosk, perte de permis (DEMO_USER):", measure(Path(tmp), "permis-perte", "perte"))
        print(
            f"  ratio to the web form's {WEB_MEASURED}: {kiosk / WEB_MEASURED:.2f} "
            f"(to {web_clicks + web_chars} for the same user: {kiosk / (web_clicks + web_chars):.2f}); "
            f"goal <= {GOAL} ({'met' if kiosk <= GOAL else 'not met'})"
        )
        read = report(
            "kiosk with document reading, perte de permis (DEMO_USER's card, bill, photo sheet, timbre on the glass):",
            measure(Path(tmp), "permis-perte", "perte", reading=True),
        )
        print(
            f"  ratio to the web form's {WEB_MEASURED}: {read / WEB_MEASURED:.2f}; "
            f"to the kiosk typing everything ({kiosk}): {read / kiosk:.2f}; "
            f"goal <= {GOAL_READING} ({'met' if read <= GOAL_READING else 'not met'})"
        )
        report("kiosk, carte grise: changement d'adresse:", measure(Path(tmp), "cg-changement-adresse", "plaque-siv"))
        report("kiosk, CNI: pré-demande:", measure(Path(tmp), "cni-predemande", None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
