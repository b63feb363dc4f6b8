"""Mock ANTS backend: ANTS's stand-in with its own rules and SQLite storage.

It never imports ``session/``, ``kiosk/`` or ``drivers/``: sharing the kiosk's
rules would make it agree with the kiosk's mistakes.
"""

from .settings import MockSettings, SettingsError

__all__ = ["MockSettings", "SettingsError", "create_app"]


def create_app(store, settings, identity: bytes | None = None):
    """Build the FastAPI app (imported lazily so settings load without FastAPI)."""
    from .app import create_app as _create_app

    return _create_app(store, settings, identity)
