"""Guest sessions of the mock: a bearer token, refused everywhere once deleted."""

from __future__ import annotations

import requests

from ants_builders import standard_pieces


def test_open_session_gives_an_opaque_token(ants):
    first = requests.post(ants.url + "/api/v1/sessions", timeout=5)
    second = requests.post(ants.url + "/api/v1/sessions", timeout=5)
    assert first.status_code == second.status_code == 201
    assert first.json()["expires_in"] == 3600
    assert len(first.json()["token"]) >= 32
    assert first.json()["token"] != second.json()["token"]


def _refused(response):
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]["code"] == "session_invalide"
    assert response.json()["detail"]["message"] == "Votre session a expiré ou n'existe pas. Reconnectez-vous."


def test_submit_without_or_with_a_bad_token_is_401(ants):
    _refused(requests.post(ants.url + "/api/v1/demandes", files={"dossier": (None, "{}")}, timeout=5))
    _refused(ants.submit(ants.dossier(), token="not-a-token"))
    _refused(
        requests.post(
            ants.url + "/api/v1/demandes",
            files={"dossier": (None, "{}")},
            headers={"Authorization": "Basic abc"},
            timeout=5,
        )
    )


def test_logout_then_token_is_refused(ants):
    token = ants.token()
    dossier = ants.dossier()
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.delete(ants.url + "/api/v1/sessions/current", headers=headers, timeout=5).status_code == 204
    _refused(ants.submit(dossier, standard_pieces(), token=token))
    _refused(requests.delete(ants.url + "/api/v1/sessions/current", headers=headers, timeout=5))
    # the refused dossier consumed nothing
    assert ants.submit(dossier).status_code == 201
