"""Names a package exports, loaded from their module on first use (PEP 562).

A package's ``__init__`` lists its public names in a table (name → module,
or ``"module:attribute"`` when the name differs) and gets its module-level
``__getattr__`` and ``__dir__`` from :func:`lazy_exports`: importing the
package costs nothing, and each library (Pillow, python-escpos, requests…)
loads with the first name that needs it, off the welcome screen's path.

It sits in ``drivers/`` because that is the lowest package both users may
import: ``session/`` may import ``drivers/``, never the reverse.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose public names are ``exports``."""

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = exports[name].partition(":")
        return getattr(import_module(f".{module}", package), attribute or name)

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__
