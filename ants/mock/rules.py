"""The mock's field rules shared by every procedure (état civil, adresse,
contact, photo, paiement, dates, choices); each family adds its own in
``rules_permis``, ``rules_cg`` and ``rules_identite``.

Written from ANTS.md and seed 003 independently of ``session/validation``: the
mock must not agree with the kiosk's mistakes. Pure functions: they take the
decoded dossier and record ``Erreur``s; nothing here touches storage.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from . import identifiers

MOTIFS = {"perte", "vol", "deterioration"}
MIN_AGE = 15  # inscription from 15 with AAC (SP, ANTS.md §1)
MAX_AGE = 130

_APOSTROPHES = "'’"
_CODE_POSTAL = re.compile(r"(?:\d{5}|2[AB]\d{3})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_MOBILE = re.compile(r"(?:0[67]\d{8}|\+33[67]\d{8})")
_PHOTO_CODE = identifiers.PHOTO_CODE
_TIMBRE = identifiers.TIMBRE
_NUMERO_VOIE = re.compile(r"\d{1,5}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Erreur:
    champ: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class Collector:
    def __init__(self) -> None:
        self.erreurs: list[Erreur] = []

    def add(self, champ: str, code: str, message: str) -> None:
        self.erreurs.append(Erreur(champ, code, message))

    def section(self, dossier: dict, name: str, label: str) -> dict | None:
        value = dossier.get(name)
        if value is None:
            self.add(name, "champ_requis", f"La rubrique « {label} » est obligatoire.")
            return None
        if not isinstance(value, dict):
            self.add(name, "type_invalide", f"La rubrique « {label} » est mal formée.")
            return None
        return value

    def text(self, section: dict, prefix: str, name: str, label: str, required: bool, max_len: int = 100) -> str | None:
        champ = f"{prefix}.{name}"
        value = section.get(name)
        if value is None or value == "":
            if required:
                self.add(champ, "champ_requis", f"Le champ « {label} » est obligatoire.")
            return None
        if not isinstance(value, str):
            self.add(champ, "type_invalide", f"Le champ « {label} » doit être du texte.")
            return None
        if not value.strip():
            if required:
                self.add(champ, "champ_requis", f"Le champ « {label} » est obligatoire.")
            return None
        if len(value) > max_len:
            self.add(champ, "trop_long", f"Le champ « {label} » dépasse {max_len} caractères.")
            return None
        if any(unicodedata.category(c).startswith("C") for c in value):
            self.add(champ, "caracteres_invalides", f"Le champ « {label} » contient des caractères invalides.")
            return None
        return value


def is_code_postal(value: str) -> bool:
    """5 digits, or 2A/2B + 3 digits for Corsica."""
    return bool(_CODE_POSTAL.fullmatch(value))


def is_name(value: str) -> bool:
    """Letters (accents included), hyphen, apostrophe, space; starts with a letter."""
    if not value or not value[0].isalpha() or value != value.strip():
        return False
    return all(c.isalpha() or c in "- " or c in _APOSTROPHES for c in value)


def parse_birth_date(value: Any, today: date, min_age: int = MIN_AGE) -> tuple[date | None, str, str]:
    """The birth date, or None with the refusal's code and message."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None, "format_invalide", "La date de naissance doit être au format AAAA-MM-JJ."
    try:
        born = date.fromisoformat(value)
    except ValueError:
        return None, "date_invalide", "Cette date de naissance n'existe pas."
    if born > today:
        return None, "date_future", "La date de naissance ne peut pas être dans le futur."
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < min_age:
        return None, "age_insuffisant", f"Il faut avoir au moins {min_age} ans pour cette démarche."
    if age > MAX_AGE:
        return None, "date_invalide", "Cette date de naissance n'est pas vraisemblable."
    return born, "", ""


