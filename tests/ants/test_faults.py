"""Each injectable fault as the client sees it: from the admin endpoint and from the settings file."""

from __future__ import annotations

import pytest
import requests

from ants import AntsClient, AntsUnavailable

UNAVAILABLE_FR = "Le service de l'ANTS ne répond pas. Réessayez dans quelques minutes ou appelez le médiateur."


@pytest.fixture
def faults(ants):
    yield ants.faults
    ants.clear_faults()


def pending(ants) -> int:
    return requests.get(ants.url + "/api/v1/formation/pannes", timeout=5).json()["actives"]


def test_500_is_unavailable_and_not_retried_for_post(client, ants, faults):
    faults(statut=500, nombre=2, methode="POST", chemin="/api/v1/sessions")
    with pytest.raises(AntsUnavailable) as raised:
        client.open_session()
    assert (raised.value.status, raised.value.message_fr) == (500, UNAVAILABLE_FR)
    assert pending(ants) == 1


def test_503_is_retried_for_get_until_it_passes(client, ants, faults):
    faults(statut=503, nombre=2, chemin="/api/v1/procedures")
    assert len(client.list_procedures()) == 16
    assert pending(ants) == 0


def test_latency_is_only_slow(mock_backend, ants, faults):
    import time

    faults(mode="latence", delai_s=0.3, nombre=1, chemin="/api/v1/formation/demo")
    client = AntsClient(mock_backend.url, timeout=5, retries=0, backoff_factor=0)
    started = time.monotonic()
    assert "photo_codes" in client.demo_codes()
    assert time.monotonic() - started >= 0.3
    client.close()


def test_timeout_is_unavailable(mock_backend, ants, faults):
    faults(mode="timeout", delai_s=1.0, nombre=1, chemin="/api/v1/formation/demo")
    client = AntsClient(mock_backend.url, timeout=0.3, retries=2, backoff_factor=0)
    with pytest.raises(AntsUnavailable) as raised:
        client.demo_codes()
    assert raised.value.message_fr == UNAVAILABLE_FR
    assert "Timeout" in str(raised.value)
    client.close()


def test_dropped_connection_is_unavailable_then_retried_for_get(mock_backend, ants, faults):
    client = AntsClient(mock_backend.url, timeout=5, retries=0, backoff_factor=0)
    faults(mode="coupure", nombre=1, chemin="/api/v1/formation/demo")
    with pytest.raises(AntsUnavailable) as raised:
        client.demo_codes()
    assert raised.value.message_fr == UNAVAILABLE_FR
    client.retries = 1
    faults(mode="coupure", nombre=1, chemin="/api/v1/formation/demo")
    assert "photo_codes" in client.demo_codes()
    client.close()


def test_dropped_connection_on_submit_is_unavailable(client, ants, faults):
    client.open_session()
    faults(mode="coupure", nombre=1, methode="POST", chemin="/api/v1/demandes")
    with pytest.raises(AntsUnavailable):
        client.submit_demande({"procedure": "permis-perte"}, [])


def test_unlimited_intermittent_fault_and_listing(ants, faults):
    faults(statut=503, nombre=0, chemin="/api/v1/procedures", probabilite=0.5)
    listing = requests.get(ants.url + "/api/v1/formation/pannes", timeout=5).json()
    assert listing["pannes"] == [
        {
            "statut": 503,
            "delai_s": 0.0,
            "nombre": 0,
            "methode": None,
            "chemin": "/api/v1/procedures",
            "mode": "erreur",
            "probabilite": 0.5,
        }
    ]
    statuses = {requests.get(ants.url + "/api/v1/procedures", timeout=5).status_code for _ in range(40)}
    assert statuses == {200, 503}


def test_bad_fault_requests_are_422(ants):
    for body in ({"mode": "explosion"}, {"statut": 200}, {"delai_s": -1}, {"probabilite": 0}):
        response = requests.post(ants.url + "/api/v1/formation/pannes", json=body, timeout=5)
        assert response.status_code == 422, body


def test_faults_from_the_settings_file(start_backend, tmp_path):
    settings = tmp_path / "pannes.toml"
    settings.write_text(
        '[[pannes]]\nchemin = "/api/v1/procedures"\nstatut = 503\nnombre = 0\n'
        '[[pannes]]\nchemin = "/api/v1/formation/demo"\nmode = "coupure"\nnombre = 1\n'
    )
    backend = start_backend("pannes", extra_args=("--settings", str(settings)))
    client = AntsClient(backend.url, timeout=5, retries=1, backoff_factor=0)
    with pytest.raises(AntsUnavailable) as raised:
        client.list_procedures()
    assert raised.value.status == 503
    assert "photo_codes" in client.demo_codes()  # dropped once, retried
    assert client.health() is True
    client.close()


def test_a_bad_fault_in_the_settings_file_is_refused():
    from ants.mock.settings import MockSettings, SettingsError

    with pytest.raises(SettingsError, match="mode is erreur"):
        MockSettings.from_mapping({"pannes": [{"mode": "boom"}]})
    with pytest.raises(SettingsError, match="unknown key"):
        MockSettings.from_mapping({"pannes": [{"chemn": "/"}]})
