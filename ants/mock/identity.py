"""How a kiosk knows the mock answering it is the one it started (light: no FastAPI).

The kiosk starts the mock with a fresh secret in ``IDENTITY_ENV``; it then sends
a fresh challenge in the ``CHALLENGE`` header of ``GET /health`` and checks the
HMAC-SHA256 the mock returns in ``PROOF``. A process that does not hold the
secret (a mock left by another run, any server on the port) cannot answer it,
and the secret itself never crosses the socket.
"""

from __future__ import annotations

import hashlib
import hmac

IDENTITY_ENV = "ANTS_MOCK_IDENTITY"
CHALLENGE, PROOF = "X-Mock-Challenge", "X-Mock-Proof"
#: The longest challenge the mock answers.
MAX_CHALLENGE = 128


def proof(secret: bytes, challenge: str) -> str:
    return hmac.new(secret, challenge.encode(), hashlib.sha256).hexdigest()