def check_etat_civil(
    c: Collector,
    dossier: dict,
    today: date,
    min_age: int = MIN_AGE,
    prefix: str = "etat_civil",
    label: str = "état civil",
) -> date | None:
    """Names, sexe, prénoms, birth date; returns the birth date when it is valid."""
    etat = c.section(dossier, prefix, label)
    if etat is None:
        return None
    for name, label_, required in (("nom_naissance", "nom de naissance", True), ("nom_usage", "nom d'usage", False)):
        value = c.text(etat, prefix, name, label_, required)
        if value is not None and not is_name(value):
            c.add(
                f"{prefix}.{name}",
                "caracteres_invalides",
                f"Le {label_} ne peut contenir que des lettres, des tirets, des apostrophes et des espaces.",
            )
    sexe = etat.get("sexe")
    if sexe is None or sexe == "":
        c.add(f"{prefix}.sexe", "champ_requis", "Le champ « sexe » est obligatoire.")
    elif not isinstance(sexe, str) or sexe not in ("F", "M"):
        c.add(f"{prefix}.sexe", "valeur_invalide", "Le sexe doit être F ou M.")
    prenoms = etat.get("prenoms")
    if prenoms is None or prenoms == []:
        c.add(f"{prefix}.prenoms", "champ_requis", "Au moins un prénom est obligatoire.")
    elif not isinstance(prenoms, list) or len(prenoms) > 10:
        c.add(f"{prefix}.prenoms", "type_invalide", "Les prénoms doivent être une liste (10 au plus).")
    else:
        for i, prenom in enumerate(prenoms):
            champ = f"{prefix}.prenoms.{i}"
            if not isinstance(prenom, str):
                c.add(champ, "type_invalide", "Chaque prénom doit être du texte.")
            elif not prenom.strip():
                c.add(champ, "champ_requis", "Un prénom ne peut pas être vide.")
            elif len(prenom) > 60 or not is_name(prenom):
                c.add(
                    champ,
                    "caracteres_invalides",
                    "Un prénom ne peut contenir que des lettres, des tirets, des apostrophes et des espaces.",
                )
    if etat.get("date_naissance") in (None, ""):
        c.add(f"{prefix}.date_naissance", "champ_requis", "La date de naissance est obligatoire.")
        return None
    born, code, message = parse_birth_date(etat["date_naissance"], today, min_age)
    if code:
        c.add(f"{prefix}.date_naissance", code, message)
    return born


def check_adresse(c: Collector, dossier: dict, prefix: str = "adresse") -> dict | None:
    """Returns the section when its code postal is well formed (the fee may depend on it)."""
    adresse = c.section(dossier, prefix, "adresse")
    if adresse is None:
        return None
    before = len(c.erreurs)
    numero = c.text(adresse, prefix, "numero", "numéro de voie", False, 5)
    if numero is not None and not _NUMERO_VOIE.fullmatch(numero):
        c.add(f"{prefix}.numero", "format_invalide", "Le numéro de voie ne contient que des chiffres.")
    extension = c.text(adresse, prefix, "extension", "extension", False, 10)
    if extension is not None and not extension.isalpha():
        c.add(f"{prefix}.extension", "format_invalide", "L'extension s'écrit en lettres (bis, ter…).")
    c.text(adresse, prefix, "type_voie", "type de voie", False, 40)
    c.text(adresse, prefix, "nom_voie", "nom de la voie", True)
    c.text(adresse, prefix, "complement", "complément d'adresse", False)
    cp = c.text(adresse, prefix, "code_postal", "code postal", True, 5)
    if cp is not None and not _CODE_POSTAL.fullmatch(cp):
        c.add(f"{prefix}.code_postal", "format_invalide", "Le code postal compte 5 chiffres (2A ou 2B en Corse).")
    c.text(adresse, prefix, "commune", "commune", True)
    cp_ok = not any(e.champ == f"{prefix}.code_postal" for e in c.erreurs[before:])
    return adresse if cp_ok else None


def check_contact(c: Collector, dossier: dict) -> None:
    """An e-mail, a mobile or both: ANTS writes to one of them at each step (seed 004:
    "adresse électronique et/ou numéro de téléphone portable"). Neither is accepted only
    when the dossier says so (``aucun: true``): the person follows the demande with its
    numéro, and nothing is sent to them."""
    contact = c.section(dossier, "contact", "contact")
    if contact is None:
        return
    aucun = contact.get("aucun", False)
    if not isinstance(aucun, bool):
        c.add("contact.aucun", "type_invalide", "Le champ « aucun » vaut true ou false.")
        aucun = False
    given = [contact.get(name) not in (None, "") for name in ("email", "mobile")]
    if not any(given) and not aucun:
        c.add(
            "contact",
            "champ_requis",
            "Donnez une adresse électronique ou un numéro de portable (ou « aucun » : true).",
        )
    email = c.text(contact, "contact", "email", "adresse électronique", False, 254)
    if email is not None and not _EMAIL.fullmatch(email):
        c.add("contact.email", "format_invalide", "L'adresse électronique n'est pas valide.")
    mobile = c.text(contact, "contact", "mobile", "téléphone portable", False, 20)
    if mobile is not None and not _MOBILE.fullmatch(re.sub(r"[ .]", "", mobile)):
        c.add(
            "contact.mobile",
            "format_invalide",
            "Le numéro de portable commence par 06, 07, +336 ou +337 et compte 10 chiffres.",
        )


def check_photo(c: Collector, dossier: dict) -> str | None:
    """The code photo-signature, upper-cased, when its format is right."""
    photo = c.section(dossier, "photo", "photo-signature")
    if photo is None:
        return None
    code = c.text(photo, "photo", "code", "code photo-signature", True, 22)
    if code is not None and not _PHOTO_CODE.fullmatch(code):
        c.add("photo.code", "format_invalide", "Le code photo-signature compte 22 lettres ou chiffres.")
        return None
    return code.upper() if code else None


