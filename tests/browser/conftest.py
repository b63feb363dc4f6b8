"""A virtual screen for the locked window and the fingers on it (tests/window_fingers.py)."""

from __future__ import annotations

import pytest

from window_fingers import Fingers, missing_parts, virtual_screen


@pytest.fixture(scope="session")
def display():
    missing = missing_parts()
    if missing:
        pytest.fail(missing, pytrace=False)
    with virtual_screen() as name:
        yield name


@pytest.fixture
def on_screen(display, monkeypatch):
    """The window's process is given this display (LockedWindow keeps DISPLAY)."""
    monkeypatch.setenv("DISPLAY", display)
    return display


@pytest.fixture
def fingers(on_screen) -> Fingers:
    return Fingers(on_screen)
