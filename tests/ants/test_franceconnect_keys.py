"""The FranceConnect stand-in's signing key: ES256, made in memory at start,
its public half published; what it verifies (ants/mock/franceconnect.py)."""

from __future__ import annotations

import time

import jwt
import pytest

from ants.mock.franceconnect import SigningKey


def claims(**change) -> dict:
    now = int(time.time())
    return {"iss": "urn:test", "sub": "abc", "aud": "ants-mock-fs", "iat": now, "exp": now + 60, **change}


def test_a_token_is_es256_under_the_published_kid_and_verifies_with_the_public_key_alone():
    key, signed = SigningKey(), claims()
    token = key.sign(signed)
    (published,) = key.jwks["keys"]
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "typ": "JWT", "kid": key.kid}
    assert published["kid"] == key.kid and "d" not in published
    assert jwt.decode(token, jwt.PyJWK(published), algorithms=["ES256"], audience="ants-mock-fs")["sub"] == "abc"
    assert key.verify(token, "ants-mock-fs") == signed


@pytest.mark.parametrize(
    "why, change",
    [
        ("expired", {"exp": int(time.time()) - 5}),
        ("for another client", {"aud": "un-autre-fs"}),
    ],
)
def test_a_token_expired_or_for_another_client_is_refused(why, change):
    key = SigningKey()
    with pytest.raises(ValueError, match="invalid token"):
        key.verify(key.sign(claims(**change)), "ants-mock-fs")


def test_a_token_without_expiry_is_refused():
    key = SigningKey()
    token = key.sign({k: v for k, v in claims().items() if k != "exp"})
    with pytest.raises(ValueError, match="exp"):
        key.verify(token, "ants-mock-fs")


def test_after_a_restart_the_old_tokens_are_refused():
    before, after = SigningKey(), SigningKey()
    assert before.kid != after.kid
    with pytest.raises(ValueError, match="invalid token"):
        after.verify(before.sign(claims()), "ants-mock-fs")