def check_paiement(c: Collector, dossier: dict, allow_deferred: bool = True) -> str | None:
    """The timbre number, "differe" when the user pays later, or None when wrong."""
    paiement = c.section(dossier, "paiement", "paiement")
    if paiement is None:
        return None
    if allow_deferred and paiement.get("differe") is True and not paiement.get("timbre"):
        return "differe"
    timbre = c.text(paiement, "paiement", "timbre", "numéro de timbre", True, 16)
    if timbre is not None and not _TIMBRE.fullmatch(timbre):
        c.add("paiement.timbre", "format_invalide", "Le numéro de timbre fiscal compte 16 chiffres.")
        return None
    return timbre


def check_attestation(c: Collector, dossier: dict) -> None:
    if dossier.get("attestation_honneur") is not True:
        c.add(
            "attestation_honneur",
            "attestation_requise",
            "Vous devez certifier sur l'honneur l'exactitude des informations.",
        )


def check_choice(
    c: Collector,
    section: dict,
    prefix: str,
    name: str,
    allowed: dict[str, str] | set[str],
    label: str,
    required: bool = True,
) -> str | None:
    champ = f"{prefix}.{name}" if prefix else name
    value = section.get(name)
    if value is None or value == "":
        if required:
            c.add(champ, "champ_requis", f"Le champ « {label} » est obligatoire.")
        return None
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(sorted(allowed))
        c.add(champ, "valeur_invalide", f"Le champ « {label} » doit valoir : {choices}.")
        return None
    return value


def check_bool(
    c: Collector, section: dict, prefix: str, name: str, label: str, default: bool | None = None
) -> bool | None:
    champ = f"{prefix}.{name}" if prefix else name
    value = section.get(name, default)
    if value is None:
        c.add(champ, "champ_requis", f"Le champ « {label} » est obligatoire (oui ou non).")
        return None
    if not isinstance(value, bool):
        c.add(champ, "type_invalide", f"Le champ « {label} » vaut true ou false.")
        return None
    return value


def check_date(
    c: Collector,
    section: dict,
    prefix: str,
    name: str,
    label: str,
    today: date,
    required: bool = True,
    past: bool = True,
) -> date | None:
    champ = f"{prefix}.{name}" if prefix else name
    value = section.get(name)
    if value is None or value == "":
        if required:
            c.add(champ, "champ_requis", f"Le champ « {label} » est obligatoire.")
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        c.add(champ, "format_invalide", f"Le champ « {label} » s'écrit AAAA-MM-JJ.")
        return None
    try:
        when = date.fromisoformat(value)
    except ValueError:
        c.add(champ, "date_invalide", f"La date « {label} » n'existe pas.")
        return None
    if past and when > today:
        c.add(champ, "date_future", f"La date « {label} » ne peut pas être dans le futur.")
        return None
    return when


def check_pattern(
    c: Collector,
    section: dict,
    prefix: str,
    name: str,
    label: str,
    pattern: re.Pattern,
    explain: str,
    required: bool = True,
    upper: bool = False,
) -> str | None:
    value = c.text(section, prefix, name, label, required, 40)
    if value is None:
        return None
    value = value.strip().upper() if upper else value.strip()
    if not pattern.fullmatch(value):
        c.add(f"{prefix}.{name}" if prefix else name, "format_invalide", explain)
        return None
    return value


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_photo_code(row: dict | None, now: datetime) -> Erreur | None:
    if row is None:
        return Erreur(
            "photo.code", "code_inconnu", "Ce code photo-signature est inconnu. Vérifiez-le sur votre planche photo."
        )
    if row["utilise_le"]:
        return Erreur(
            "photo.code", "code_deja_utilise", "Ce code photo-signature a déjà servi. Il faut une nouvelle photo."
        )
    if datetime.fromisoformat(row["expire_le"]) <= now:
        return Erreur(
            "photo.code", "code_expire", "Ce code photo-signature a plus de 6 mois. Il faut une nouvelle photo."
        )
    return None


def euros(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",") + " €"


def check_timbre(row: dict | None, expected: Decimal, now: datetime) -> Erreur | None:
    if row is None:
        return Erreur("paiement.timbre", "timbre_inconnu", "Ce numéro de timbre fiscal est inconnu.")
    if row["utilise_le"]:
        return Erreur("paiement.timbre", "timbre_deja_utilise", "Ce timbre fiscal a déjà été utilisé.")
    if datetime.fromisoformat(row["expire_le"]) <= now:
        return Erreur("paiement.timbre", "timbre_expire", "Ce timbre fiscal n'est plus valable.")
    value = Decimal(row["montant_centimes"]) / 100
    if value != expected:
        return Erreur(
            "paiement.timbre",
            "montant_incorrect",
            f"Ce timbre vaut {euros(value)} ; cette démarche demande {euros(expected)}.",
        )
    return None
