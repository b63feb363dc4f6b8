"""The agents' portal and the lifecycle: brouillon → en attente de paiement →
en instruction ⇄ demande de complément → validée → en production → expédiée →
distribuée, or rejetée; the user's answer to a complément; every step in the history."""

from __future__ import annotations

import pytest
import requests

from ants import AntsClient, AntsRejected, PieceFile
from ants_builders import days_ago, jpeg_bytes, pdf_bytes, pieces


def perte(proc, nom="DUPONT", prenoms=("Marie",), born="1980-05-17", motif="perte", **fields):
    dossier = proc.permis("permis-perte", motif=motif, paiement={"timbre": proc.buy("permis-perte", motif)}, **fields)
    dossier["etat_civil"].update(nom_naissance=nom, prenoms=list(prenoms), date_naissance=born)
    return dossier


def submitted(proc, dossier, files=None, token=None) -> str:
    response = proc.submit(dossier, files or pieces("identite", "domicile"), token=token)
    assert response.status_code == 201, response.text
    return response.json()["numero"]


def statuts(proc, numero):
    return [h["statut"] for h in requests.get(f"{proc.url}/api/v1/demandes/{numero}", timeout=5).json()["historique"]]


def test_agent_endpoints_need_the_agent_token(proc):
    for token in ("", "wrong"):
        response = proc.agent("GET", "/demandes", token=token)
        assert response.status_code == 401 and response.json()["detail"]["code"] == "agent_non_autorise"


def test_search_by_nom_prenom_date_numero_motif_statut(proc):
    numero = submitted(
        proc,
        perte(proc, nom="CORNEILLE", prenoms=("Pierre", "Jean"), born="1956-01-01", motif="vol"),
        pieces("identite", "domicile", "recepisse_vol"),
    )
    submitted(proc, perte(proc, nom="CORNEILLE", prenoms=("Paul",), born="1960-02-02"))
    found = proc.agent("GET", "/demandes", params={"nom": "corneille", "prenom": "Jean"}).json()
    assert [d["numero"] for d in found["demandes"]] == [numero]
    row = found["demandes"][0]
    assert {k: row[k] for k in ("nom", "prenoms", "date_naissance", "motif", "statut", "procedure")} == {
        "nom": "CORNEILLE",
        "prenoms": "Pierre Jean",
        "date_naissance": "1956-01-01",
        "motif": "vol",
        "statut": "en_instruction",
        "procedure": "permis-perte",
    }
    for params in (
        {"date_naissance": "1956-01-01", "nom": "CORNEILLE"},
        {"numero": numero},
        {"nom": "CORNEILLE", "motif": "vol"},
        {"nom": "CORNEILLE", "statut": "en_instruction", "prenom": "Pierre"},
    ):
        assert [d["numero"] for d in proc.agent("GET", "/demandes", params=params).json()["demandes"]] == [numero]
    assert proc.agent("GET", "/demandes", params={"nom": "CORNEILLE", "statut": "validee"}).json()["nombre"] == 0


def test_consult_a_dossier_and_its_pieces(proc):
    files = [
        PieceFile("identite", "cni.pdf", "application/pdf", pdf_bytes(2)),
        PieceFile("domicile", "facture.jpg", "image/jpeg", jpeg_bytes()),
    ]
    numero = submitted(proc, perte(proc), files)
    dossier = proc.agent("GET", f"/demandes/{numero}").json()
    assert dossier["dossier"]["etat_civil"]["nom_naissance"] == "DUPONT"
    assert [(p["piece_id"], p["format"], p["pages"], p["libelle"]) for p in dossier["pieces"]] == [
        ("identite", "pdf", 2, "pièce d'identité"),
        ("domicile", "jpeg", 1, "justificatif de domicile"),
    ]
    raw = proc.agent("GET", dossier["pieces"][0]["url"].removeprefix("/api/v1/agent"))
    assert raw.headers["content-type"] == "application/pdf" and raw.content == files[0].data
    assert proc.agent("GET", f"/demandes/{numero}/pieces/999999").status_code == 404


