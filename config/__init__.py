"""Typed settings of a kiosk, read from TOML files layered over packaged defaults.

The packaged ``defaults.toml`` is read first, then each site file given (for an
appliance ``/etc/pointnum/kiosk.toml``), each overriding the keys it sets; a
file written for an older ``config_version`` is migrated first (``MIGRATIONS``).
A wrong key or value raises :class:`ConfigError` naming the file, the key and
the value, so that a technician knows what to fix.
"""

from __future__ import annotations

from ._settings import (
    CONFIG_VERSION,
    MIGRATIONS,
    A4Settings,
    AntsSettings,
    ConfigError,
    Migration,
    PrinterSettings,
    ScannerSettings,
    Settings,
    SiteSettings,
    StatsSettings,
    UiSettings,
    WorkspaceSettings,
    load_settings,
    migration,
)

__all__ = [
    "CONFIG_VERSION",
    "MIGRATIONS",
    "A4Settings",
    "AntsSettings",
    "ConfigError",
    "Migration",
    "PrinterSettings",
    "ScannerSettings",
    "Settings",
    "SiteSettings",
    "StatsSettings",
    "UiSettings",
    "WorkspaceSettings",
    "load_settings",
    "migration",
]
