"""Validators of what a user types, each turning raw input into a clean value
or raising :class:`Invalid` with a short French sentence saying what to do.

The sentences are shown as they are next to the field: plain words, one
idea, never a code.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Callable


class Invalid(ValueError):
    def __init__(self, message_fr: str):
        super().__init__(message_fr)
        self.message_fr = message_fr


Validator = Callable[[str, dict], str]

REQUIRED = "Ce champ est obligatoire. Merci de le remplir."

_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFC", " ".join((raw or "").split()))


def text(raw: str, opts: dict) -> str:
    value = _clean(raw)
    limit = int(opts.get("max_length", 80))
    if len(value) > limit:
        raise Invalid(f"Ce texte est trop long : {limit} caractères au plus.")
    return value


def name(raw: str, opts: dict) -> str:
    value = _clean(raw).replace("’", "'")
    value = re.sub(r"\s*-\s*", "-", value)
    if len(value) > int(opts.get("max_length", 60)):
        raise Invalid("Ce nom est trop long. Écrivez-le comme sur votre pièce d'identité.")
    if not _NAME_RE.match(value):
        raise Invalid("Écrivez seulement des lettres. Les tirets (-) et apostrophes (') sont permis.")
    return value


def date(raw: str, opts: dict) -> str:
    """JJ/MM/AAAA typed by the user, returned as ISO AAAA-MM-JJ."""
    value = re.sub(r"[\s.\-]", "/", _clean(raw))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if not m and re.fullmatch(r"\d{8}", value):
        m = re.fullmatch(r"(\d{2})(\d{2})(\d{4})", value)
    if not m:
        raise Invalid("Écrivez la date sous la forme JJ/MM/AAAA, par exemple 05/03/1980.")
    day, month, year = (int(g) for g in m.groups())
    try:
        when = _dt.date(year, month, day)
    except ValueError:
        raise Invalid("Cette date n'existe pas. Vérifiez le jour et le mois.") from None
    today = opts.get("today") or _dt.date.today()
    if when > today:
        raise Invalid("Cette date est dans le futur. Vérifiez l'année.")
    age = today.year - when.year - ((today.month, today.day) < (when.month, when.day))
    if "min_age" in opts and age < int(opts["min_age"]):
        raise Invalid(f"Il faut avoir au moins {opts['min_age']} ans pour cette démarche. Vérifiez l'année.")
    if age > int(opts.get("max_age", 120)):
        raise Invalid("Cette date est trop ancienne. Vérifiez l'année.")
    return when.isoformat()


def code_postal(raw: str, opts: dict) -> str:
    value = _clean(raw).replace(" ", "").upper()
    if not re.fullmatch(r"\d{5}", value):
        raise Invalid("Le code postal a 5 chiffres, par exemple 75011.")
    if value.startswith("00") or value.startswith("96"):
        raise Invalid("Ce code postal n'existe pas. Vérifiez-le sur un courrier.")
    return value


def email(raw: str, opts: dict) -> str:
    value = _clean(raw).replace(" ", "")
    if not _EMAIL_RE.match(value) or ".." in value:
        raise Invalid("Cette adresse e-mail n'est pas complète. Exemple : prenom.nom@exemple.fr")
    return value.lower()


def mobile(raw: str, opts: dict) -> str:
    value = re.sub(r"[\s.\-]", "", _clean(raw))
    if value.startswith("+33"):
        value = "0" + value[3:]
    elif value.startswith("0033"):
        value = "0" + value[4:]
    if not re.fullmatch(r"0[67]\d{8}", value):
        raise Invalid("Écrivez un numéro de portable de 10 chiffres qui commence par 06 ou 07.")
    return value


def photo_code(raw: str, opts: dict) -> str:
    value = re.sub(r"[\s\-]", "", _clean(raw)).upper()
    if not re.fullmatch(r"[A-Z0-9]{22}", value):
        raise Invalid("Le code photo a 22 lettres et chiffres. Il est écrit sur la planche de photos.")
    return value


def timbre(raw: str, opts: dict) -> str:
    value = re.sub(r"[\s\-]", "", _clean(raw))
    if not re.fullmatch(r"\d{16}", value):
        raise Invalid("Le numéro du timbre fiscal a 16 chiffres. Il est sur le SMS ou le reçu d'achat.")
    return value


def choice(raw: str, opts: dict) -> str:
    allowed = [c[0] for c in opts.get("choices", [])]
    if raw not in allowed:
        raise Invalid("Choisissez une des réponses proposées.")
    return raw


def accept(raw: str, opts: dict) -> str:
    if raw not in ("1", "true", "oui", True):
        raise Invalid(opts.get("message", "Cochez la case pour continuer."))
    return "1"


VALIDATORS: dict[str, Validator] = {
    "text": text,
    "name": name,
    "date": date,
    "code_postal": code_postal,
    "email": email,
    "mobile": mobile,
    "photo_code": photo_code,
    "timbre": timbre,
    "choice": choice,
    "accept": accept,
}


def validate(kind: str, raw: str, opts: dict | None = None, required: bool = True) -> str:
    """Clean ``raw`` with the validator ``kind``; empty optional fields give ''."""
    opts = opts or {}
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise Invalid(opts.get("required_message", REQUIRED))
        return ""
    try:
        validator = VALIDATORS[kind]
    except KeyError:
        raise KeyError(f"unknown validator {kind!r}") from None
    return validator(raw, opts)
