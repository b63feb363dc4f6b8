"""Every endpoint of /openapi.json, fed random input well off its schema (any
JSON, forms, raw bytes, odd path parameters, tokens of every kind): always a
success or a coded 4xx that the document declares for that operation, with
the body the document gives, never a 5xx nor a traceback. test_contract.py
runs schemathesis from the schema itself; this fuzz sends what no schema
would generate."""

from __future__ import annotations

import json
import re

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ants_builders import AGENT_TOKEN, RDV_TOKEN

# Injecting faults would fail the other tests: only the read of the fault list is fuzzed.
SKIP = {("POST", "/api/v1/formation/pannes"), ("DELETE", "/api/v1/formation/pannes")}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=15), children, max_size=6),
    max_leaves=15,
)
texts = st.text(max_size=30) | st.sampled_from(
    ["", "SOLOCAL001", "AB-123-CD", "permis-perte", "0" * 16, "-1", "1980-02-31", "../../etc", "%00", "ÉÀ'"]
)


def operations(url: str) -> list[tuple[str, str, dict]]:
    spec = requests.get(url + "/openapi.json", timeout=5).json()
    out = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if (method.upper(), path) not in SKIP:
                out.append((method.upper(), path, op))
    return out


@pytest.fixture(scope="module")
def ops(mock_backend):
    return operations(mock_backend.url)


@pytest.fixture(scope="module")
def guest_token(ants):
    return ants.token()


@pytest.fixture(scope="module")
def document(mock_backend):
    return schemathesis.openapi.from_url(mock_backend.url + "/openapi.json")


def _check(document, method: str, path: str, op: dict, response: requests.Response) -> None:
    where = (method, response.request.url, response.status_code, response.text[:300])
    assert response.status_code < 500, where
    assert "Traceback" not in response.text
    assert str(response.status_code) in op["responses"], ("status not in the document", *where)
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/json", where
        body = response.json()
        assert isinstance(body.get("detail"), (dict, str)), where
    # The body against the schema the document declares for this operation and status.
    document[path][method].validate_response(response)


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_endpoint_answers_bad_input_as_its_document_says(mock_backend, ops, document, guest_token, data):
    method, path, op = data.draw(st.sampled_from(ops), label="operation")
    url = mock_backend.url + re.sub(
        r"\{[^}]+\}", lambda _: requests.utils.quote(data.draw(texts, label="path param") or "x", safe=""), path
    )
    params = {
        p["name"]: data.draw(texts, label=p["name"])
        for p in op.get("parameters", [])
        if p["in"] == "query" and data.draw(st.booleans())
    }
    token = data.draw(st.sampled_from([None, guest_token, AGENT_TOKEN, "garbage"]), label="token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if path.startswith("/coordination"):
        headers["x-rdv-opt-auth-token"] = data.draw(st.sampled_from([RDV_TOKEN, "bad"]))
    kind = data.draw(st.sampled_from(["json", "form", "multipart", "raw", "none"]), label="body")
    kwargs: dict = {}
    if method in ("POST", "PUT", "DELETE"):
        if kind == "json":
            kwargs["json"] = data.draw(json_values, label="json")
        elif kind == "form":
            kwargs["data"] = data.draw(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5))
        elif kind == "multipart":
            dossier = data.draw(json_values, label="dossier")
            kwargs["files"] = [
                ("dossier", (None, json.dumps(dossier))),
                (
                    data.draw(st.sampled_from(["piece:identite", "piece:x", "autre"])),
                    ("f.pdf", data.draw(st.binary(max_size=200)), "application/pdf"),
                ),
            ]
        elif kind == "raw":
            kwargs["data"] = data.draw(st.binary(max_size=200))
            headers["Content-Type"] = data.draw(
                st.sampled_from(["application/json", "multipart/form-data", "text/plain"])
            )
    response = requests.request(
        method, url, params=params, headers=headers, timeout=10, allow_redirects=False, **kwargs
    )
    _check(document, method, path, op, response)
