"""AntsClient against the running mock: results, typed errors, retries, logs."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

import ants as ants_pkg
from ants import (
    AntsClient,
    AntsError,
    AntsRejected,
    AntsSessionExpired,
    AntsUnavailable,
    DemandeCreee,
    FieldError,
    PieceFile,
    Timbre,
)
from ants_builders import ACCEPTED_CARD, EXPIRED_CARD, REFUSED_CARD, base_dossier, standard_pieces

UNAVAILABLE_FR = "Le service de l'ANTS ne répond pas. Réessayez dans quelques minutes ou appelez le médiateur."


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


def fresh_dossier(client: AntsClient, **adresse) -> dict:
    timbre = client.buy_timbre("perte", adresse.get("code_postal", "75011"), ACCEPTED_CARD, "12/39", "123")
    dossier = base_dossier(client.new_photo_code(), timbre.numero)
    dossier["adresse"].update(adresse)
    return dossier


def test_public_api():
    assert sorted(ants_pkg.__all__) == sorted(
        [
            "AntsClient",
            "PieceFile",
            "DemandeCreee",
            "Timbre",
            "AntsError",
            "AntsUnavailable",
            "AntsRejected",
            "AntsSessionExpired",
            "FieldError",
            "PendingLogouts",
            "Authorization",
            "LoginCancelled",
            "LoginRefused",
            "verify_id_token",
        ]
    )
    for error in (AntsUnavailable, AntsRejected, AntsSessionExpired):
        assert issubclass(error, AntsError)


def test_full_user_session(client):
    assert client.health() is True
    assert client.has_session is False
    client.open_session()
    assert client.has_session is True
    created = client.submit_demande(fresh_dossier(client), standard_pieces())
    assert isinstance(created, DemandeCreee)
    assert created.statut == "en_instruction"
    assert created.cree_le.tzinfo is not None
    assert abs((datetime.now(UTC) - created.cree_le).total_seconds()) < 60
    suivi = client.get_demande(created.numero)
    assert suivi["numero"] == created.numero
    assert [h["statut"] for h in suivi["historique"]] == ["en_instruction"]
    client.logout()
    assert client.has_session is False


def test_submit_without_session_is_session_expired(client):
    with pytest.raises(AntsSessionExpired) as raised:
        client.submit_demande({}, [])
    assert raised.value.message_fr == "Votre connexion à l'ANTS a expiré. Il faut vous reconnecter."


def test_server_side_logout_makes_the_next_call_session_expired(client, mock_backend):
    client.open_session()
    token = client._token  # the test plays another tab that logged out
    assert (
        requests.delete(
            mock_backend.url + "/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}, timeout=5
        ).status_code
        == 204
    )
    with pytest.raises(AntsSessionExpired) as raised:
        client.submit_demande(fresh_dossier(client), standard_pieces())
    assert raised.value.status == 401
    assert raised.value.code == "session_invalide"
    assert client.has_session is False


def test_logout_twice_is_harmless(client):
    client.open_session()
    client.logout()
    client.logout()
    assert client.has_session is False


def test_rejection_carries_the_server_field_errors(client):
    client.open_session()
    dossier = fresh_dossier(client)
    dossier["etat_civil"]["date_naissance"] = "1980-02-31"
    with pytest.raises(AntsRejected) as raised:
        client.submit_demande(dossier, standard_pieces()[:1])
    error = raised.value
    assert error.status == 422
    assert error.code == "dossier_invalide"
    assert error.erreurs == [
        FieldError("etat_civil.date_naissance", "date_invalide", "Cette date de naissance n'existe pas."),
        FieldError("pieces.domicile", "piece_manquante", "La pièce « justificatif de domicile » est manquante."),
    ]
    assert error.message_fr == "L'ANTS a refusé la demande. Corrigez les informations signalées."


def test_unknown_demande_is_rejected_with_code(client):
    with pytest.raises(AntsRejected) as raised:
        client.get_demande("PC2099INCONNU")
    assert (raised.value.status, raised.value.code) == (404, "demande_inconnue")
    assert raised.value.message_fr == "Aucune demande ne porte ce numéro."


def test_buy_timbre_with_test_cards(client):
    assert client.buy_timbre("vol", "97310", ACCEPTED_CARD, "12/39", "123").montant == Decimal("12.50")
    timbre = client.buy_timbre("perte", "75011", ACCEPTED_CARD, "12/39", "123")
    assert isinstance(timbre, Timbre) and timbre.montant == Decimal("25.00") and len(timbre.numero) == 16
    with pytest.raises(AntsRejected) as refused:
        client.buy_timbre("perte", "75011", REFUSED_CARD, "12/39", "123")
    assert (refused.value.status, refused.value.code) == (402, "paiement_refuse")
    assert refused.value.message_fr == "Le paiement a été refusé par votre banque. Utilisez une autre carte."
    with pytest.raises(AntsRejected) as expired:
        client.buy_timbre("perte", "75011", EXPIRED_CARD, "12/39", "123")
    assert (expired.value.status, expired.value.code) == (402, "carte_expiree")
    with pytest.raises(AntsRejected) as luhn:
        client.buy_timbre("perte", "75011", "4970100000000000", "12/39", "123")
    assert luhn.value.erreurs == [
        FieldError("carte", "carte_invalide", "Le numéro de carte n'est pas valide. Vérifiez les chiffres.")
    ]


def test_demo_codes_and_new_photo_code(client):
    demo = client.demo_codes()
    assert len(demo["photo_codes"][0]["code"]) == 22
    assert len(client.new_photo_code()) == 22


# -- unreachable service ------------------------------------------------------


def test_connection_refused_is_unavailable_in_french():
    sleeps = []
    client = AntsClient(closed_port_url(), timeout=2, retries=2, backoff_factor=0.25, sleep=sleeps.append)
    with pytest.raises(AntsUnavailable) as raised:
        client.open_session()
    assert raised.value.message_fr == UNAVAILABLE_FR
    assert sleeps == []  # POST is never retried
    with pytest.raises(AntsUnavailable):
        client.get_demande("PC2024AAAA")
    assert sleeps == [0.25, 0.5]  # GET: 2 retries with exponential backoff
    assert client.health() is False
    client.close()


def test_logout_when_unreachable_forgets_then_raises(mock_backend):
    client = AntsClient(mock_backend.url, retries=0, backoff_factor=0)
    client.open_session()
    client.base_url = closed_port_url()
    with pytest.raises(AntsUnavailable) as raised:
        client.logout()
    assert client.has_session is False
    assert raised.value.message_fr == UNAVAILABLE_FR
    client.close()


def test_get_is_retried_on_503_and_post_is_not(client, ants):
    ants.faults(statut=503, nombre=2, methode="GET", chemin="/api/v1/formation/demo")
    assert "photo_codes" in client.demo_codes()  # 2 failures, then success
    assert requests.get(ants.url + "/api/v1/formation/pannes", timeout=5).json()["actives"] == 0

    ants.faults(statut=503, nombre=3, methode="GET", chemin="/api/v1/formation/demo")
    with pytest.raises(AntsUnavailable) as raised:
        client.demo_codes()  # 1 + 2 retries, all failing
    assert raised.value.status == 503
    assert requests.get(ants.url + "/api/v1/formation/pannes", timeout=5).json()["actives"] == 0

    ants.faults(statut=503, nombre=2, methode="POST", chemin="/api/v1/formation/photo-codes")
    with pytest.raises(AntsUnavailable):
        client.new_photo_code()
    assert requests.get(ants.url + "/api/v1/formation/pannes", timeout=5).json()["actives"] == 1
    ants.clear_faults()


def test_500_on_submit_is_unavailable(client, ants):
    client.open_session()
    dossier = fresh_dossier(client)
    ants.faults(statut=500, nombre=1, methode="POST", chemin="/api/v1/demandes")
    with pytest.raises(AntsUnavailable) as raised:
        client.submit_demande(dossier, standard_pieces())
    assert raised.value.status == 500
    assert client.submit_demande(dossier, standard_pieces()).statut == "en_instruction"


def test_slow_service_times_out_as_unavailable(mock_backend, ants):
    client = AntsClient(mock_backend.url, timeout=0.3, retries=2, backoff_factor=0)
    ants.faults(statut=None, delai_s=1.0, nombre=1, methode="GET", chemin="/api/v1/formation/demo")
    with pytest.raises(AntsUnavailable) as raised:
        client.demo_codes()
    assert raised.value.message_fr == UNAVAILABLE_FR
    client.close()


def test_tls_verification_is_on_by_default():
    assert AntsClient("https://ants.example")._http.verify is True


def test_logs_hold_no_personal_data(client, caplog):
    # urllib3's own DEBUG lines carry full URLs: the kiosk keeps urllib3 at INFO or above.
    caplog.set_level(logging.DEBUG, logger="ants")
    client.open_session()
    token = client._token
    dossier = fresh_dossier(client)
    created = client.submit_demande(dossier, standard_pieces())
    client.get_demande(created.numero)
    client.logout()
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("ants"))
    assert "POST /api/v1/demandes -> 201" in text
    assert "GET /api/v1/demandes/{numero} -> 200" in text
    for secret in (
        "DUPONT",
        "Marie",
        "marie@example.org",
        "0612345678",
        "Lilas",
        "1980-05-17",
        dossier["photo"]["code"],
        dossier["paiement"]["timbre"],
        created.numero,
        token,
    ):
        assert secret not in text


def test_piece_repr_hides_bytes():
    piece = PieceFile("identite", "cni.pdf", "application/pdf", b"%PDF-secret")
    assert "secret" not in repr(piece) and "<11 bytes>" in repr(piece)
