"""Validators of what a user types, each turning raw input into a clean value
or raising :class:`Invalid` with a short French sentence saying what to do.

The sentences are shown as they are next to the field: plain words, one
idea, never a code.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from userfacing import UserFacingError


class Invalid(UserFacingError, ValueError):
    """What the user typed is refused: ``message_fr`` says what to do, next to the field."""

    key = "validation.invalid"

    def __init__(self, message_fr: str, **params: object):
        super().__init__(template=message_fr, params=params)


#: A step field's options from its TOML (max_length, choices...).
Options = dict[str, Any]
Validator = Callable[[str, Options], str]

REQUIRED = "Ce champ est obligatoire. Merci de le remplir."
#: What to do with an empty required field, where its kind says more than REQUIRED.
REQUIRED_BY_KIND = {
    "choice": "Touchez une des réponses pour continuer.",
    "yesno": "Touchez « Oui » ou « Non » pour continuer.",
    "accept": "Cochez la case « J'atteste… » pour continuer.",
}


#: Under "Je n'ai ni adresse e-mail ni téléphone portable" (session/steps.toml, adresse) when
#: neither was given: seed 004 asks for one or the other; without, ANTS tells nothing.
NO_CONTACT = (
    "Sans e-mail ni portable, l'ANTS ne pourra pas vous prévenir : gardez bien le récépissé, "
    "son numéro sert à suivre votre demande. Cochez la case pour continuer, ou appelez un médiateur "
    "pour créer une adresse e-mail."
)


def required_message(kind: str, opts: Options) -> str:
    """The sentence shown under an empty required field: the field's own, else its kind's."""
    own = opts.get("required_message") or (opts.get("message") if kind == "accept" else None)
    return str(own or REQUIRED_BY_KIND.get(kind, REQUIRED))


_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFC", " ".join((raw or "").split()))


def text(raw: str, opts: Options) -> str:
    value = _clean(raw)
    limit = int(opts.get("max_length", 80))
    if len(value) > limit:
        raise Invalid(f"Ce texte est trop long : {limit} caractères au plus.")
    return value


def name(raw: str, opts: Options) -> str:
    value = _clean(raw).replace("’", "'")
    value = re.sub(r"\s*-\s*", "-", value)
    if len(value) > int(opts.get("max_length", 60)):
        raise Invalid("Ce nom est trop long. Écrivez-le comme sur votre pièce d'identité.")
    if not _NAME_RE.match(value):
        raise Invalid("Écrivez seulement des lettres. Les tirets (-) et apostrophes (') sont permis.")
    return value


def date(raw: str, opts: Options) -> str:
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
    if "max_age" in opts and age >= int(opts["max_age"]) and int(opts["max_age"]) < 120:
        raise Invalid(
            opts.get(
                "max_age_message", f"Cette démarche est pour les moins de {opts['max_age']} ans. Vérifiez l'année."
            )
        )
    if age > 120:
        raise Invalid("Cette date est trop ancienne. Vérifiez l'année.")
    days_ago = (today - when).days
    if "max_days_ago" in opts and days_ago > int(opts["max_days_ago"]):
        raise Invalid(opts.get("too_old_message", "Cette date est trop ancienne pour cette démarche."))
    if "min_days_ago" in opts and days_ago < int(opts["min_days_ago"]):
        raise Invalid(opts.get("too_recent_message", "Cette date est trop récente pour cette démarche."))
    return when.isoformat()


def age_on(iso_date: str, today: _dt.date | None = None) -> int | None:
    """Whole years from an ISO date (as :func:`date` returns it) to ``today``; None if it is not one."""
    try:
        born = _dt.date.fromisoformat(iso_date or "")
    except ValueError:
        return None
    today = today or _dt.date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def code_postal(raw: str, opts: Options) -> str:
    value = _clean(raw).replace(" ", "").upper()
    if re.fullmatch(r"2[AB]\d{3}", value):
        raise Invalid("En Corse aussi, le code postal a 5 chiffres : il commence par 20, par exemple 20000.")
    if not re.fullmatch(r"\d{5}", value):
        raise Invalid("Le code postal a 5 chiffres, par exemple 75011.")
    if value.startswith("00") or value.startswith("96"):
        raise Invalid("Ce code postal n'existe pas. Vérifiez-le sur un courrier.")
    return value


def departement(code_postal: str) -> str:
    """The département of a (valid) code postal: "75", "2A", "2B", "971"…

    Corsica's codes postaux all start with 20: 200xx and 201xx are in
    Corse-du-Sud (2A), 202xx to 206xx in Haute-Corse (2B) — La Poste's
    numbering, which a commune list would refine for the rare exceptions.
    Overseas (97x, 98x) départements and collectivités have 3 digits.
    """
    value = (code_postal or "").strip()
    if not re.fullmatch(r"\d{5}", value):
        raise ValueError(f"not a code postal: {value!r}")
    if value.startswith("20"):
        return "2A" if int(value[2]) < 2 else "2B"
    if value.startswith(("97", "98")):
        return value[:3]
    return value[:2]


_COMMUNE_RE = re.compile(r"^[^\W\d_][\w'\- ]*$")


def commune(raw: str, opts: Options) -> str:
    """A commune's name: letters first, then letters, digits (Paris 11e), spaces, hyphens, apostrophes."""
    value = _clean(raw).replace("’", "'")
    value = re.sub(r"\s*-\s*", "-", value)
    if len(value) > int(opts.get("max_length", 60)):
        raise Invalid("Ce nom de commune est trop long : 60 caractères au plus.")
    if not _COMMUNE_RE.match(value) or "_" in value:
        raise Invalid("Écrivez le nom de la commune en lettres, par exemple Saint-Denis.")
    return value


