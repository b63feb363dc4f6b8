"""Scanners by ``scanner.driver``. Each builder imports its scanner's module
when called: both need Pillow, and the settings import this module for the
driver names alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from ._base import Scanner

if TYPE_CHECKING:
    from config import ScannerSettings

#: The scanners ``scanner.driver`` may name: the keys of SCANNER_DRIVERS, the choices
#: the settings offer (config/_settings.py), defined here only.
ScannerDriver = Literal["sane", "simulated"]


def _sane(s: ScannerSettings) -> Scanner:
    from ._sane import SaneScanner

    # options: extra SANE options by name, a newer setting read with a default
    return SaneScanner(
        device=s.device,
        mode=s.mode,
        resolution=s.resolution,
        timeout=s.timeout,
        options=dict(getattr(s, "options", None) or {}),
    )


def _simulated(s: ScannerSettings) -> Scanner:
    from ._simulated import SimulatedScanner

    # duplex and fault_file are newer settings: read with a default until
    # config/ has them
    return SimulatedScanner(
        folder=s.folder or None,
        fault=s.fault,
        resolution=s.resolution,
        duplex=bool(getattr(s, "duplex", False)),
        adf_pages=int(getattr(s, "adf_pages", 3)),
        fault_file=getattr(s, "fault_file", "") or None,
        page_seconds=float(getattr(s, "page_seconds", 0.0)),
    )


#: ``scanner.driver`` -> builder.
SCANNER_DRIVERS: dict[ScannerDriver, Callable[[ScannerSettings], Scanner]] = {
    "sane": _sane,
    "simulated": _simulated,
}


def make_scanner(settings: ScannerSettings) -> Scanner:
    """The scanner named by ``settings.driver``."""
    try:
        build = SCANNER_DRIVERS[settings.driver]
    except KeyError:
        raise ValueError(
            f"unknown scanner driver {settings.driver!r}: expected one of {sorted(SCANNER_DRIVERS)}"
        ) from None
    return build(settings)
