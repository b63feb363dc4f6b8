from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ._base import Scanner
from ._sane import SaneScanner
from ._simulated import SimulatedScanner

if TYPE_CHECKING:
    from config import ScannerSettings


def _sane(s: "ScannerSettings") -> Scanner:
    return SaneScanner(device=s.device, mode=s.mode, resolution=s.resolution, timeout=s.timeout)


def _simulated(s: "ScannerSettings") -> Scanner:
    return SimulatedScanner(folder=s.folder or None, fault=s.fault, resolution=s.resolution)


#: ``scanner.driver`` -> builder.
SCANNER_DRIVERS: dict[str, Callable[["ScannerSettings"], Scanner]] = {
    "sane": _sane,
    "simulated": _simulated,
}


def make_scanner(settings: "ScannerSettings") -> Scanner:
    """The scanner named by ``settings.driver``."""
    try:
        build = SCANNER_DRIVERS[settings.driver]
    except KeyError:
        raise ValueError(f"unknown scanner driver {settings.driver!r}: "
                         f"expected one of {sorted(SCANNER_DRIVERS)}") from None
    return build(settings)
