"""The FranceConnect stand-in's test identities, in the spirit of
france-connect/identity-provider-example: accents, hyphens, apostrophes, very
long addresses, a gender outside male/female, a minor, a person born abroad;
and the claims each one gives (OpenID Connect's standard names)."""

from __future__ import annotations

import hashlib
from typing import Any

IDENTITIES: list[dict[str, Any]] = [
    {
        "login": "testfc1",
        "password": "123",
        "given_name": "Stéphane Louis Perceval",
        "family_name": "DUPONT",
        "preferred_username": "",
        "birthdate": "1962-08-24",
        "gender": "male",
        "birthplace": "75112",
        "birthcountry": "99100",
        "email": "stephane.dupont@fc-test.example",
        "address": {
            "street_address": "26 rue Desaix",
            "postal_code": "75015",
            "locality": "Paris",
            "country": "France",
        },
    },
    {
        "login": "Min01",
        "password": "azerty",
        "given_name": "Éléonore Marie-Françoise",
        "family_name": "ESSAI-D'ARTAGNAN DE LA VILLÉON",
        "preferred_username": "ESSAI",
        "birthdate": "1985-02-28",
        "gender": "female",
        "birthplace": "13055",
        "birthcountry": "99100",
        "email": "eleonore.essai@fc-test.example",
        "address": {
            "street_address": "Résidence des Jardins de l'Hôtel de Ville, bâtiment C, escalier 4, "
            "appartement 1207, 123 bis avenue du Maréchal de Lattre de Tassigny et de la "
            "Première Armée Française, lieu-dit Les Hauts de Sainte-Marguerite-sur-Mer",
            "postal_code": "13008",
            "locality": "Marseille",
            "country": "France",
        },
    },
    {
        "login": "Min02",
        "password": "azerty",
        "given_name": "Jean-Noël Zoé",
        "family_name": "ESSAI LE BRETON-LÓPEZ",
        "preferred_username": "",
        "birthdate": "1999-12-31",
        "gender": "male",
        "birthplace": "2A004",
        "birthcountry": "99100",
        "email": "jn.essai@fc-test.example",
        "address": {
            "street_address": "1 chemin de l'Église",
            "postal_code": "20000",
            "locality": "Ajaccio",
            "country": "France",
        },
    },
    {
        "login": "Min03",
        "password": "azerty",
        "given_name": "Camille",
        "family_name": "ESSAI",
        "preferred_username": "",
        "birthdate": "1970-01-01",
        "gender": "Indeterminate",
        "birthplace": "97302",
        "birthcountry": "99100",
        "email": "camille.essai@fc-test.example",
        "address": {
            "street_address": "4 rue Lalouette",
            "postal_code": "97300",
            "locality": "Cayenne",
            "country": "France",
        },
    },
    {
        "login": "Min04",
        "password": "azerty",
        "given_name": "Fatima-Zahra",
        "family_name": "ESSAI EL AMRANI",
        "preferred_username": "",
        "birthdate": "1978-06-15",
        "gender": "female",
        "birthplace": "",
        "birthcountry": "99350",
        "email": "fz.essai@fc-test.example",
        "address": {
            "street_address": "8 place Bellecour",
            "postal_code": "69002",
            "locality": "Lyon",
            "country": "France",
        },
    },
    {
        "login": "Min05",
        "password": "azerty",
        "given_name": "Loïc",
        "family_name": "ESSAI PETIT",
        "preferred_username": "",
        "birthdate": "2012-03-09",
        "gender": "male",
        "birthplace": "35238",
        "birthcountry": "99100",
        "email": "loic.essai@fc-test.example",
        "address": {
            "street_address": "3 quai Lamennais",
            "postal_code": "35000",
            "locality": "Rennes",
            "country": "France",
        },
    },
]


def sub_of(identity: dict) -> str:
    # FranceConnect's sub is an opaque hash, stable per person and service provider.
    return hashlib.sha256(("ants-mock:" + identity["login"]).encode()).hexdigest() + "v1"


def identity_by_sub(sub: str) -> dict | None:
    return next((i for i in IDENTITIES if sub_of(i) == sub), None)


def claims_of(sub: str) -> dict | None:
    identity = identity_by_sub(sub)
    if identity is None:
        return None
    address = identity["address"]
    return {
        "sub": sub,
        "given_name": identity["given_name"],
        "family_name": identity["family_name"],
        "preferred_username": identity["preferred_username"],
        "birthdate": identity["birthdate"],
        "gender": identity["gender"],
        "birthplace": identity["birthplace"],
        "birthcountry": identity["birthcountry"],
        "email": identity["email"],
        "address": {
            **address,
            "formatted": f"{address['street_address']} {address['postal_code']} {address['locality']}",
        },
    }


def test_identities() -> list[dict]:
    return [
        {
            "login": i["login"],
            "password": i["password"],
            "given_name": i["given_name"],
            "family_name": i["family_name"],
            "birthdate": i["birthdate"],
            "gender": i["gender"],
        }
        for i in IDENTITIES
    ]
