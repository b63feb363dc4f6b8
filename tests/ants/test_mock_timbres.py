"""The mock as timbre shop and photo booth (training endpoints)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests

from ants_builders import ACCEPTED_CARD, EXPIRED_CARD, REFUSED_CARD


def buy(ants, **change):
    body = {
        "motif": "perte",
        "code_postal": "75011",
        "carte": ACCEPTED_CARD,
        "expiration": "12/39",
        "cryptogramme": "123",
        **change,
    }
    return requests.post(ants.url + "/api/v1/timbres", json=body, timeout=5)


@pytest.mark.parametrize(
    "motif, code_postal, montant",
    [("perte", "75011", 25.0), ("vol", "13001", 25.0), ("deterioration", "2B033", 25.0), ("perte", "97300", 12.5)],
)
def test_accepted_card_buys_a_timbre(ants, motif, code_postal, montant):
    response = buy(ants, motif=motif, code_postal=code_postal, carte="4970 1000 0000 0014")
    assert response.status_code == 201
    assert re.fullmatch(r"\d{16}", response.json()["numero"])
    assert response.json()["montant"] == montant


@pytest.mark.parametrize(
    "change, status, code, champ",
    [
        ({"carte": REFUSED_CARD}, 402, "paiement_refuse", "carte"),
        ({"carte": EXPIRED_CARD}, 402, "carte_expiree", "carte"),
        ({"expiration": "01/20"}, 402, "carte_expiree", "expiration"),
        ({"carte": "4970100000000063"}, 402, "carte_inconnue", "carte"),
    ],
)
def test_bank_refusals_are_402(ants, change, status, code, champ):
    response = buy(ants, **change)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert detail["code"] == code
    assert [(e["champ"], e["code"]) for e in detail["erreurs"]] == [(champ, code)]


def test_refused_card_message(ants):
    assert (
        buy(ants, carte=REFUSED_CARD).json()["detail"]["message"]
        == "Le paiement a été refusé par votre banque. Utilisez une autre carte."
    )


@pytest.mark.parametrize(
    "change, erreurs",
    [
        ({"carte": "4970100000000000"}, [("carte", "carte_invalide")]),  # fails Luhn
        ({"carte": "49701"}, [("carte", "carte_invalide")]),
        (
            {"expiration": "13/30", "cryptogramme": "12"},
            [("expiration", "format_invalide"), ("cryptogramme", "format_invalide")],
        ),
        (
            {"motif": "renouvellement", "code_postal": "7501"},
            [("motif", "motif_invalide"), ("code_postal", "format_invalide")],
        ),
    ],
)
def test_malformed_payment_is_422(ants, change, erreurs):
    response = buy(ants, **change)
    assert response.status_code == 422
    # Well formed for the schema, refused by the shop's rules: not the schema's requete_invalide.
    assert response.json()["detail"]["code"] == "paiement_invalide"
    assert [(e["champ"], e["code"]) for e in response.json()["detail"]["erreurs"]] == erreurs


def test_missing_or_mistyped_fields_are_422(ants):
    response = requests.post(
        ants.url + "/api/v1/timbres", json={"motif": "perte", "carte": 4970100000000014}, timeout=5
    )
    assert response.status_code == 422
    assert sorted((e["champ"], e["code"]) for e in response.json()["detail"]["erreurs"]) == [
        ("carte", "type_invalide"),
        ("code_postal", "champ_requis"),
        ("cryptogramme", "champ_requis"),
        ("expiration", "champ_requis"),
    ]


def test_malformed_json_is_400(ants):
    response = requests.post(
        ants.url + "/api/v1/timbres", data=b"{motif:", timeout=5, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"]["code"] == "json_invalide"


def test_booth_makes_a_fresh_22_character_code_valid_6_months(ants):
    response = requests.post(ants.url + "/api/v1/formation/photo-codes", timeout=5)
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"[A-Z0-9]{22}", body["code"])
    expires = datetime.fromisoformat(body["expire_le"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=183))) < timedelta(minutes=1)


def test_demo_lists_seeded_codes_and_timbres(ants):
    demo = requests.get(ants.url + "/api/v1/formation/demo", timeout=5).json()
    assert set(demo) == {
        "photo_codes",
        "timbres",
        "vehicules",
        "nephs",
        "predemandes",
        "identites_franceconnect",
        "comptes",
        "coordination_test_ids",
    }
    assert [v["immatriculation"] for v in demo["vehicules"]][:3] == ["AB-123-CD", "EF-456-GH", "123 ABC 75"]
    assert {p["etat"] for p in demo["predemandes"]} == {"validated", "declared", "consumed", "expired"}
    assert all(re.fullmatch(r"[A-Z0-9]{22}", c["code"]) for c in demo["photo_codes"])
    assert all(re.fullmatch(r"\d{16}", t["numero"]) for t in demo["timbres"])
    assert {t["montant"] for t in demo["timbres"]} == {25.0, 12.5}
