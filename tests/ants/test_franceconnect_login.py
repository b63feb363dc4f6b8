"""FranceConnect the native-app way (RFC 8252): authorization code with PKCE,
state and nonce, the redirect to a loopback listener, the code exchanged through
ANTS, the id_token checked against the published JWKS; and each refusal."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests

from ants import AntsClient, AntsRejected, AntsSessionExpired, LoginCancelled, LoginRefused, verify_id_token
from ants.mock.franceconnect import SigningKey
from browser import ScriptedBrowser

CLIENT_ID = "ants-mock-fs"


def allow(mock_backend, auth) -> list[str]:
    return [urlsplit(mock_backend.url).netloc, urlsplit(auth.redirect_uri).netloc]


def walk(client, mock_backend, persona):
    auth = client.begin_franceconnect(CLIENT_ID)
    person = ScriptedBrowser(persona, allow(mock_backend, auth))
    person.open(auth.url, lambda reason: auth.cancel())
    return auth, person


def code_by_hand(auth, login="testfc1", password="123") -> str:
    """The provider's redirect, not followed: its code and state, as a browser holds them."""
    with requests.Session() as http:
        page = http.get(auth.url, timeout=10)
        fc = page.text.split('id=franceconnect href="')[1].split('"')[0].replace("&amp;", "&")
        choice = http.get(urljoin(auth.url, fc), timeout=10)
        fi = choice.text.split('id="fi-ameli" href="')[1].split('"')[0].replace("&amp;", "&")
        login_page = http.get(urljoin(auth.url, fi), timeout=10)
        ticket = login_page.text.split('name=ticket value="')[1].split('"')[0]
        answer = http.post(
            urljoin(auth.url, urlsplit(fi).path),
            data={"ticket": ticket, "login": login, "password": password},
            allow_redirects=False,
            timeout=10,
        )
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(auth.redirect_uri + "?")
    return location


def test_login_through_the_pages_gives_a_verified_identity_and_an_ants_session(client, mock_backend):
    auth, person = walk(client, mock_backend, {"provider": "laposte", "login": "Min01", "password": "azerty"})
    claims = client.finish_franceconnect(auth, timeout=20)
    assert claims["family_name"] == "ESSAI-D'ARTAGNAN DE LA VILLÉON"
    assert claims["given_name"] == "Éléonore Marie-Françoise"
    assert claims["birthdate"] == "1985-02-28"
    assert claims["address"]["street_address"].startswith("Résidence des Jardins de l'Hôtel de Ville")
    assert claims["aud"] == CLIENT_ID and claims["nonce"] == auth.nonce
    assert client.session_info()["type"] == "franceconnect"
    assert person.visited[:3] == [
        "/connexion/franceconnect",
        "/franceconnect/api/v2/authorize",
        "/franceconnect/api/v2/fi/laposte",
    ]
    hint, token = client.id_token_hint, client.token
    assert hint and token and jwt.get_unverified_header(hint)["alg"] == "ES256"
    client.logout()
    assert client.id_token_hint is None and not client.has_session
    client.use_token(token)
    with pytest.raises(AntsSessionExpired):
        client.session_info()