def test_complement_round_trip_then_validation_to_distribution(proc, mock_backend):
    client = AntsClient(mock_backend.url, retries=0, backoff_factor=0)
    client.open_session()
    timbre = client.buy_timbre("perte", "75011", "4970100000000014", "12/39", "123").numero
    dossier = perte(proc)
    dossier["paiement"]["timbre"] = timbre
    created = client.submit_demande(dossier, pieces("identite", "domicile"))

    response = proc.move(
        created.numero, "complement_demande", message="Justificatif de domicile illisible.", pieces=["domicile"]
    )
    assert response.status_code == 200, response.text
    suivi = client.suivi(created.numero)
    assert suivi["statut"] == "complement_demande"
    assert suivi["complement"] == {"message": "Justificatif de domicile illisible.", "pieces": ["domicile"]}

    with pytest.raises(AntsRejected) as wrong:
        client.answer_complement(created.numero, pieces("identite"))
    assert [(e.champ, e.code) for e in wrong.value.erreurs] == [
        ("pieces.identite", "piece_inconnue"),
        ("pieces.domicile", "piece_manquante"),
    ]
    with pytest.raises(AntsRejected) as old:
        client.answer_complement(created.numero, pieces("domicile"), {"domicile": "2019-01-01"})
    assert old.value.erreurs[0].code == "piece_trop_ancienne"
    assert (
        client.answer_complement(created.numero, pieces("domicile"), {"domicile": days_ago(5)})["statut"]
        == "en_instruction"
    )
    consult = proc.agent("GET", f"/demandes/{created.numero}").json()
    assert [p["lot"] for p in consult["pieces"]] == [0, 0, 1]

    for statut in ("validee", "en_production", "expediee", "distribuee"):
        assert proc.move(created.numero, statut).status_code == 200
    history = client.suivi(created.numero)["historique"]
    assert [h["statut"] for h in history] == [
        "en_instruction",
        "complement_demande",
        "en_instruction",
        "validee",
        "en_production",
        "expediee",
        "distribuee",
    ]
    assert history[1]["commentaire"] == "Demande suspendue : Justificatif de domicile illisible."
    assert all(h["date"] for h in history)
    client.logout()
    client.close()


def test_complement_needs_a_session_and_the_right_statut(proc, client):
    numero = submitted(proc, perte(proc))
    client.open_session()
    with pytest.raises(AntsRejected) as raised:
        client.answer_complement(numero, pieces("domicile"))
    assert (raised.value.status, raised.value.code) == (409, "statut_incompatible")
    anonymous = requests.post(
        f"{proc.url}/api/v1/demandes/{numero}/complements",
        files=[("piece:domicile", ("d.jpg", jpeg_bytes(), "image/jpeg"))],
        timeout=5,
    )
    assert anonymous.status_code == 401


def test_an_account_demande_is_answered_only_by_its_account(proc, mock_backend):
    owner = AntsClient(mock_backend.url, retries=0, backoff_factor=0)
    owner.login("demo@ants-mock.test", "Demo2016!")
    created = owner.submit_demande(perte(proc), pieces("identite", "domicile"))
    proc.move(created.numero, "complement_demande", message="Photo de la CNI floue.", pieces=["identite"])
    stranger = AntsClient(mock_backend.url, retries=0, backoff_factor=0)
    stranger.open_session()
    with pytest.raises(AntsRejected) as raised:
        stranger.answer_complement(created.numero, pieces("identite"))
    assert (raised.value.status, raised.value.code) == (403, "demande_d_un_autre_usager")
    assert owner.answer_complement(created.numero, pieces("identite"))["statut"] == "en_instruction"
    owner.close()
    stranger.close()


def test_reject_needs_a_reason_and_ends_the_lifecycle(proc):
    numero = submitted(proc, perte(proc))
    response = proc.move(numero, "rejetee")
    assert response.status_code == 422 and response.json()["detail"]["erreurs"][0]["champ"] == "motif"
    assert proc.move(numero, "rejetee", motif="Pièce d'identité expirée depuis plus de 5 ans.").status_code == 200
    assert statuts(proc, numero) == ["en_instruction", "rejetee"]
    conflict = proc.move(numero, "validee")
    assert conflict.status_code == 409 and conflict.json()["detail"]["code"] == "statut_incompatible"
    history = requests.get(f"{proc.url}/api/v1/demandes/{numero}", timeout=5).json()["historique"]
    assert history[-1]["commentaire"] == "Demande rejetée : Pièce d'identité expirée depuis plus de 5 ans."


