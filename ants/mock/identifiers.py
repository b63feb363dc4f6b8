"""Formats of the identifiers ANTS hands out or asks for (ANTS.md §2).

Regexes come from the sources quoted there (histovec, preuve-covoiturage, the
ANTS hub); what nobody confirmed (code de cession) is shaped by settings.
"""

from __future__ import annotations

import re
import secrets
import string

NEPH = re.compile(r"\d{12}")
PHOTO_CODE = re.compile(r"[A-Za-z0-9]{22}")
TIMBRE = re.compile(r"\d{16}")
#: SIV plate, strict form (preuve-covoiturage): AA-123-AA.
SIV = re.compile(r"[A-Z]{2}-\d{3}-[A-Z]{2}")
#: Old FNI plate (histovec), e.g. "123 ABC 75", "1234-AB-2A".
FNI = re.compile(r"\s*[0-9]{2,4}(?:-|\s+)?[a-zA-Z]{2,3}(?:-|\s+)?(?:[0-9]{2,3}|2A|2B)\s*")
NUMERO_FORMULE = re.compile(r"\d{2,4}[A-Z]{2}\d{5}")
CODE_CONFIDENTIEL = re.compile(r"\d{5}")
#: Pré-demande CNI/passeport: 10 letters or digits (ANTS hub).
PREDEMANDE = re.compile(r"[A-Za-z0-9]{10}")

# No O/0 or I/1 in what we generate: people copy these by hand.
READABLE = "".join(c for c in string.ascii_uppercase + string.digits if c not in "O0I1")


def plate_kind(value: str) -> str | None:
    """ "siv", "fni" or None for an immatriculation as typed."""
    if SIV.fullmatch(value):
        return "siv"
    if FNI.fullmatch(value):
        return "fni"
    return None


def plate_key(value: str) -> str:
    """The plate without its separators, upper case: how the mock looks vehicles up."""
    return re.sub(r"[\s-]+", "", value.upper())


def random_string(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_neph() -> str:
    return str(secrets.randbelow(9) + 1) + random_string(string.digits, 11)


def new_plate() -> str:
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"  # SIV uses no I, O, U
    return f"{random_string(letters, 2)}-{secrets.randbelow(999) + 1:03d}-{random_string(letters, 2)}"


def new_formule(year: int) -> str:
    return f"{year}{random_string(string.ascii_uppercase, 2)}{random_string(string.digits, 5)}"


def new_code_confidentiel() -> str:
    return random_string(string.digits, 5)


def new_predemande() -> str:
    return random_string(READABLE, 10)
