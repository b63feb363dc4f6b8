"""CNI and passport pré-demandes, and their status in the coordination API's shape."""

from __future__ import annotations

import re

import pytest
import requests

from ants import AntsClient, AntsRejected
from ants_builders import RDV_TOKEN, erreurs_of, person, years_ago

COORD = "/coordination/api"


def predemande(procedure: str, motif: str, born: str = "1980-05-17", **fields) -> dict:
    dossier = {
        "procedure": procedure,
        "motif": motif,
        **person(born=born),
        "naissance": {"commune": "Nancy", "pays": "France"},
    }
    dossier.update(fields)
    return dossier


def status(proc, *ids, token=RDV_TOKEN, **params):
    return requests.get(
        proc.url + COORD + "/status",
        params=[("application_ids", i) for i in ids] + list(params.items()),
        headers={"x-rdv-opt-auth-token": token},
        timeout=5,
    )


def test_cni_premiere_is_free_and_returns_a_10_character_number_validated_in_coordination(proc):
    response = proc.submit(predemande("cni-predemande", "premiere"), [])
    assert response.status_code == 201, response.text
    body = response.json()
    numero = body["numero"]
    assert re.fullmatch(r"[A-Z0-9]{10}", numero) and body["delivre"]["numero_predemande"] == numero
    assert (body["statut"], body["frais"]) == ("validee", 0.0)
    assert status(proc, numero).json() == {numero: {"status": "validated", "appointments": []}}


def test_cni_perte_needs_a_25_euro_timbre(proc):
    dossier = predemande("cni-predemande", "perte")
    assert erreurs_of(proc.submit(dossier, [])) == [("paiement", "champ_requis")]
    dossier["paiement"] = {"timbre": proc.buy("cni-predemande", "perte")}
    assert proc.submit(dossier, []).json()["frais"] == 25.0


@pytest.mark.parametrize("age, amount", [(40, 86.0), (16, 42.0), (8, 17.0)])
def test_passport_fee_follows_age(proc, age, amount):
    born = years_ago(age)
    timbre = proc.buy("passeport-predemande", "premiere", date_naissance=born)
    response = proc.submit(predemande("passeport-predemande", "premiere", born=born, paiement={"timbre": timbre}), [])
    assert response.status_code == 201, response.text
    assert response.json()["frais"] == amount


def test_passport_adult_timbre_is_refused_for_a_child(proc):
    timbre = proc.buy("passeport-predemande", "premiere")  # 86 €
    response = proc.submit(
        predemande("passeport-predemande", "renouvellement", born=years_ago(10), paiement={"timbre": timbre}), []
    )
    assert erreurs_of(response) == [("paiement.timbre", "montant_incorrect")]
    assert (
        response.json()["detail"]["erreurs"][0]["message"] == "Ce timbre vaut 86,00 € ; cette démarche demande 17,00 €."
    )


def test_predemande_accepts_no_uploaded_piece(proc):
    from ants_builders import pieces

    assert erreurs_of(proc.submit(predemande("cni-predemande", "premiere"), pieces("identite"))) == [
        ("pieces.identite", "piece_inconnue")
    ]


def test_coordination_test_ids_and_seeded_predemandes(proc):
    ids = ["SOLOCAL001", "SOLOCAL005", "SOLOCAL008", "SOLOCAL011", "DEMOCONSU1", "DEMOEXPIR1", "ABCDE12345"]
    body = status(proc, *ids).json()
    assert {k: v["status"] for k, v in body.items()} == {
        "SOLOCAL001": "validated",
        "SOLOCAL005": "declared",
        "SOLOCAL008": "consumed",
        "SOLOCAL011": "expired",
        "DEMOCONSU1": "consumed",
        "DEMOEXPIR1": "expired",
        "ABCDE12345": "unknown",
    }


def test_coordination_accepts_a_separated_list(proc):
    response = requests.get(
        proc.url + COORD + "/status",
        params={"application_ids": "SOLOCAL001,SOLOCAL010"},
        headers={"x-rdv-opt-auth-token": RDV_TOKEN},
        timeout=5,
    )
    assert set(response.json()) == {"SOLOCAL001", "SOLOCAL010"}


def test_coordination_bad_token_is_the_real_401_body(proc):
    for token in ("wrong", ""):
        response = status(proc, "SOLOCAL001", token=token)
        assert response.status_code == 401
        assert response.json() == {"detail": "X-RDV-OPT-AUTH-TOKEN header invalid"}


def test_coordination_bad_ids_are_422(proc):
    response = status(proc, "SHORT")
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "application_ids_invalides"


def test_appointments_are_recorded_then_deleted_with_a_rowcount(proc):
    numero = proc.submit(predemande("cni-predemande", "renouvellement"), []).json()["numero"]
    appointment = {
        "application_id": numero,
        "meeting_point": "Mairie de Seclin",
        "meeting_point_id": "201",
        "appointment_date": "2030-01-15 10:00:00",
        "management_url": "https://rdv.example/gerer/1",
    }
    headers = {"x-rdv-opt-auth-token": RDV_TOKEN}
    response = requests.post(proc.url + COORD + "/appointments", params=appointment, headers=headers, timeout=5)
    assert response.json() == {"success": True}
    assert status(proc, numero).json()[numero]["appointments"] == [
        {
            "management_url": "https://rdv.example/gerer/1",
            "meeting_point": "Mairie de Seclin",
            "meeting_point_id": "201",
            "appointment_date": "2030-01-15 10:00:00",
        }
    ]
    assert status(proc, numero, meeting_point_id="999").json()[numero]["appointments"] == []
    del appointment["management_url"]
    assert requests.delete(
        proc.url + COORD + "/appointments", params=appointment, headers=headers, timeout=5
    ).json() == {"rowcount": 1}
    assert requests.delete(
        proc.url + COORD + "/appointments", params=appointment, headers=headers, timeout=5
    ).json() == {"rowcount": 0}
    consumed = {**appointment, "application_id": "SOLOCAL007", "management_url": "x"}
    assert requests.post(proc.url + COORD + "/appointments", params=consumed, headers=headers, timeout=5).json() == {
        "success": False
    }


def test_agent_filing_a_predemande_consumes_it(proc):
    numero = proc.submit(predemande("cni-predemande", "premiere"), []).json()["numero"]
    assert proc.move(numero, "en_production").status_code == 200
    assert status(proc, numero).json()[numero]["status"] == "consumed"


def test_client_predemande_status(proc):
    client = AntsClient(proc.url, retries=0, backoff_factor=0)
    assert client.predemande_status(["SOLOCAL002"], RDV_TOKEN)["SOLOCAL002"]["status"] == "validated"
    client.open_session()
    with pytest.raises(AntsRejected) as raised:
        client.predemande_status(["SOLOCAL002"], "nope")
    assert raised.value.status == 401
    assert client.has_session is True  # not our session's 401
    client.close()