@pytest.mark.parametrize(
    "body, champ",
    [
        ({"statut": "distribue"}, "statut"),
        ({"statut": "complement_demande", "pieces": ["domicile"]}, "message"),
        ({"statut": "complement_demande", "message": "x"}, "pieces"),
    ],
)
def test_malformed_transitions(proc, body, champ):
    numero = submitted(proc, perte(proc))
    response = proc.agent("POST", f"/demandes/{numero}/transitions", json=body)
    assert response.status_code == 422
    assert [e["champ"] for e in response.json()["detail"]["erreurs"]] == [champ]


def test_production_only_after_validation(proc):
    numero = submitted(proc, perte(proc))
    assert proc.move(numero, "expediee").status_code == 409
    assert proc.agent("POST", "/demandes/PC2099NOPE/transitions", json={"statut": "validee"}).status_code == 404


def test_deferred_payment_then_paid(proc, client):
    dossier = perte(proc)
    dossier["paiement"] = {"differe": True}
    client.open_session()
    created = client.submit_demande(dossier, pieces("identite", "domicile"))
    assert created.statut == "en_attente_paiement" and created.frais == 25
    with pytest.raises(AntsRejected) as wrong:
        client.pay_demande(created.numero, proc.buy("passeport-predemande", "premiere"))
    assert wrong.value.erreurs[0].code == "montant_incorrect"
    assert client.pay_demande(created.numero, proc.buy("permis-perte", "perte"))["statut"] == "en_instruction"
    assert statuts(proc, created.numero) == ["en_attente_paiement", "en_instruction"]


def test_brouillon_then_filed(proc, client):
    client.open_session()
    draft = client.save_draft({"procedure": "permis-fin-validite", "etat_civil": {"nom_naissance": "DUPONT"}})
    assert draft.statut == "brouillon"
    dossier = proc.permis("permis-fin-validite", neph=proc.neph(), categories=["B"])
    filed = client.file_draft(draft.numero, dossier, pieces("identite", "domicile", "avis_medical"))
    assert (filed.numero, filed.statut) == (draft.numero, "en_instruction")
    assert statuts(proc, draft.numero) == ["brouillon", "en_instruction"]
    with pytest.raises(AntsRejected) as again:
        client.file_draft(draft.numero, dossier, pieces("identite", "domicile", "avis_medical"))
    assert again.value.status == 409


def test_photo_code_images(proc, client):
    code = client.new_photo_code()
    photo, signature = client.photo_images(code)
    assert photo.startswith(b"\x89PNG") and signature.startswith(b"\x89PNG")
    assert client.photo_images(code.lower()) == (photo, signature)  # deterministic per code
    for bad, status in (("A" * 22, 404), ("short", 422)):
        assert requests.get(f"{proc.url}/api/v1/photo-codes/{bad}/photo.png", timeout=5).status_code == status


def test_catalogue_lists_every_procedure_with_its_rules(client):
    catalogue = {p["id"]: p for p in client.list_procedures()}
    assert set(catalogue) == {
        "permis-inscription",
        "permis-examen",
        "permis-perte",
        "permis-fin-validite",
        "permis-etat-civil",
        "permis-militaire",
        "permis-diplome-pro",
        "permis-retour",
        "permis-echange",
        "permis-international",
        "cg-cession",
        "cg-changement-titulaire",
        "cg-changement-adresse",
        "cg-duplicata",
        "cni-predemande",
        "passeport-predemande",
    }
    inscription = {p["id"]: p for p in catalogue["permis-inscription"]["pieces"]}
    assert inscription["assr"]["requise"] == "si moins de 21 ans et première catégorie"
    domicile = {p["id"]: p for p in catalogue["permis-perte"]["pieces"]}["domicile"]
    assert (domicile["pages_max"], domicile["anciennete_max_jours"]) == (5, 183)
    assert [m["id"] for m in catalogue["permis-retour"]["motifs"]] == ["annulation", "invalidation", "suspension"]
