"""The mock as a program: OpenAPI, --reset, --settings, seeding, injected failures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ants import PieceFile
from ants_builders import Ants, erreurs_of, jpeg_bytes

ROOT = Path(__file__).resolve().parents[2]

FIRST_DEMO_PHOTO_CODE = "5MYZM5O54911PKI3B0AVOA"
FIRST_DEMO_TIMBRE = "5727875920836897"


def test_openapi_lists_the_paths(ants):
    response = requests.get(ants.url + "/openapi.json", timeout=5)
    assert response.status_code == 200
    assert set(response.json()["paths"]) == {
        "/health",
        "/api/v1/sessions",
        "/api/v1/sessions/current",
        "/api/v1/demandes",
        "/api/v1/demandes/{numero}",
        "/api/v1/formation/photo-codes",
        "/api/v1/formation/demo",
        "/api/v1/timbres",
        "/api/v1/formation/pannes",
        # issue 3
        "/api/v1/procedures",
        "/api/v1/procedures/{procedure_id}",
        "/api/v1/demandes/{numero}/depot",
        "/api/v1/demandes/{numero}/paiement",
        "/api/v1/demandes/{numero}/complements",
        "/api/v1/demandes/{numero}/attestation-inscription",
        "/api/v1/cessions/{immatriculation}",
        "/api/v1/photo-codes/{code}/{image}",
        "/api/v1/comptes",
        "/api/v1/comptes/confirmation",
        "/api/v1/sessions/compte",
        "/api/v1/sessions/franceconnect",
        "/connexion/franceconnect",
        "/boutique/timbre",
        "/boutique/timbre/annuler",
        "/api/v1/formation/mails",
        "/api/v1/formation/vehicules",
        "/api/v1/formation/nephs",
        "/api/v1/agent/demandes",
        "/api/v1/agent/demandes/{numero}",
        "/api/v1/agent/demandes/{numero}/pieces/{piece}",
        "/api/v1/agent/demandes/{numero}/transitions",
        "/coordination/api/status",
        "/coordination/api/appointments",
        "/franceconnect/api/v2/.well-known/openid-configuration",
        "/franceconnect/api/v2/authorize",
        "/franceconnect/api/v2/token",
        "/franceconnect/api/v2/userinfo",
        "/franceconnect/api/v2/session/end",
        "/franceconnect/api/v2/jwks",
        "/franceconnect/api/v2/fi/{provider}",
        "/franceconnect/api/v2/annuler",
    }
    body = response.json()["paths"]["/api/v1/demandes"]["post"]["requestBody"]
    assert "multipart/form-data" in body["content"]


def test_health(ants):
    assert requests.get(ants.url + "/health", timeout=5).json() == {"status": "ok"}


def test_unknown_route_has_a_code(ants):
    response = requests.get(ants.url + "/api/v1/nope", timeout=5)
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "introuvable"


@pytest.fixture(scope="module")
def backend_class(mock_backend):
    return type(mock_backend)  # tests/conftest.py's MockBackend


@pytest.fixture
def own_backend(tmp_path, backend_class):
    started = []

    def start(*extra_args, db=None):
        backend = backend_class(db or tmp_path / "own.db", extra_args=tuple(extra_args)).start()
        started.append(backend)
        return backend

    yield start
    for backend in started:
        backend.stop()


def _demo(url):
    return requests.get(url + "/api/v1/formation/demo", timeout=5).json()


def test_seed_is_deterministic_and_reset_really_wipes(own_backend, tmp_path):
    backend = own_backend()
    demo = _demo(backend.url)
    assert len(demo["photo_codes"]) == 20
    assert [t["montant"] for t in demo["timbres"]] == [25.0] * 20 + [12.5] * 3
    assert demo["photo_codes"][0]["code"] == FIRST_DEMO_PHOTO_CODE
    assert demo["timbres"][0]["numero"] == FIRST_DEMO_TIMBRE

    ants = Ants(backend.url)
    dossier = ants.dossier(etat_civil={"nom_naissance": "ZORGLUBIENNE"})
    dossier["photo"]["code"] = FIRST_DEMO_PHOTO_CODE
    dossier["paiement"]["timbre"] = FIRST_DEMO_TIMBRE
    created = ants.submit(dossier)
    assert created.status_code == 201
    numero = created.json()["numero"]
    backend.stop()

    again = own_backend(db=backend.db)  # a restart keeps data and does not reseed
    assert requests.get(f"{again.url}/api/v1/demandes/{numero}", timeout=5).status_code == 200
    assert len(_demo(again.url)["photo_codes"]) == 19
    again.stop()

    wiped = own_backend("--reset", db=backend.db)
    assert requests.get(f"{wiped.url}/api/v1/demandes/{numero}", timeout=5).status_code == 404
    demo = _demo(wiped.url)
    assert len(demo["photo_codes"]) == 20 and len(demo["timbres"]) == 23
    assert demo["photo_codes"][0]["code"] == FIRST_DEMO_PHOTO_CODE
    wiped.stop()
    leftovers = b"".join(p.read_bytes() for p in tmp_path.glob("own.db*") if p.suffix != ".log")
    assert b"ZORGLUBIENNE" not in leftovers


def _backend_with(backend_class, tmp_path_factory, toml: str):
    folder = tmp_path_factory.mktemp("settings")
    (folder / "mock.toml").write_text(toml)
    return backend_class(folder / "mock.db", extra_args=("--settings", str(folder / "mock.toml"))).start()


@pytest.fixture(scope="module")
def small_backend(backend_class, tmp_path_factory):
    backend = _backend_with(
        backend_class,
        tmp_path_factory,
        "max_upload_bytes = 20000\n"
        "vol_requires_recepisse = false\n"
        'numero_format = "DEM-{annee}-{seq:05d}"\n'
        "[page_limits]\nidentite = 1\ndomicile = 1\nrecepisse_vol = 1\n",
    )
    yield backend
    backend.stop()


@pytest.fixture(scope="module")
def expiring_backend(backend_class, tmp_path_factory):
    backend = _backend_with(backend_class, tmp_path_factory, "photo_code_validity_days = 0\ntimbre_validity_days = 0\n")
    yield backend
    backend.stop()


def test_settings_size_limit_and_page_limit(small_backend):
    ants = Ants(small_backend.url)
    dossier = ants.dossier()
    big = PieceFile("domicile", "big.jpg", "image/jpeg", jpeg_bytes(300, 300, noise=True))
    assert len(big.data) > 20000
    two_pages = PieceFile("identite", "a.jpg", "image/jpeg", jpeg_bytes())
    response = ants.submit(dossier, [two_pages, two_pages, big])
    assert response.status_code == 422
    assert erreurs_of(response) == [
        ("pieces.domicile", "fichier_trop_volumineux"),
        ("pieces.identite", "trop_de_pages"),
    ]
    assert response.json()["detail"]["erreurs"][0]["message"] == "Le fichier « big.jpg » dépasse 20 Ko."


def test_settings_validity_of_photo_codes_and_timbres(expiring_backend):
    ants = Ants(expiring_backend.url)
    response = ants.submit(ants.dossier())
    assert erreurs_of(response) == [("photo.code", "code_expire"), ("paiement.timbre", "timbre_expire")]
    demo = _demo(expiring_backend.url)
    assert (demo["photo_codes"], demo["timbres"]) == ([], [])


def test_settings_vol_without_recepisse_and_numero_format(small_backend):
    ants = Ants(small_backend.url)
    pieces = [
        PieceFile("identite", "a.jpg", "image/jpeg", jpeg_bytes()),
        PieceFile("domicile", "b.jpg", "image/jpeg", jpeg_bytes()),
    ]
    response = ants.submit(ants.dossier(motif="vol"), pieces)
    assert response.status_code == 201, response.text
    assert re.fullmatch(r"DEM-\d{4}-\d{5}", response.json()["numero"])


def test_bad_settings_file_stops_the_program(tmp_path):
    settings = tmp_path / "bad.toml"
    settings.write_text("max_upload_byte = 3\n")
    result = subprocess.run(
        [sys.executable, "-m", "ants.mock", "--db", str(tmp_path / "x.db"), "--settings", str(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "unknown key(s) max_upload_byte" in result.stderr


def test_injected_failures_are_counted_and_cleared(ants):
    ants.faults(statut=503, nombre=2, methode="GET", chemin="/health")
    assert requests.get(ants.url + "/health", timeout=5).status_code == 503
    assert requests.get(ants.url + "/api/v1/formation/pannes", timeout=5).json()["actives"] == 1
    ants.clear_faults()
    assert requests.get(ants.url + "/health", timeout=5).status_code == 200
