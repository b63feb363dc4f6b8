"""Carte grise procedures over HTTP: cession → code → changement de titulaire,
changement d'adresse (SIV and old FNI plates), duplicata."""

from __future__ import annotations

import re

import pytest
import requests

from ants import AntsClient, AntsRejected
from ants_builders import days_ago, erreurs_of, person, pieces


def cg(procedure: str, vehicle: dict, with_code: bool = True, **fields) -> dict:
    dossier = {"procedure": procedure, **person(nom=vehicle["titulaire_nom"])}
    dossier["vehicule"] = {"immatriculation": vehicle["immatriculation"], "numero_formule": vehicle["numero_formule"]}
    if with_code:
        dossier["vehicule"]["code_confidentiel"] = vehicle["code_confidentiel"]
    dossier.update(fields)
    return dossier


def cession(vehicle: dict, **fields) -> dict:
    return cg(
        "cg-cession",
        vehicle,
        date_cession=days_ago(2),
        acquereur={"nom": "MARTIN", "prenom": "Léa"},
        kilometrage=84000,
        **fields,
    )


CESSION_PIECES = ("certificat_cession", "certificat_situation", "carte_grise")


def test_cession_then_changement_de_titulaire_with_franceconnect(proc):
    vehicle = proc.vehicle(titulaire_nom="DUPONT", age_ans=6, puissance_fiscale=6)
    response = proc.submit(cession(vehicle), pieces(*CESSION_PIECES))
    assert erreurs_of(response) == [("pieces.controle_technique", "piece_manquante")]  # over 4 years old
    response = proc.submit(
        cession(vehicle, pieces_dates={"certificat_situation": days_ago(3)}),
        pieces(*CESSION_PIECES, "controle_technique"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["statut"] == "validee"
    code = body["delivre"]["code_cession"]
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    assert (
        proc.submit(cession(vehicle), pieces(*CESSION_PIECES, "controle_technique")).json()["detail"]["erreurs"][0][
            "code"
        ]
        == "vehicule_deja_cede"
    )

    client = AntsClient(proc.url, retries=0, backoff_factor=0)
    assert client.check_code_cession(vehicle["immatriculation"], code)["valide"] is True

    buyer = {
        "procedure": "cg-changement-titulaire",
        **person(nom="MARTIN", prenoms=["Léa"]),
        "vehicule": {"immatriculation": vehicle["immatriculation"]},
        "code_cession": code,
    }
    files = pieces("identite", "domicile", "carte_grise", "attestation_assurance", "controle_technique")
    guest = proc.submit({**buyer, "paiement": {"timbre": "1" * 16}}, files)
    assert ("session", "franceconnect_requis") in erreurs_of(guest)

    fc = proc.fc_token("Min01", "azerty")
    amount = 6 * 42 + 11 + 2.76
    timbre = proc.buy("cg-changement-titulaire", immatriculation=vehicle["immatriculation"])
    response = proc.submit({**buyer, "paiement": {"timbre": timbre}}, files, token=fc)
    assert response.status_code == 201, response.text
    assert response.json()["frais"] == pytest.approx(amount)
    assert "cpi_valable_jusquau" in response.json()["delivre"]
    assert client.check_code_cession(vehicle["immatriculation"], code) == {
        "valide": False,
        "raison": "code_cession_deja_utilise",
        "valable_jusquau": body["delivre"]["valable_jusquau"],
    }
    again = proc.submit(
        {
            **buyer,
            "paiement": {"timbre": proc.buy("cg-changement-titulaire", immatriculation=vehicle["immatriculation"])},
        },
        files,
        token=fc,
    )
    assert ("code_cession", "code_cession_deja_utilise") in erreurs_of(again)
    with pytest.raises(AntsRejected) as raised:
        client.check_code_cession(vehicle["immatriculation"], "ZZZZZZZZ")
    assert raised.value.code == "code_cession_invalide"
    client.close()


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"vehicule": {"code_confidentiel": "00000"}}, ("vehicule.code_confidentiel", "code_incorrect")),
        ({"vehicule": {"code_confidentiel": ""}}, ("vehicule.code_confidentiel", "champ_requis")),
        ({"vehicule": {"numero_formule": "2009AB1234"}}, ("vehicule.numero_formule", "format_invalide")),
        ({"vehicule": {"numero_formule": "2009AB12345"}}, ("vehicule.numero_formule", "formule_incorrecte")),
        ({"vehicule": {"immatriculation": "AB123"}}, ("vehicule.immatriculation", "format_invalide")),
        ({"vehicule": {"immatriculation": "ZZ-999-ZZ"}}, ("vehicule.immatriculation", "vehicule_inconnu")),
        ({"date_cession": days_ago(20)}, ("date_cession", "delai_depasse")),
        ({"etat_civil": {"nom_naissance": "MARTIN"}}, ("etat_civil.nom_naissance", "titulaire_different")),
        (
            {"pieces_dates": {"certificat_situation": days_ago(20)}},
            ("pieces_dates.certificat_situation", "piece_trop_ancienne"),
        ),
    ],
)
def test_cession_refusals(proc, change, expected):
    vehicle = proc.vehicle(age_ans=1)
    dossier = cession(vehicle)
    for key, value in change.items():
        if isinstance(value, dict):
            dossier.setdefault(key, {}).update(value)
        else:
            dossier[key] = value
    assert erreurs_of(proc.submit(dossier, pieces(*CESSION_PIECES))) == [expected]


