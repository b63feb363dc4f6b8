"""The window's allow-list (browser/_allow.py): which addresses may be shown."""

from __future__ import annotations

import pytest

from browser import allowed

ALLOW = ["127.0.0.1:8765", "franceconnect.gouv.fr", "127.0.0.1:50123"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765/connexion/franceconnect?x=1",
        "https://franceconnect.gouv.fr/api/v2/authorize",
        "https://FranceConnect.gouv.fr:443/",
        "http://127.0.0.1:50123/franceconnect/callback?code=a&state=b",
        "about:blank",
    ],
)
def test_allowed(url):
    assert allowed(url, ALLOW)


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://127.0.0.1:9999/", "another port of the same host"),
        ("http://franceconnect.gouv.fr/", "plain http off loopback"),
        ("https://franceconnect.gouv.fr:8443/", "another port"),
        ("https://evil.franceconnect.gouv.fr.example/", "a look-alike host"),
        ("https://www.impots.gouv.fr/aide-connexion", "a host not listed"),
        ("file:///etc/passwd", "a file"),
        ("javascript:alert(1)", "a script"),
        ("data:text/html,<h1>x</h1>", "a data page"),
        ("http://127.0.0.1:99999/", "a port that is no port"),
    ],
)
def test_refused(url, why):
    assert not allowed(url, ALLOW), why
