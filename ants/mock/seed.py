"""Deterministic demo data: the same photo codes and timbres after every
``--reset``, so training sheets and the demo kiosk can print them."""
from __future__ import annotations

import random
import secrets
import string
from decimal import Decimal

from .settings import MockSettings
from .store import Store, iso, utcnow

PHOTO_ALPHABET = string.ascii_uppercase + string.digits
_SEED = 20160701  # the month the permis went online (seed 003)


def demo_photo_codes(count: int) -> list[str]:
    rng = random.Random(_SEED)
    return ["".join(rng.choice(PHOTO_ALPHABET) for _ in range(22)) for _ in range(count)]


def demo_timbres(count: int, salt: int = 0) -> list[str]:
    rng = random.Random(_SEED + 1 + salt)
    # Leading digit never 0 so a spreadsheet cannot eat it.
    return [str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(15))
            for _ in range(count)]


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
    store.set_meta("seeded_le", iso(now))
