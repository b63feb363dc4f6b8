"""ANTS accounts (creation, e-mail confirmation through the outbox, login); logout
on the server. The FranceConnect stand-in's tests are in test_franceconnect_*.py."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from ants import AntsRejected, AntsSessionExpired

FC = "/franceconnect/api/v2"
CLIENT_ID, SECRET = "ants-mock-fs", "ants-mock-fs-secret-0123456789abcdef"
REDIRECT = "http://localhost/franceconnect/callback"


def fresh_email() -> str:
    return f"essai-{uuid.uuid4().hex[:8]}@example.org"


def test_account_creation_confirmation_login_and_server_side_logout(client):
    email = fresh_email()
    assert client.create_account(email, "Motdepasse1", "N'GUESSAN-LÉVÊQUE", "Anne-Marie") == {
        "email": email,
        "statut": "a_confirmer",
    }
    with pytest.raises(AntsRejected) as raised:
        client.login(email, "Motdepasse1")
    assert (raised.value.status, raised.value.code) == (403, "compte_non_confirme")
    mails = client.outbox(email)
    assert len(mails) == 1 and mails[0]["sujet"] == "ANTS : confirmez la création de votre compte"
    code = re.search(r"code de confirmation est : (\d{6})", mails[0]["corps"]).group(1)
    with pytest.raises(AntsRejected) as wrong:
        client.confirm_account(email, "000000" if code != "000000" else "111111")
    assert wrong.value.erreurs[0].code == "code_incorrect"
    assert client.confirm_account(email, code)["statut"] == "confirme"
    with pytest.raises(AntsRejected) as bad:
        client.login(email, "Motdepasse2")
    assert (bad.value.status, bad.value.code) == (401, "identifiants_invalides")
    assert bad.value.message_fr == "Adresse électronique ou mot de passe incorrect."
    client.login(email, "Motdepasse1")
    assert client.session_info()["compte"] == {"email": email, "nom": "N'GUESSAN-LÉVÊQUE", "prenom": "Anne-Marie"}
    token = client._token
    client.logout()
    response = requests.get(
        client.base_url + "/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert response.status_code == 401 and response.json()["detail"]["code"] == "session_invalide"


def test_account_refusals(client, mock_backend):
    with pytest.raises(AntsRejected) as raised:
        client.create_account("pas-un-mail", "court", "R2D2", "", cgu=False)
    assert [(e.champ, e.code) for e in raised.value.erreurs] == [
        ("email", "format_invalide"),
        ("mot_de_passe", "mot_de_passe_faible"),
        ("nom", "caracteres_invalides"),
        ("prenom", "champ_requis"),
        ("cgu", "cgu_requises"),
    ]
    with pytest.raises(AntsRejected) as duplicate:
        client.create_account("DEMO@ants-mock.test", "Motdepasse1", "ESSAI", "Démo")
    assert (duplicate.value.status, duplicate.value.code) == (409, "compte_existant")


def test_seeded_demo_account_logs_in(client):
    client.login("demo@ants-mock.test", "Demo2016!")
    assert client.session_info()["type"] == "compte"


def test_franceconnect_identities_cover_the_edge_cases(client):
    identities = client.demo_codes()["identites_franceconnect"]
    assert {i["gender"] for i in identities} >= {"male", "female", "Indeterminate"}
    assert any(i["birthdate"] > "2008" for i in identities)  # a minor


def test_logged_out_client_gets_session_expired(client):
    client.login("demo@ants-mock.test", "Demo2016!")
    token = client._token
    requests.delete(
        client.base_url + "/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    with pytest.raises(AntsSessionExpired):
        client.session_info()


def test_login_paths_log_no_personal_data(client, caplog):
    import logging

    caplog.set_level(logging.DEBUG, logger="ants")
    client.login("demo@ants-mock.test", "Demo2016!")
    client.logout()
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("ants"))
    assert "POST /api/v1/sessions/compte -> 201" in text
    for secret in ("demo@ants-mock.test", "Demo2016!"):
        assert secret not in text
