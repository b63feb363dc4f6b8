"""The FranceConnect stand-in as a provider (ants/mock/franceconnect.py, fc_login.py):
discovery, the page chain, PKCE at /token, the ES256 id_token and its JWKS, userinfo,
end_session; what it refuses. By hand, as an OpenID client library would."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from ants.mock.franceconnect import pkce_challenge
from browser import ScriptedBrowser

FC = "/franceconnect/api/v2"
CLIENT_ID, SECRET = "ants-mock-fs", "ants-mock-fs-secret-0123456789abcdef"
REDIRECT = "http://127.0.0.1:4321/franceconnect/callback"
VERIFIER = "v" * 20 + "erifier-de-plus-de-quarante-trois-caracteres"


def _b64json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def authorize_params(**change) -> dict:
    return {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "s-123",
        "nonce": "n-456",
        "scope": "openid given_name family_name birthdate",
        "acr_values": "eidas1",
        "code_challenge": pkce_challenge(VERIFIER),
        "code_challenge_method": "S256",
        **change,
    }


def provider_login(url: str, params: dict, login: str, password: str, provider: str = "impots"):
    """The choice page, then the provider's form posted: the provider's answer, not followed."""
    choice = requests.get(url + FC + "/authorize", params=params, timeout=5)
    assert choice.status_code == 200, choice.text
    ticket = choice.text.split(f"/fi/{provider}?ticket=")[1].split('"')[0]
    page = requests.get(url + FC + f"/fi/{provider}", params={"ticket": ticket}, timeout=5)
    assert page.status_code == 200 and "name=password id=password type=password" in page.text
    return requests.post(
        url + FC + f"/fi/{provider}",
        data={"ticket": ticket, "login": login, "password": password},
        allow_redirects=False,
        timeout=5,
    )


def token_form(code: str, **change) -> dict:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "code_verifier": VERIFIER,
        **change,
    }


def test_oidc_flow_by_hand_discovery_pages_token_userinfo_session_end(mock_backend):
    url = mock_backend.url
    config = requests.get(url + FC + "/.well-known/openid-configuration", timeout=5).json()
    assert config["issuer"] == url + FC
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["id_token_signing_alg_values_supported"] == ["ES256"]
    keys = requests.get(config["jwks_uri"], timeout=5).json()["keys"]
    assert [(k["kty"], k["crv"], k["alg"], k["use"]) for k in keys] == [("EC", "P-256", "ES256", "sig")]
    assert "d" not in keys[0]  # the public half only

    redirect = provider_login(url, authorize_params(), "testfc1", "123")
    assert redirect.status_code == 302
    location = urlsplit(redirect.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["s-123"]
    form = token_form(query["code"][0])
    tokens = requests.post(url + FC + "/token", data=form, timeout=5).json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] > 0
    header, payload, _signature = tokens["id_token"].split(".")
    assert _b64json(header) == {"alg": "ES256", "typ": "JWT", "kid": keys[0]["kid"]}
    claims = jwt.decode(
        tokens["id_token"], jwt.PyJWK(keys[0]), algorithms=["ES256"], audience=CLIENT_ID, issuer=url + FC
    )
    assert claims == _b64json(payload)
    assert (claims["acr"], claims["nonce"], claims["family_name"]) == ("eidas1", "n-456", "DUPONT")
    at_hash = base64.urlsafe_b64encode(hashlib.sha256(tokens["access_token"].encode()).digest()[:16])
    assert claims["at_hash"] == at_hash.rstrip(b"=").decode()

    replay = requests.post(url + FC + "/token", data=form, timeout=5)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    bearer = {"Authorization": "Bearer " + tokens["access_token"]}
    info = requests.get(url + FC + "/userinfo", headers=bearer, timeout=5).json()
    assert (info["given_name"], info["birthplace"]) == ("Stéphane Louis Perceval", "75112")
    end = requests.get(
        url + FC + "/session/end",
        params={"id_token_hint": tokens["id_token"], "state": "bye", "post_logout_redirect_uri": REDIRECT},
        allow_redirects=False,
        timeout=5,
    )
    assert end.status_code == 302 and end.headers["Location"] == REDIRECT + "?state=bye"
    refused = requests.get(url + FC + "/userinfo", headers=bearer, timeout=5)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"


def test_a_wrong_verifier_burns_the_code(mock_backend):
    url = mock_backend.url
    code = parse_qs(urlsplit(provider_login(url, authorize_params(), "Min02", "azerty").headers["Location"]).query)
    wrong = requests.post(url + FC + "/token", data=token_form(code["code"][0], code_verifier="w" * 60), timeout=5)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert "code_verifier" in wrong.json()["error_description"]
    right_too_late = requests.post(url + FC + "/token", data=token_form(code["code"][0]), timeout=5)
    assert right_too_late.status_code == 400 and right_too_late.json()["error"] == "invalid_grant"


def test_a_wrong_password_is_told_on_the_page_and_the_form_comes_again(mock_backend):
    answer = provider_login(mock_backend.url, authorize_params(), "testfc1", "mauvais")
    assert answer.status_code == 200
    assert "Identifiant ou mot de passe incorrect. Réessayez." in answer.text
    assert "name=password id=password type=password" in answer.text and "mauvais" not in answer.text


def test_giving_up_on_the_provider_page_sends_back_access_denied_with_the_state(mock_backend):
    url = mock_backend.url
    choice = requests.get(url + FC + "/authorize", params=authorize_params(), timeout=5)
    cancel = choice.text.split('id=annuler href="')[1].split('"')[0].replace("&amp;", "&")
    back = requests.get(url + cancel, allow_redirects=False, timeout=5)
    query = parse_qs(urlsplit(back.headers["Location"]).query)
    assert back.status_code == 302 and query["error"] == ["access_denied"] and query["state"] == ["s-123"]
    again = requests.get(url + cancel, allow_redirects=False, timeout=5)
    assert again.status_code == 400  # the ticket served once


@pytest.mark.parametrize(
    "change, error",
    [
        ({"client_id": "other"}, "invalid_client"),
        ({"redirect_uri": "https://evil.example/cb"}, "invalid_request"),
        ({"redirect_uri": "http://127.0.0.1:4321/ailleurs"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "email"}, "invalid_scope"),
        ({"nonce": ""}, "invalid_request"),
        ({"code_challenge": ""}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
    ],
)
def test_authorize_refusals(mock_backend, change, error):
    response = requests.get(mock_backend.url + FC + "/authorize", params=authorize_params(**change), timeout=5)
    assert response.status_code == 400 and response.json()["error"] == error


def test_a_loopback_redirect_is_accepted_on_any_port(mock_backend):
    for uri in ("http://127.0.0.1:50123/franceconnect/callback", "http://[::1]:8/franceconnect/callback"):
        response = requests.get(
            mock_backend.url + FC + "/authorize", params=authorize_params(redirect_uri=uri), timeout=5
        )
        assert response.status_code == 200, uri


def test_token_with_a_wrong_secret_is_invalid_client(mock_backend):
    response = requests.post(mock_backend.url + FC + "/token", data=token_form("x", client_secret="wrong"), timeout=5)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def _id_token(url: str) -> str:
    code = parse_qs(urlsplit(provider_login(url, authorize_params(), "Min01", "azerty").headers["Location"]).query)
    return requests.post(url + FC + "/token", data=token_form(code["code"][0]), timeout=5).json()["id_token"]


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


def test_ants_refuses_a_code_it_never_gave(mock_backend):
    response = requests.post(
        mock_backend.url + "/api/v1/sessions/franceconnect",
        json={"code": "abc", "code_verifier": VERIFIER, "redirect_uri": REDIRECT},
        timeout=5,
    )
    assert response.status_code == 400 and response.json()["detail"]["code"] == "invalid_grant"


def test_a_login_logs_no_personal_data_nor_the_code(client, mock_backend, caplog):
    caplog.set_level(logging.DEBUG, logger="ants")
    auth = client.begin_franceconnect(CLIENT_ID)
    person = ScriptedBrowser(
        {"login": "Min01", "password": "azerty"},
        [urlsplit(mock_backend.url).netloc, urlsplit(auth.redirect_uri).netloc],
    )
    person.open(auth.url, lambda reason: auth.cancel())
    identity = client.finish_franceconnect(auth, timeout=20)
    client.logout()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /api/v1/sessions/franceconnect -> 201" in text
    assert "GET /franceconnect/api/v2/session/end -> 200" in text
    for secret in ("Min01", "azerty", identity["family_name"], identity["sub"], "code=", auth.state, auth.verifier):
        assert secret not in text
