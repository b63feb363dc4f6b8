"""The timbre shop's sale: the amount the procedure asks for, the card checks
(shape and Luhn first, 422), then the test bank's answer for the card (402).
The JSON endpoint (``/api/v1/timbres``, training tools) and the shop's HTML page
(:mod:`.timbre_shop`, where a kiosk user types their card) both sell here."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from . import identifiers, procedures, rules, seed
from .errors import ApiError
from .rules import Erreur
from .store import utcnow

_CARD = re.compile(r"\d{13,19}")
_EXPIRATION = re.compile(r"(0[1-9]|1[0-2])/(\d{2})")
_CVV = re.compile(r"\d{3}")


def luhn_ok(number: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(number)):
        digit = int(char)
        if i % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def check_card_fields(carte: str, expiration: str, cryptogramme: str) -> list[Erreur]:
    erreurs = []
    carte = carte.replace(" ", "")
    if not _CARD.fullmatch(carte) or not luhn_ok(carte):
        erreurs.append(Erreur("carte", "carte_invalide", "Le numéro de carte n'est pas valide. Vérifiez les chiffres."))
    if not _EXPIRATION.fullmatch(expiration):
        erreurs.append(
            Erreur("expiration", "format_invalide", "La date d'expiration s'écrit MM/AA, par exemple 09/27.")
        )
    if not _CVV.fullmatch(cryptogramme):
        erreurs.append(
            Erreur("cryptogramme", "format_invalide", "Le cryptogramme compte les 3 chiffres au dos de la carte.")
        )
    return erreurs


def bank_answer(carte: str, expiration: str, today: date, test_cards: dict[str, str]) -> Erreur | None:
    """None when the payment goes through, else the refusal (HTTP 402)."""
    carte = carte.replace(" ", "")
    found = _EXPIRATION.fullmatch(expiration)
    if found is None:
        raise ValueError("bank_answer takes an expiration that check_card_fields accepted")
    month, year = found.groups()
    if (2000 + int(year), int(month)) < (today.year, today.month):
        return Erreur("expiration", "carte_expiree", "Cette carte est expirée. Utilisez une autre carte.")
    outcome = test_cards.get(carte)
    if outcome == "acceptee":
        return None
    if outcome == "expiree":
        return Erreur("carte", "carte_expiree", "Cette carte est expirée. Utilisez une autre carte.")
    if outcome == "refusee":
        return Erreur(
            "carte", "paiement_refuse", "Le paiement a été refusé par votre banque. Utilisez une autre carte."
        )
    return Erreur("carte", "carte_inconnue", "Cette carte n'est pas une carte de test de la borne de formation.")


def quote(deps, achat: dict[str, Any]) -> tuple[Decimal, list[Erreur]]:
    """The timbre's amount for this purchase (procedure, motif, place, age, vehicle), and
    what is wrong with the purchase itself (the card aside)."""
    store, settings = deps.store, deps.settings
    erreurs = []
    motif = achat.get("motif") or ""
    proc = procedures.get(achat.get("procedure") or "")
    if proc is None:
        erreurs.append(Erreur("procedure", "procedure_inconnue", "Cette démarche n'est pas proposée ici."))
    elif proc.motifs and motif not in proc.motifs:
        if proc.motifs.keys() == rules.MOTIFS:
            erreurs.append(Erreur("motif", "motif_invalide", "Le motif doit être perte, vol ou détérioration."))
        else:
            erreurs.append(Erreur("motif", "motif_invalide", "Le motif doit être : " + ", ".join(proc.motifs)))
    if not rules.is_code_postal(achat.get("code_postal") or ""):
        erreurs.append(
            Erreur("code_postal", "format_invalide", "Le code postal compte 5 chiffres (2A ou 2B en Corse).")
        )
    facts: dict[str, Any] = {"motif": motif, "code_postal": achat.get("code_postal"), "age": None, "vehicule": None}
    if achat.get("date_naissance"):
        born, code, message = rules.parse_birth_date(achat["date_naissance"], date.today(), 0)
        if born is None:
            erreurs.append(Erreur("date_naissance", code, message))
        else:
            facts["age"] = rules.age_on(born, date.today())
    if proc is not None and proc.famille == "carte-grise":
        vehicle = store.vehicule(identifiers.plate_key(achat.get("immatriculation") or ""))
        if vehicle is None:
            erreurs.append(
                Erreur("immatriculation", "vehicule_inconnu", "Indiquez l'immatriculation d'un véhicule connu.")
            )
        facts["vehicule"] = vehicle
    if proc is None or erreurs:
        return Decimal(0), erreurs
    return Decimal(proc.fee(settings, facts)).quantize(Decimal("0.01")), erreurs


def sell_timbre(deps, achat: dict[str, Any]) -> dict:
    """Sell a timbre électronique: ``{"numero", "montant"}``, or ApiError 422 (the purchase
    or the card's fields) / 402 (the bank's refusal)."""
    store, settings = deps.store, deps.settings
    amount, erreurs = quote(deps, achat)
    erreurs += check_card_fields(
        achat.get("carte") or "", achat.get("expiration") or "", achat.get("cryptogramme") or ""
    )
    if erreurs:
        raise ApiError(422, "paiement_invalide", "Le paiement n'a pas pu être fait.", erreurs)
    if amount <= 0:
        raise ApiError(
            422,
            "demarche_gratuite",
            "Cette démarche est gratuite : aucun timbre n'est nécessaire.",
            [Erreur("procedure", "demarche_gratuite", "Cette démarche est gratuite.")],
        )
    refus = bank_answer(achat["carte"], achat["expiration"], date.today(), settings.test_cards)
    if refus:
        raise ApiError(402, refus.code, refus.message, [refus])
    while True:
        numero = seed.new_timbre_numero()
        if not store.exists("timbres", "numero", numero):
            break
    store.add_timbre(numero, amount, achat.get("motif") or achat["procedure"], utcnow(), settings.timbre_validity_days)
    return {"numero": numero, "montant": float(amount)}
