"""The mock's OpenAPI document is its contract: a schemathesis run with every
check (``st run --checks all``, as an outside tester would) against the mock's
own process. Each answer's status, content type, headers and body must be the
ones the document declares, refusals included; an undeclared method gets a 405
with ``Allow``; what the document calls well formed is never refused as
malformed (``contract_hooks.py``).

Small and reproducible: a fixed seed, deterministic generation, a few examples
an operation, no example database. A failure prints schemathesis' report,
with a curl command per failure.

(schemathesis' pytest loader, ``schemathesis.pytest.from_fixture``, is what
would let the run take the fixture's port, and it fails under pytest 9.2: it
writes ``Function._nodeid``, which pytest no longer has. Its CLI is the
documented interface that works.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ants_builders import AGENT_TOKEN, RDV_TOKEN

HERE = Path(__file__).resolve().parent
ST = Path(sys.executable).with_name("st")
#: Well formed but refused by rules a JSON schema cannot carry (a Luhn key, a date
#: that exists, a code the mock handed out): 422 with the rule's own code.
#: schemathesis' own list plus 422 (5xx is left to its server-error check).
RULES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx", "422"]
#: OAuth answers a well-formed but unknown code, client or state with 400 (RFC 6749 §5.2).
OAUTH_RULES = RULES + ["400"]


@pytest.fixture(scope="module")
def contract_backend(mock_backend, tmp_path_factory):
    # tests/conftest.py's MockBackend, a process of its own: the run makes accounts,
    # demandes and sessions by the hundred, and would inject pannes.
    backend = type(mock_backend)(tmp_path_factory.mktemp("contract") / "ants.db").start()
    yield backend
    backend.stop()


def _guest_token(url: str) -> str:
    response = requests.post(url + "/api/v1/sessions", timeout=5)
    assert response.status_code == 201
    return response.json()["token"]


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def test_the_mock_keeps_to_its_openapi_document(contract_backend, tmp_path):
    url = contract_backend.url
    if not ST.exists():
        pytest.fail(f"schemathesis is not installed in {ST.parent}: pip install -e '.[test]'")
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"""
hooks = "contract_hooks"
seed = 20240611
workers = 1
[generation]
max-examples = 6
deterministic = true
database = "none"
[checks.positive_data_acceptance]
expected-statuses = {_toml_list(RULES)}
[auth.openapi.AgentToken]
bearer = "{AGENT_TOKEN}"

# A guest session, opened again once the run's DELETE /api/v1/sessions/current has ended it.
[auth.dynamic.openapi.HTTPBearer]
path = "/api/v1/sessions"
method = "post"
extract_selector = "/token"
retry_on = [401]

[[operations]]
include-path-regex = "^/coordination/"
headers = {{ "x-rdv-opt-auth-token" = "{RDV_TOKEN}" }}

[[operations]]
include-path-regex = "^/franceconnect/|^/api/v1/sessions/franceconnect$|^/boutique/|^/connexion/"
checks.positive_data_acceptance.expected-statuses = {_toml_list(OAUTH_RULES)}

# Injected pannes would fail every operation tested after them.
[[operations]]
include-name = ["POST /api/v1/formation/pannes", "DELETE /api/v1/formation/pannes"]
enabled = false
""",
        encoding="utf-8",
    )
    paths = [str(HERE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}  # for hooks = "contract_hooks"
    try:
        run = subprocess.run(
            [
                str(ST),
                "--config-file",
                str(config),
                "--no-color",
                "run",
                url + "/openapi.json",
                "--checks",
                "all",
                "--request-timeout",
                "10",
            ],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=tmp_path,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"schemathesis did not finish within {exc.timeout:.0f}s:\n{exc.stdout or ''}")
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-20000:]
    assert "Selected: 45/47" in report and "Tested: 45" in report, report[-3000:]


def test_every_refusal_is_documented_as_the_mock_sends_it(contract_backend):
    document = requests.get(contract_backend.url + "/openapi.json", timeout=5).json()
    operations = [(m.upper(), p, op) for p, methods in document["paths"].items() for m, op in methods.items()]
    assert len(operations) == 47
    assert "HTTPValidationError" not in str(document)
    refus = document["components"]["schemas"]["Refus"]
    assert refus["required"] == ["detail"]
    for method, path, op in operations:
        for status, answer in op["responses"].items():
            if status.startswith("4"):
                assert list(answer["content"]) == ["application/json"], (method, path, status)
    timbres = document["paths"]["/api/v1/timbres"]["post"]["responses"]
    assert timbres["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Refus"}
    assert timbres["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Refus"}
    assert timbres["402"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Refus"}


def test_an_undeclared_method_gets_405_with_every_allowed_method(contract_backend):
    response = requests.request("TRACE", contract_backend.url + "/api/v1/sessions/current", timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET"
    assert response.json()["detail"]["code"] == "methode_non_autorisee"
