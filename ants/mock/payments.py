"""The timbre shop's card checks: shape and Luhn first (422), then the test
bank's answer for the card (402)."""

from __future__ import annotations

import re
from datetime import date

from .rules import Erreur

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
