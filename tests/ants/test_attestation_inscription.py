"""The attestation d'inscription au permis (équivalent Cerfa réf. 02, seed 004): a 2-page PDF
for the session that filed a permis-inscription, once it is in instruction; and the client's
typed errors around it."""

from __future__ import annotations

import subprocess

import pytest
import requests

from ants import AntsClient, AntsRejected, AntsSessionExpired, AntsUnavailable
from ants_builders import pieces

PATH = "/api/v1/demandes/{}/attestation-inscription"


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *pages, "-", "-"], input=pdf, capture_output=True, check=True, timeout=30
    ).stdout.decode()


def page_count(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def inscription(proc, token: str, **fields) -> dict:
    dossier = proc.permis(
        "permis-inscription", categorie="A2", premiere_categorie=True, nationalite_francaise=True, **fields
    )
    dossier["etat_civil"]["nom_naissance"] = "Lefèvre"
    response = proc.submit(dossier, pieces("identite", "domicile"), token=token)
    assert response.status_code == 201, response.text
    return response.json()


def fetch(proc, numero: str, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(proc.url + PATH.format(numero), headers=headers, timeout=20)


def refusal(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["detail"]["code"]


def test_the_owner_gets_a_two_page_pdf_recto_the_attestation_verso_its_use(proc):
    token = proc.token()
    demande = inscription(proc, token)
    response = fetch(proc, demande["numero"], token)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    pdf = response.content
    assert page_count(pdf) == 2
    recto, verso = pdf_text(pdf, 1), pdf_text(pdf, 2)
    neph = demande["delivre"]["neph"]
    for expected in (
        "Attestation d'inscription au permis de conduire",
        "Cerfa réf. 02",
        demande["numero"],
        neph,
        "LEFÈVRE",
        "Marie, Élodie",
        "17/05/1980",
        "Catégorie demandée",
        "A2",
        "Instruite depuis le",
    ):
        assert expected in recto, expected
    assert "recto-verso sur une seule feuille" in " ".join(verso.split())
    assert "À présenter à l'inspecteur" in verso and "pièce d'identité" in verso
    assert neph in verso and "LEFÈVRE" not in verso


def test_only_the_session_that_filed_it_may_fetch_it(proc):
    token = proc.token()
    numero = inscription(proc, token)["numero"]
    assert refusal(fetch(proc, numero, proc.token())) == (403, "demande_d_un_autre_usager")
    assert refusal(fetch(proc, numero, None)) == (401, "session_invalide")
    assert refusal(fetch(proc, "2099-XXXXXXXX", token)) == (404, "demande_inconnue")
    # An account's demande: any session of that account, no one else's.
    owner = proc.fc_token()
    numero = inscription(proc, owner)["numero"]
    assert fetch(proc, numero, proc.fc_token()).status_code == 200
    assert refusal(fetch(proc, numero, proc.token())) == (403, "demande_d_un_autre_usager")


def test_another_procedure_has_no_attestation(proc):
    token = proc.token()
    dossier = proc.dossier()  # permis perdu
    response = proc.submit(dossier, token=token)
    assert response.status_code == 201, response.text
    assert refusal(fetch(proc, response.json()["numero"], token)) == (409, "attestation_non_prevue")


def test_before_instruction_and_once_rejected_there_is_none(proc):
    token = proc.token()
    draft = proc.submit({**proc.permis("permis-inscription"), "brouillon": True}, [], token=token)
    assert draft.json()["statut"] == "brouillon"
    response = fetch(proc, draft.json()["numero"], token)
    assert refusal(response) == (409, "statut_incompatible")
    assert "« brouillon »" in response.json()["detail"]["message"]

    numero = inscription(proc, token)["numero"]
    assert proc.move(numero, "validee").status_code == 200
    assert fetch(proc, numero, token).status_code == 200  # still valid once validated

    numero = inscription(proc, token)["numero"]
    assert proc.move(numero, "rejetee", motif="Pièce d'identité illisible.").status_code == 200
    assert refusal(fetch(proc, numero, token)) == (409, "statut_incompatible")


def test_openapi_declares_a_pdf_answer(proc):
    spec = requests.get(proc.url + "/openapi.json", timeout=5).json()
    operation = spec["paths"]["/api/v1/demandes/{numero}/attestation-inscription"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["application/pdf"]
    assert operation["security"] == [{"HTTPBearer": []}]


# -- the client ------------------------------------------------------------------------


def test_client_fetches_the_pdf_of_its_own_demande(client, proc):
    client.open_session()
    dossier = proc.permis("permis-inscription", categorie="B", premiere_categorie=True, nationalite_francaise=False)
    created = client.submit_demande(dossier, pieces("identite", "domicile", "titre_sejour"))
    pdf = client.attestation_inscription(created.numero)
    assert pdf.startswith(b"%PDF-") and created.delivre["neph"] in pdf_text(pdf)


def test_client_errors_are_typed(client, proc, mock_backend):
    with pytest.raises(AntsSessionExpired):
        client.attestation_inscription("2099-XXXXXXXX")  # no session opened
    client.open_session()
    with pytest.raises(AntsRejected) as refused:
        client.attestation_inscription("2099-XXXXXXXX")
    assert (refused.value.status, refused.value.code) == (404, "demande_inconnue")
    assert refused.value.message_fr == "Aucune demande ne porte ce numéro."

    created = client.submit_demande(proc.dossier(), pieces("identite", "domicile"))
    with pytest.raises(AntsRejected) as refused:
        client.attestation_inscription(created.numero)
    assert (refused.value.status, refused.value.code) == (409, "attestation_non_prevue")


def test_an_injected_outage_applies_to_it(proc, mock_backend):
    client = AntsClient(mock_backend.url, retries=1, backoff_factor=0)
    try:
        client.open_session()
        dossier = proc.permis("permis-inscription", categorie="B", premiere_categorie=True, nationalite_francaise=False)
        numero = client.submit_demande(dossier, pieces("identite", "domicile", "titre_sejour")).numero
        proc.faults(statut=503, nombre=1, methode="GET", chemin=PATH.format(numero))
        assert client.attestation_inscription(numero).startswith(b"%PDF-")  # retried once: a GET
        proc.faults(statut=503, nombre=2, methode="GET", chemin=PATH.format(numero))
        with pytest.raises(AntsUnavailable) as down:
            client.attestation_inscription(numero)
        assert (down.value.status, down.value.code) == (503, "panne_simulee")
    finally:
        proc.clear_faults()
        client.close()