def test_the_redirect_uri_is_loopback_on_the_port_the_system_gave(client):
    auth = client.begin_franceconnect(CLIENT_ID)
    parts = urlsplit(auth.redirect_uri)
    assert parts.hostname == "127.0.0.1" and parts.port and parts.port > 1024
    query = parse_qs(urlsplit(auth.url).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert auth.verifier not in auth.url and len(auth.verifier) >= 43
    auth.cancel()


def test_a_wrong_password_is_told_on_the_provider_page_and_giving_up_is_a_cancel(client, mock_backend):
    auth, person = walk(client, mock_backend, {"login": "testfc1", "password": "faux"})
    with pytest.raises(LoginCancelled):
        client.finish_franceconnect(auth, timeout=20)
    assert person.told == ["Identifiant ou mot de passe incorrect. Réessayez."]
    assert not client.has_session


def test_a_redirect_with_another_state_is_refused(client):
    auth = client.begin_franceconnect(CLIENT_ID)
    requests.get(auth.redirect_uri, params={"code": "abc", "state": "pas-le-mien"}, timeout=5)
    with pytest.raises(LoginRefused, match="another state"):
        client.finish_franceconnect(auth, timeout=5)
    assert not client.has_session


def test_a_code_is_good_once_only(client, mock_backend):
    auth = client.begin_franceconnect(CLIENT_ID)
    location = code_by_hand(auth)
    requests.get(location, timeout=5)
    client.finish_franceconnect(auth, timeout=5)
    code = parse_qs(urlsplit(location).query)["code"][0]
    replay = requests.post(
        mock_backend.url + "/api/v1/sessions/franceconnect",
        json={"code": code, "code_verifier": auth.verifier, "redirect_uri": auth.redirect_uri},
        timeout=5,
    )
    assert replay.status_code == 400 and replay.json()["detail"]["code"] == "invalid_grant"


def test_a_code_with_another_pkce_verifier_is_refused(client):
    auth = client.begin_franceconnect(CLIENT_ID)
    requests.get(code_by_hand(auth), timeout=5)
    auth.verifier = "x" * 64
    with pytest.raises(AntsRejected) as refused:
        client.finish_franceconnect(auth, timeout=5)
    assert refused.value.code == "invalid_grant" and not client.has_session


def test_the_provider_refuses_an_authorization_without_pkce_or_off_loopback(client, mock_backend):
    auth = client.begin_franceconnect(CLIENT_ID)
    query = {k: v[0] for k, v in parse_qs(urlsplit(auth.url).query).items()}
    authorize = mock_backend.url + "/franceconnect/api/v2/authorize"
    assert requests.get(authorize, params=query, timeout=5).status_code == 200
    no_pkce = {k: v for k, v in query.items() if k != "code_challenge"}
    assert requests.get(authorize, params=no_pkce, timeout=5).status_code == 400
    plain = {**query, "code_challenge_method": "plain"}
    assert requests.get(authorize, params=plain, timeout=5).status_code == 400
    elsewhere = {**query, "redirect_uri": "http://evil.example/franceconnect/callback"}
    assert requests.get(authorize, params=elsewhere, timeout=5).status_code == 400
    other_path = {**query, "redirect_uri": "http://127.0.0.1:9/ailleurs"}
    assert requests.get(authorize, params=other_path, timeout=5).status_code == 400
    auth.cancel()


# -- the id_token's checks, one at a time -------------------------------------------------

ISSUER = "http://127.0.0.1:1/franceconnect/api/v2"


def token_claims(**change) -> dict:
    now = int(time.time())
    return {"iss": ISSUER, "sub": "s", "aud": CLIENT_ID, "iat": now, "exp": now + 60, "nonce": "n1", **change}


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey()


def check(key, token, **expect):
    args = {"issuer": ISSUER, "audience": CLIENT_ID, "nonce": "n1", **expect}
    return verify_id_token(token, key.jwks, **args)


def test_a_good_id_token_passes(key):
    assert check(key, key.sign(token_claims()))["sub"] == "s"


@pytest.mark.parametrize(
    "why, change, detail",
    [
        ("expired", {"exp": int(time.time()) - 120}, "ExpiredSignatureError"),
        ("for another client", {"aud": "un-autre-fs"}, "InvalidAudienceError"),
        ("from another issuer", {"iss": "http://ailleurs/"}, "InvalidIssuerError"),
        ("for another request", {"nonce": "n2"}, "another nonce"),
        ("without a nonce", {"nonce": None}, "MissingRequiredClaimError"),
    ],
)
def test_an_id_token_failing_a_check_is_refused(key, why, change, detail):
    claims = {k: v for k, v in token_claims(**change).items() if v is not None}
    with pytest.raises(LoginRefused, match=detail):
        check(key, key.sign(claims))


def test_an_id_token_signed_by_another_key_under_the_published_kid_is_refused(key):
    forger = SigningKey()
    forger.kid = key.kid
    with pytest.raises(LoginRefused, match="InvalidSignatureError"):
        check(key, forger.sign(token_claims()))


def test_an_id_token_under_an_unpublished_kid_or_with_a_chosen_algorithm_is_refused(key):
    with pytest.raises(LoginRefused, match="does not publish"):
        check(key, SigningKey().sign(token_claims()))
    unsigned = jwt.encode(token_claims(), None, algorithm="none", headers={"kid": key.kid})
    with pytest.raises(LoginRefused):
        check(key, unsigned)
    hs = jwt.encode(token_claims(), "secret-partage-de-32-octets-ou-plus!", algorithm="HS256", headers={"kid": key.kid})
    with pytest.raises(LoginRefused):
        check(key, hs)


def test_a_login_whose_id_token_fails_leaves_no_ants_session(mock_backend):
    client = AntsClient(mock_backend.url, timeout=10, retries=0, backoff_factor=0)
    auth = client.begin_franceconnect(CLIENT_ID)
    auth.nonce = "pas-celui-envoye"
    requests.get(code_by_hand(auth), timeout=5)
    with pytest.raises(LoginRefused, match="another nonce"):
        client.finish_franceconnect(auth, timeout=5)
    assert not client.has_session and client.id_token_hint is None
    client.close()


def test_a_deferred_logout_ends_the_franceconnect_session_too(client, mock_backend, caplog):
    from ants import PendingLogouts

    auth, _person = walk(client, mock_backend, {"login": "Min05", "password": "azerty"})
    client.finish_franceconnect(auth, timeout=20)
    token, hint = client.token, client.id_token_hint
    pending = PendingLogouts(lambda: AntsClient(mock_backend.url, retries=0, backoff_factor=0))
    pending.add(token, hint)
    caplog.set_level("INFO", logger="ants.client")
    assert pending.retry() == 0
    said = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("GET /franceconnect/api/v2/session/end -> 200") for m in said), said
    client.use_token(token)
    with pytest.raises(AntsSessionExpired):
        client.session_info()
