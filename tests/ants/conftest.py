"""Fixtures of the ANTS tests; the builders live in ``ants_builders``."""

from __future__ import annotations

import pytest

from ants import AntsClient
from ants_builders import Ants, Procedures


@pytest.fixture(scope="session")
def ants(mock_backend) -> Ants:
    return Ants(mock_backend.url)


@pytest.fixture(scope="session")
def proc(mock_backend) -> Procedures:
    return Procedures(mock_backend.url)


@pytest.fixture
def client(mock_backend):
    client = AntsClient(mock_backend.url, timeout=10, retries=2, backoff_factor=0)
    yield client
    client.close()
