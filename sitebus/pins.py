"""The mediators' PINs: a slow salted hash (scrypt, from Python's hashlib) kept
in the site config (``[mediators] pins``), never the PIN itself; and the
lockout after too many wrong PINs. The kiosk's assist mode and the console
check PINs the same way.

A PIN is short: what protects it is the hash's cost (scrypt n=2**14, r=8: some
50 ms and 16 MiB a try) and the lockout (five failures lock PIN entry for five
minutes), not its length.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Mapping

N, R, P = 2**14, 8, 1
_PIN = re.compile(r"^[0-9]{4,12}$")


class PinError(ValueError):
    """A PIN that is not 4 to 12 digits, or a stored hash that is not one of ours."""


def hash_pin(pin: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) for ``pin``."""
    if not _PIN.match(pin):
        raise PinError("un code de 4 à 12 chiffres")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            raise PinError(f"hash {kind!r}: scrypt expected")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
            dklen=len(expected),
        )
    except (ValueError, TypeError) as exc:
        raise PinError("stored PIN hash unreadable") from exc
    return hmac.compare_digest(got, expected)


class PinGate:
    """Who a PIN belongs to, with a lockout after ``max_failures`` wrong PINs in a row."""

    def __init__(
        self,
        pins: Mapping[str, str],
        *,
        max_failures: int = 5,
        lockout_s: float = 300.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pins = dict(pins)
        self.max_failures, self.lockout_s, self._now = max_failures, lockout_s, now
        self.failures = 0
        self.locked_until = 0.0

    @property
    def locked(self) -> bool:
        return self._now() < self.locked_until

    def remaining_s(self) -> int:
        return max(0, int(self.locked_until - self._now() + 0.999))

    def check(self, pin: str) -> str | None:
        """The mediator whose PIN this is, or None (a failure counted). Locked: always None, nothing counted."""
        if self.locked:
            return None
        for name, stored in self.pins.items():
            try:
                if verify_pin(pin, stored):
                    self.failures = 0
                    return name
            except PinError:
                continue  # one unreadable entry does not stop the others (kioskctl doctor names it)
        self.failures += 1
        if self.failures >= self.max_failures:
            self.failures = 0
            self.locked_until = self._now() + self.lockout_s
        return None
