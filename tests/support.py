"""Helpers shared by the tests (fixtures are in conftest.py)."""
import random
import string


def make_canary(prefix: str = "") -> str:
    """A name made up for this run only: letters, so every validator takes it,
    and found in no file unless the kiosk wrote it there."""
    letters = "".join(random.choice(string.ascii_lowercase) for _ in range(12))
    return (prefix + letters).capitalize()
