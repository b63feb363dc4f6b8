"""The words of each family of procedures (permis, carte grise, identité):
how the document reaches the person and where the demande is followed. They
are data (session/families.toml), one table per group of the catalogue, so
that a carte grise never says "Le permis arrivera chez vous"."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FAMILIES_FILE = Path(__file__).with_name("families.toml")


@dataclass(frozen=True)
class Family:
    group: str
    #: What happens after the demande is sent, shown on the confirmation screen.
    delivery: str
    #: Where to follow the demande, with ``{numero}``: the récépissé's QR code.
    suivi_url: str


@cache
def families() -> dict[str, Family]:
    with FAMILIES_FILE.open("rb") as f:
        data = tomllib.load(f)
    out = {}
    for group, entry in data.items():
        try:
            out[group] = Family(group, str(entry["delivery"]), str(entry["suivi_url"]))
        except KeyError as exc:
            raise ValueError(f"{FAMILIES_FILE}: [{group}] has no {exc.args[0]!r}") from None
    return out


def family_of(group: str) -> Family:
    """The family of a procedure's group; KeyError names a group with none."""
    try:
        return families()[group]
    except KeyError:
        raise KeyError(f"{FAMILIES_FILE} has no [{group}] for this group of procedures") from None
