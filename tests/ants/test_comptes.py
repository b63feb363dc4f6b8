"""ANTS accounts (creation, e-mail confirmation through the outbox, login) and
the FranceConnect stand-in (OIDC authorization-code flow); logout on the server."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
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


def test_franceconnect_login_with_accented_long_identity_then_logout(client):
    identity = client.franceconnect_login("Min01", "azerty")
    assert identity["family_name"] == "ESSAI-D'ARTAGNAN DE LA VILLÉON"
    assert identity["given_name"] == "Éléonore Marie-Françoise"
    assert len(identity["address"]["formatted"]) > 200
    assert client.session_info()["identite"]["sub"] == identity["sub"]
    token = client._token
    client.logout()
    response = requests.get(
        client.base_url + "/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert response.status_code == 401


def test_franceconnect_wrong_password(client):
    with pytest.raises(AntsRejected) as raised:
        client.franceconnect_login("testfc1", "mauvais")
    assert (raised.value.status, raised.value.code) == (401, "access_denied")
    assert client.has_session is False


def test_franceconnect_identities_cover_the_edge_cases(client):
    identities = client.demo_codes()["identites_franceconnect"]
    assert {i["gender"] for i in identities} >= {"male", "female", "Indeterminate"}
    assert any(i["birthdate"] > "2008" for i in identities)  # a minor


def _b64json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_oidc_flow_by_hand_discovery_token_userinfo_session_end(mock_backend):
    url = mock_backend.url
    config = requests.get(url + FC + "/.well-known/openid-configuration", timeout=5).json()
    assert config["issuer"] == url + FC
    assert config["token_endpoint"] == url + FC + "/token"
    assert config["id_token_signing_alg_values_supported"] == ["ES256"]
    keys = requests.get(config["jwks_uri"], timeout=5).json()["keys"]
    assert [(k["kty"], k["crv"], k["alg"], k["use"]) for k in keys] == [("EC", "P-256", "ES256", "sig")]
    assert "d" not in keys[0]  # the public half only

    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "s-123",
        "nonce": "n-456",
        "scope": "openid given_name family_name birthdate",
        "acr_values": "eidas1",
    }
    page = requests.get(url + FC + "/authorize", params=params, timeout=5)
    assert page.status_code == 200 and "testfc1" in page.text
    redirect = requests.post(
        url + FC + "/authorize",
        data={**params, "login": "testfc1", "password": "123"},
        allow_redirects=False,
        timeout=5,
    )
    assert redirect.status_code == 302
    location = urlsplit(redirect.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["s-123"]
    form = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
    }
    tokens = requests.post(url + FC + "/token", data=form, timeout=5).json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] > 0
    header, payload, _signature = tokens["id_token"].split(".")
    assert _b64json(header) == {"alg": "ES256", "typ": "JWT", "kid": keys[0]["kid"]}
    claims = jwt.decode(
        tokens["id_token"], jwt.PyJWK(keys[0]), algorithms=["ES256"], audience=CLIENT_ID, issuer=url + FC
    )  # the signature, checked with the published key
    assert claims == _b64json(payload)
    assert {"sub", "auth_time", "acr", "nonce", "at_hash", "aud", "exp", "iat", "iss"} <= set(claims)
    assert (claims["acr"], claims["nonce"], claims["aud"], claims["iss"]) == ("eidas1", "n-456", CLIENT_ID, url + FC)
    at_hash = base64.urlsafe_b64encode(hashlib.sha256(tokens["access_token"].encode()).digest()[:16])
    assert claims["at_hash"] == at_hash.rstrip(b"=").decode()

    replay = requests.post(url + FC + "/token", data=form, timeout=5)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    bearer = {"Authorization": "Bearer " + tokens["access_token"]}
    info = requests.get(url + FC + "/userinfo", headers=bearer, timeout=5).json()
    assert (info["family_name"], info["given_name"], info["birthdate"], info["birthplace"], info["birthcountry"]) == (
        "DUPONT",
        "Stéphane Louis Perceval",
        "1962-08-24",
        "75112",
        "99100",
    )
    end = requests.get(
        url + FC + "/session/end",
        params={"id_token_hint": tokens["id_token"], "state": "bye", "post_logout_redirect_uri": REDIRECT},
        allow_redirects=False,
        timeout=5,
    )
    assert end.status_code == 302 and end.headers["Location"] == REDIRECT + "?state=bye"
    refused = requests.get(url + FC + "/userinfo", headers=bearer, timeout=5)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"


@pytest.mark.parametrize(
    "change, error",
    [
        ({"client_id": "other"}, "invalid_client"),
        ({"redirect_uri": "https://evil.example/cb"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "email"}, "invalid_scope"),
        ({"nonce": ""}, "invalid_request"),
    ],
)
def test_authorize_refusals(mock_backend, change, error):
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "s",
        "nonce": "n",
        "scope": "openid",
    }
    response = requests.get(mock_backend.url + FC + "/authorize", params={**params, **change}, timeout=5)
    assert response.status_code == 400 and response.json()["error"] == error


def test_token_with_a_wrong_secret_is_invalid_client(mock_backend):
    response = requests.post(
        mock_backend.url + FC + "/token",
        timeout=5,
        data={
            "grant_type": "authorization_code",
            "code": "x",
            "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID,
            "client_secret": "wrong",
        },
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def _id_token(url: str) -> str:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "s",
        "nonce": "n",
        "scope": "openid",
    }
    redirect = requests.post(
        url + FC + "/authorize",
        data={**params, "login": "Min01", "password": "azerty"},
        allow_redirects=False,
        timeout=5,
    )
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    return requests.post(
        url + FC + "/token",
        timeout=5,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
        },
    ).json()["id_token"]


def test_session_end_takes_only_a_token_the_provider_signed(mock_backend):
    from cryptography.hazmat.primitives.asymmetric import ec

    url = mock_backend.url
    token = _id_token(url)
    header, payload, signature = token.split(".")
    claims, kid = _b64json(payload), _b64json(header)["kid"]
    other = base64.urlsafe_b64encode(json.dumps({**claims, "sub": "quelqu-un-d-autre"}).encode()).rstrip(b"=")
    forged = {
        "signed with the client secret (HS256)": jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": kid}),
        "signed with another key": jwt.encode(
            claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256", headers={"kid": kid}
        ),
        "its claims changed": f"{header}.{other.decode()}.{signature}",
        "not signed": jwt.encode(claims, None, algorithm="none"),
    }
    for why, hint in forged.items():
        response = requests.get(url + FC + "/session/end", params={"id_token_hint": hint}, timeout=5)
        assert (response.status_code, response.json()["error"]) == (400, "invalid_request"), why
    ended = requests.get(url + FC + "/session/end", params={"id_token_hint": token}, timeout=5)
    assert ended.status_code == 200 and ended.json() == {"deconnecte": True}


def test_franceconnect_session_with_an_unknown_state(mock_backend):
    response = requests.post(
        mock_backend.url + "/api/v1/sessions/franceconnect", json={"code": "abc", "state": "never-started"}, timeout=5
    )
    assert response.status_code == 400 and response.json()["detail"]["code"] == "etat_inconnu"


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
    identity = client.franceconnect_login("Min01", "azerty")
    client.logout()
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("ants"))
    assert "POST /api/v1/sessions/compte -> 201" in text
    assert "POST /franceconnect/api/v2/authorize -> 302" in text
    for secret in (
        "demo@ants-mock.test",
        "Demo2016!",
        "Min01",
        "azerty",
        identity["family_name"],
        identity["sub"],
        "code=",
    ):
        assert secret not in text
