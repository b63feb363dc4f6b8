"""The mock's own rules for a "permis-perte" dossier.

Written from ANTS.md and seed 003 independently of ``session/validation``: the
mock must not agree with the kiosk's mistakes. Pure functions: they take the
decoded dossier and return a list of ``Erreur``; nothing here touches storage.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

PROCEDURES = {"permis-perte"}
MOTIFS = {"perte", "vol", "deterioration"}
MIN_AGE = 15  # inscription from 15 with AAC (SP, ANTS.md §1)
MAX_AGE = 130

_APOSTROPHES = "'’"
_CODE_POSTAL = re.compile(r"(?:\d{5}|2[AB]\d{3})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_MOBILE = re.compile(r"(?:0[67]\d{8}|\+33[67]\d{8})")
_PHOTO_CODE = re.compile(r"[A-Za-z0-9]{22}")
_TIMBRE = re.compile(r"\d{16}")
_NUMERO_VOIE = re.compile(r"\d{1,5}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Erreur:
    champ: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class _Collector:
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

    def text(self, section: dict, prefix: str, name: str, label: str, required: bool,
             max_len: int = 100) -> str | None:
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


def parse_birth_date(value: Any, today: date) -> tuple[date | None, str | None, str | None]:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None, "format_invalide", "La date de naissance doit être au format AAAA-MM-JJ."
    try:
        born = date.fromisoformat(value)
    except ValueError:
        return None, "date_invalide", "Cette date de naissance n'existe pas."
    if born > today:
        return None, "date_future", "La date de naissance ne peut pas être dans le futur."
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < MIN_AGE:
        return None, "age_insuffisant", f"Il faut avoir au moins {MIN_AGE} ans pour cette démarche."
    if age > MAX_AGE:
        return None, "date_invalide", "Cette date de naissance n'est pas vraisemblable."
    return born, None, None


def validate_dossier(dossier: dict, today: date) -> list[Erreur]:
    """Field rules that need no storage: shapes, formats, dates, attestation."""
    c = _Collector()
    procedure = dossier.get("procedure")
    if not isinstance(procedure, str) or procedure not in PROCEDURES:
        c.add("procedure", "procedure_inconnue", "Cette démarche n'est pas proposée ici.")
    motif = dossier.get("motif")
    if not isinstance(motif, str) or motif not in MOTIFS:
        c.add("motif", "motif_invalide", "Le motif doit être perte, vol ou détérioration.")

    etat = c.section(dossier, "etat_civil", "état civil")
    if etat is not None:
        for name, label, required in (("nom_naissance", "nom de naissance", True),
                                      ("nom_usage", "nom d'usage", False)):
            value = c.text(etat, "etat_civil", name, label, required)
            if value is not None and not is_name(value):
                c.add(f"etat_civil.{name}", "caracteres_invalides",
                      f"Le {label} ne peut contenir que des lettres, des tirets, des apostrophes et des espaces.")
        sexe = etat.get("sexe")
        if sexe is None or sexe == "":
            c.add("etat_civil.sexe", "champ_requis", "Le champ « sexe » est obligatoire.")
        elif not isinstance(sexe, str) or sexe not in ("F", "M"):
            c.add("etat_civil.sexe", "valeur_invalide", "Le sexe doit être F ou M.")
        prenoms = etat.get("prenoms")
        if prenoms is None or prenoms == []:
            c.add("etat_civil.prenoms", "champ_requis", "Au moins un prénom est obligatoire.")
        elif not isinstance(prenoms, list) or len(prenoms) > 10:
            c.add("etat_civil.prenoms", "type_invalide", "Les prénoms doivent être une liste (10 au plus).")
        else:
            for i, prenom in enumerate(prenoms):
                champ = f"etat_civil.prenoms.{i}"
                if not isinstance(prenom, str):
                    c.add(champ, "type_invalide", "Chaque prénom doit être du texte.")
                elif not prenom.strip():
                    c.add(champ, "champ_requis", "Un prénom ne peut pas être vide.")
                elif len(prenom) > 60 or not is_name(prenom):
                    c.add(champ, "caracteres_invalides",
                          "Un prénom ne peut contenir que des lettres, des tirets, des apostrophes et des espaces.")
        if "date_naissance" not in etat or etat.get("date_naissance") in (None, ""):
            c.add("etat_civil.date_naissance", "champ_requis", "La date de naissance est obligatoire.")
        else:
            _, code, message = parse_birth_date(etat["date_naissance"], today)
            if code:
                c.add("etat_civil.date_naissance", code, message)

    adresse = c.section(dossier, "adresse", "adresse")
    if adresse is not None:
        numero = c.text(adresse, "adresse", "numero", "numéro de voie", False, 5)
        if numero is not None and not _NUMERO_VOIE.fullmatch(numero):
            c.add("adresse.numero", "format_invalide", "Le numéro de voie ne contient que des chiffres.")
        extension = c.text(adresse, "adresse", "extension", "extension", False, 10)
        if extension is not None and not extension.isalpha():
            c.add("adresse.extension", "format_invalide", "L'extension s'écrit en lettres (bis, ter…).")
        c.text(adresse, "adresse", "type_voie", "type de voie", False, 40)
        c.text(adresse, "adresse", "nom_voie", "nom de la voie", True)
        c.text(adresse, "adresse", "complement", "complément d'adresse", False)
        cp = c.text(adresse, "adresse", "code_postal", "code postal", True, 5)
        if cp is not None and not _CODE_POSTAL.fullmatch(cp):
            c.add("adresse.code_postal", "format_invalide", "Le code postal compte 5 chiffres (2A ou 2B en Corse).")
        c.text(adresse, "adresse", "commune", "commune", True)

    contact = c.section(dossier, "contact", "contact")
    if contact is not None:
        email = c.text(contact, "contact", "email", "adresse électronique", True, 254)
        if email is not None and not _EMAIL.fullmatch(email):
            c.add("contact.email", "format_invalide", "L'adresse électronique n'est pas valide.")
        mobile = c.text(contact, "contact", "mobile", "téléphone portable", False, 20)
        if mobile is not None and not _MOBILE.fullmatch(re.sub(r"[ .]", "", mobile)):
            c.add("contact.mobile", "format_invalide",
                  "Le numéro de portable commence par 06, 07, +336 ou +337 et compte 10 chiffres.")

    photo = c.section(dossier, "photo", "photo-signature")
    if photo is not None:
        code = c.text(photo, "photo", "code", "code photo-signature", True, 22)
        if code is not None and not _PHOTO_CODE.fullmatch(code):
            c.add("photo.code", "format_invalide", "Le code photo-signature compte 22 lettres ou chiffres.")

    paiement = c.section(dossier, "paiement", "paiement")
    if paiement is not None:
        timbre = c.text(paiement, "paiement", "timbre", "numéro de timbre", True, 16)
        if timbre is not None and not _TIMBRE.fullmatch(timbre):
            c.add("paiement.timbre", "format_invalide", "Le numéro de timbre fiscal compte 16 chiffres.")

    if dossier.get("attestation_honneur") is not True:
        c.add("attestation_honneur", "attestation_requise",
              "Vous devez certifier sur l'honneur l'exactitude des informations.")
    return c.erreurs


def check_photo_code(row: dict | None, now: datetime) -> Erreur | None:
    if row is None:
        return Erreur("photo.code", "code_inconnu",
                      "Ce code photo-signature est inconnu. Vérifiez-le sur votre planche photo.")
    if row["utilise_le"]:
        return Erreur("photo.code", "code_deja_utilise",
                      "Ce code photo-signature a déjà servi. Il faut une nouvelle photo.")
    if datetime.fromisoformat(row["expire_le"]) <= now:
        return Erreur("photo.code", "code_expire",
                      "Ce code photo-signature a plus de 6 mois. Il faut une nouvelle photo.")
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
        return Erreur("paiement.timbre", "montant_incorrect",
                      f"Ce timbre vaut {euros(value)} ; cette démarche demande {euros(expected)}.")
    return None
