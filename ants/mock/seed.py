"""Deterministic demo data: the same photo codes and timbres after every
``--reset``, so training sheets and the demo kiosk can print them."""

from __future__ import annotations

import random
import secrets
import string
from datetime import date, datetime, timedelta
from decimal import Decimal

from . import identifiers
from .settings import MockSettings
from .store import Store, iso, utcnow

#: A confirmed ANTS account for training (mot de passe made of a word and digits).
DEMO_ACCOUNT = ("demo@ants-mock.test", "Demo2016!")
#: Demo vehicles: a recent SIV plate, an SIV plate over 4 years old, an old FNI plate.
DEMO_VEHICLES = [
    {
        "immatriculation": "AB-123-CD",
        "numero_formule": "2021AB12345",
        "code_confidentiel": "12345",
        "titulaire_nom": "DUPONT",
        "titulaire_prenom": "Stéphane",
        "date_premiere_immatriculation": "2023-03-15",
        "puissance_fiscale": 5,
        "marque": "RENAULT",
    },
    {
        "immatriculation": "EF-456-GH",
        "numero_formule": "2016CD54321",
        "code_confidentiel": "54321",
        "titulaire_nom": "MARTIN",
        "titulaire_prenom": "Léa",
        "date_premiere_immatriculation": "2016-09-01",
        "puissance_fiscale": 7,
        "marque": "PEUGEOT",
    },
    {
        "immatriculation": "123 ABC 75",
        "numero_formule": "2008EF11111",
        "code_confidentiel": "11111",
        "titulaire_nom": "DURAND",
        "titulaire_prenom": "Paul",
        "date_premiere_immatriculation": "2005-05-20",
        "puissance_fiscale": 4,
        "marque": "CITROEN",
    },
]
DEMO_NEPHS = [
    ("120375000001", "DUPONT", "Marie Élodie", "1980-05-17", ["B"]),
    ("130175000002", "CORNEILLE", "Pierre", "1956-01-01", ["B", "C"]),
]
#: Demo pré-demandes, one per coordination status (besides the SOLOCAL test ids).
DEMO_PREDEMANDES = [
    ("DEMOVALID1", "validated"),
    ("DEMODECLA1", "declared"),
    ("DEMOCONSU1", "consumed"),
    ("DEMOEXPIR1", "expired"),
]

PHOTO_ALPHABET = string.ascii_uppercase + string.digits
_SEED = 20160701  # the month the permis went online (seed 003)


def demo_photo_codes(count: int) -> list[str]:
    rng = random.Random(_SEED)
    return ["".join(rng.choice(PHOTO_ALPHABET) for _ in range(22)) for _ in range(count)]


def demo_timbres(count: int, salt: int = 0) -> list[str]:
    rng = random.Random(_SEED + 1 + salt)
    # Leading digit never 0 so a spreadsheet cannot eat it.
    return [str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(15)) for _ in range(count)]


def new_photo_code() -> str:
    return "".join(secrets.choice(PHOTO_ALPHABET) for _ in range(22))


def new_timbre_numero() -> str:
    return str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(15))


def seed(store: Store, settings: MockSettings) -> None:
    """Seed once per database file; a later start keeps what was used."""
    if store.get_meta("seeded_le"):
        return
    now = utcnow()
    for code in demo_photo_codes(settings.seed_photo_codes):
        store.add_photo_code(code, now, settings.photo_code_validity_days, demo=True)
    full = settings.timbre_amounts["perte"]
    for numero in demo_timbres(settings.seed_timbres):
        store.add_timbre(numero, full, None, now, settings.timbre_validity_days, demo=True)
    reduced = next(iter(settings.timbre_reduced_rates.values()), Decimal("12.50"))
    for numero in demo_timbres(settings.seed_timbres_reduced, salt=1):
        store.add_timbre(numero, reduced, None, now, settings.timbre_validity_days, demo=True)
    for vehicle in DEMO_VEHICLES:
        store.add_vehicule({**vehicle, "demo": 1})
    for neph, nom, prenoms, born, categories in DEMO_NEPHS:
        store.add_neph(neph, nom, prenoms, born, categories, demo=True)
    for numero, etat in DEMO_PREDEMANDES:
        store.add_predemande(numero, etat, now, now + timedelta(days=settings.predemande_validity_days), demo=True)
    _seed_account(store, now)
    store.set_meta("seeded_le", iso(now))


def _seed_account(store: Store, now: datetime) -> None:
    from .routes_comptes import hash_password

    email, password = DEMO_ACCOUNT
    store.add_compte(
        {
            "id": "demo",
            "email": email,
            "password_hash": hash_password(password, b"ants-mock-demo!!"),
            "nom": "ESSAI",
            "prenom": "Démo",
            "sexe": "F",
            "telephone": "",
            "code_confirmation": None,
            "confirme_le": iso(now),
            "cree_le": iso(now),
            "source": "ants",
        }
    )


def make_vehicle(
    store: Store, now: datetime, *, fni: bool, age_years: int, nom: str, prenom: str, puissance: int
) -> dict:
    """A fresh vehicle for one test or one training exercise."""
    first = date(now.year - age_years, now.month, min(now.day, 28))
    while True:
        if fni:
            plate = (
                f"{secrets.randbelow(9000) + 1000} {identifiers.random_string('ABCDEFGHJKLMNPRSTVWXYZ', 2)} "
                f"{secrets.randbelow(90) + 10:02d}"
            )
        else:
            plate = identifiers.new_plate()
        if store.vehicule(identifiers.plate_key(plate)) is None:
            break
    row = {
        "immatriculation": plate,
        "numero_formule": identifiers.new_formule(first.year),
        "code_confidentiel": identifiers.new_code_confidentiel(),
        "titulaire_nom": nom.strip().upper(),
        "titulaire_prenom": prenom,
        "date_premiere_immatriculation": first.isoformat(),
        "puissance_fiscale": puissance,
        "marque": "DEMO",
    }
    store.add_vehicule(row)
    return row