def email(raw: str, opts: Options) -> str:
    value = _clean(raw).replace(" ", "")
    if not _EMAIL_RE.match(value) or ".." in value:
        raise Invalid("Cette adresse e-mail n'est pas complète. Exemple : prenom.nom@exemple.fr")
    return value.lower()


def mobile(raw: str, opts: Options) -> str:
    value = re.sub(r"[\s.\-]", "", _clean(raw))
    if value.startswith("+33"):
        value = "0" + value[3:]
    elif value.startswith("0033"):
        value = "0" + value[4:]
    if not re.fullmatch(r"0[67]\d{8}", value):
        raise Invalid("Écrivez un numéro de portable de 10 chiffres qui commence par 06 ou 07.")
    return value


def photo_code(raw: str, opts: Options) -> str:
    value = re.sub(r"[\s\-]", "", _clean(raw)).upper()
    if not re.fullmatch(r"[A-Z0-9]{22}", value):
        raise Invalid("Le code photo a 22 lettres et chiffres. Il est écrit sur la planche de photos.")
    return value


def timbre(raw: str, opts: Options) -> str:
    value = re.sub(r"[\s\-]", "", _clean(raw))
    if not re.fullmatch(r"\d{16}", value):
        raise Invalid("Le numéro du timbre fiscal a 16 chiffres. Il est sur le SMS ou le reçu d'achat.")
    return value


def choice(raw: str, opts: Options) -> str:
    allowed = [c[0] for c in opts.get("choices", [])]
    if raw not in allowed:
        raise Invalid("Choisissez une des réponses proposées.")
    return raw


def accept(raw: str, opts: Options) -> str:
    if raw not in ("1", "true", "oui", True):
        raise Invalid(opts.get("message", "Cochez la case pour continuer."))
    return "1"


def _compact(raw: str) -> str:
    """Without spaces, dots and hyphens, upper case: how codes are compared."""
    return re.sub(r"[\s.\-]", "", _clean(raw)).upper()


def neph(raw: str, opts: Options) -> str:
    value = _compact(raw)
    if not re.fullmatch(r"\d{12}", value):
        raise Invalid("Le numéro NEPH a 12 chiffres. Il est écrit sur votre permis ou votre convocation.")
    return value


_SIV_RE = re.compile(r"([A-Z]{2})[\s\-]*(\d{3})[\s\-]*([A-Z]{2})")
_FNI_RE = re.compile(r"(\d{2,4})[\s\-]*([A-Z]{2,3})[\s\-]*(\d{2,3}|2A|2B)")


def immatriculation(raw: str, opts: Options) -> str:
    """SIV plates come back as AA-123-AA; old FNI plates as 123 ABC 75 (ANTS.md §2)."""
    value = _clean(raw).upper()
    m = _SIV_RE.fullmatch(value)
    if m and m.group(2) != "000":
        return "-".join(m.groups())
    m = _FNI_RE.fullmatch(value)
    if m:
        return " ".join(m.groups())
    raise Invalid(
        "Écrivez l'immatriculation comme sur la plaque, par exemple AB-123-CD (ou 123 ABC 75 pour un ancien numéro)."
    )