def test_cession_with_franceconnect_needs_no_code_confidentiel(proc):
    vehicle = proc.vehicle(titulaire_nom="DUPONT", age_ans=1)
    dossier = cession(vehicle)
    del dossier["vehicule"]["code_confidentiel"]
    response = proc.submit(dossier, pieces(*CESSION_PIECES), token=proc.fc_token())
    assert response.status_code == 201, response.text


def test_changement_adresse_siv_is_free_and_fni_gets_a_new_number(proc):
    siv = proc.vehicle(age_ans=2)
    body = proc.submit(cg("cg-changement-adresse", siv), pieces("domicile")).json()
    assert (body["statut"], body["frais"], body["delivre"]) == (
        "en_instruction",
        0.0,
        {"etiquette": "envoyée par courrier à la nouvelle adresse"},
    )

    fni = proc.vehicle(ancien_numero=True, age_ans=20)
    assert re.fullmatch(r"\d{4} [A-Z]{2} \d{2}", fni["immatriculation"])
    dossier = cg("cg-changement-adresse", fni)
    assert erreurs_of(proc.submit(dossier, pieces("domicile"))) == [("paiement", "champ_requis")]
    dossier["paiement"] = {"timbre": proc.buy("cg-changement-adresse", immatriculation=fni["immatriculation"])}
    body = proc.submit(dossier, pieces("domicile")).json()
    assert body["frais"] == 2.76
    assert re.fullmatch(r"[A-Z]{2}-\d{3}-[A-Z]{2}", body["delivre"]["nouvelle_immatriculation"])


@pytest.mark.parametrize(
    "motif, extra", [("perte", []), ("vol", ["recepisse_vol"]), ("deterioration", ["carte_grise"])]
)
def test_duplicata_cg(proc, motif, extra):
    vehicle = proc.vehicle()
    dossier = cg("cg-duplicata", vehicle, motif=motif)
    dossier["paiement"] = {"timbre": proc.buy("cg-duplicata", motif, immatriculation=vehicle["immatriculation"])}
    if extra:
        assert erreurs_of(proc.submit(dossier, pieces("identite"))) == [(f"pieces.{extra[0]}", "piece_manquante")]
    response = proc.submit(dossier, pieces("identite", *extra))
    assert response.status_code == 201, response.text
    assert response.json()["frais"] == 13.76


def test_seeded_vehicle_is_listed_with_its_codes(proc):
    demo = requests.get(proc.url + "/api/v1/formation/demo", timeout=5).json()
    first = demo["vehicules"][0]
    assert (first["immatriculation"], first["numero_formule"], first["code_confidentiel"]) == (
        "AB-123-CD",
        "2021AB12345",
        "12345",
    )