def plate_kind(value: str) -> str:
    """ "siv" or "fni" for an immatriculation cleaned by :func:`immatriculation`, "" otherwise."""
    if re.fullmatch(r"[A-Z]{2}-\d{3}-[A-Z]{2}", value or ""):
        return "siv"
    if re.fullmatch(r"\d{2,4} [A-Z]{2,3} (?:\d{2,3}|2A|2B)", value or ""):
        return "fni"
    return ""


def numero_formule(raw: str, opts: Options) -> str:
    value = _compact(raw)
    if not re.fullmatch(r"\d{2,4}[A-Z]{2}\d{5}", value):
        raise Invalid(
            "Le numéro de formule a 2 à 4 chiffres, 2 lettres et 5 chiffres, par exemple 2009AB12345. "
            "Il est écrit sur la carte grise."
        )
    return value


def code_cession(raw: str, opts: Options) -> str:
    """The code de cession's format is not confirmed (ANTS.md §2): 5 to 12 letters and digits."""
    value = _compact(raw)
    if not re.fullmatch(r"[A-Z0-9]{5,12}", value):
        raise Invalid("Le code de cession est fait de lettres et de chiffres. Le vendeur vous l'a donné.")
    return value


def code_confidentiel(raw: str, opts: Options) -> str:
    value = _compact(raw)
    if not re.fullmatch(r"\d{5}", value):
        raise Invalid("Le code confidentiel a 5 chiffres. Il est sur le courrier reçu avec la carte grise.")
    return value


def predemande(raw: str, opts: Options) -> str:
    value = _compact(raw)
    if not re.fullmatch(r"[A-Z0-9]{10}", value):
        raise Invalid("Le numéro de pré-demande a 10 lettres et chiffres.")
    return value


def numero_demande(raw: str, opts: Options) -> str:
    """A numéro de demande (permis, carte grise) or de pré-demande, as printed on the récépissé."""
    value = _compact(raw)
    if not re.fullmatch(r"[A-Z0-9]{8,20}", value):
        raise Invalid("Écrivez le numéro comme sur votre récépissé : des lettres et des chiffres.")
    return value


#: Catégories of the permis (arrêté du 20 avril 2012), in the order the licence lists them.
CATEGORIES = ("AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE")
HEAVY_CATEGORIES = ("C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE")


def categories(raw: str, opts: Options) -> str:
    """One or more catégories, separated by commas or spaces; kept as "B,C1" in licence order."""
    items = [c for c in re.split(r"[\s,;/]+", _clean(raw).upper()) if c]
    unknown = [c for c in items if c not in CATEGORIES]
    if not items or unknown:
        raise Invalid("Choisissez les catégories écrites sur le permis, par exemple B.")
    return ",".join(c for c in CATEGORIES if c in items)


def pays(raw: str, opts: Options) -> str:
    """A country as its ISO 3166 code of 2 letters (the code ANTS asks for)."""
    value = _compact(raw)
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise Invalid(
            "Écrivez le code du pays en 2 lettres, par exemple MA pour le Maroc. Le médiateur peut vous aider."
        )
    if value == "FR" and not opts.get("allow_france", False):
        raise Invalid("Un permis français ne s'échange pas. Choisissez le pays qui a donné le permis.")
    return value


def yesno(raw: str, opts: Options) -> str:
    value = _clean(raw).lower()
    if value in ("oui", "1", "true"):
        return "oui"
    if value in ("non", "0", "false"):
        return "non"
    raise Invalid("Répondez oui ou non.")


def integer(raw: str, opts: Options) -> str:
    value = re.sub(r"[\s.]", "", _clean(raw))
    if not re.fullmatch(r"\d{1,9}", value):
        raise Invalid("Écrivez seulement des chiffres, sans espace ni virgule.")
    number = int(value)
    if number > int(opts.get("max", 999_999_999)):
        raise Invalid(f"Ce nombre est trop grand : {int(opts['max'])} au plus.")
    return str(number)


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
    "commune": commune,
    "neph": neph,
    "immatriculation": immatriculation,
    "numero_formule": numero_formule,
    "code_cession": code_cession,
    "code_confidentiel": code_confidentiel,
    "predemande": predemande,
    "numero_demande": numero_demande,
    "categories": categories,
    "yesno": yesno,
    "pays": pays,
    "integer": integer,
}


def validate(kind: str, raw: str, opts: Options | None = None, required: bool = True) -> str:
    """Clean ``raw`` with the validator ``kind``; empty optional fields give ''."""
    opts = opts or {}
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise Invalid(required_message(kind, opts))
        return ""
    try:
        validator = VALIDATORS[kind]
    except KeyError:
        raise KeyError(f"unknown validator {kind!r}") from None
    return validator(raw, opts)
