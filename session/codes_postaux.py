"""The communes of a code postal, offline.

A person at the kiosk types their code postal; the commune then comes by
itself when the code has only one, or is offered among the few that share it
(two thirds of the codes are shared: 51300 has 46 communes). The table is
``session/data/codes_postaux.tsv``, made by ``scripts/make_codes_postaux.py``
from the npm package codes-postaux (INSEE's Code officiel géographique and the
DGFiP's FIMOCT; its source and version are written in the file's first lines).
No network: the kiosk works the same when the line is down.

The table only helps: a code it does not know (a new one, a CEDEX) is not
refused, the person types the commune's name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Commune", "communes", "folded", "matching", "source"]


@dataclass(frozen=True)
class Commune:
    nom: str
    #: INSEE's code of the commune (2A004 for Ajaccio, 97411 for Saint-Denis de La Réunion).
    code_insee: str

    @property
    def departement(self) -> str:
        """Its département: 2 characters (75, 2A, 2B), 3 overseas (971 to 976)."""
        return self.code_insee[:3] if self.code_insee.startswith("97") else self.code_insee[:2]


@cache
def _table() -> tuple[str, dict[str, list[str]]]:
    """The file's first line, and its lines by code postal (made into communes when asked)."""
    text = resources.files("session").joinpath("data/codes_postaux.tsv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].lstrip("# ") if lines and lines[0].startswith("#") else ""
    by_code: dict[str, list[str]] = {}
    for line in lines:
        if line and not line.startswith("#"):
            by_code.setdefault(line[:5], []).append(line[6:])
    return header, by_code


@cache
def _communes(code_postal: str) -> tuple[Commune, ...]:
    found = []
    for rest in _table()[1].get(code_postal, ()):
        insee, nom = rest.split("\t", 1)
        found.append(Commune(nom, insee))
    return tuple(sorted(found, key=lambda c: folded(c.nom)))


def source() -> str:
    """Where the table comes from, as its first line says (package and version)."""
    return _table()[0]


def communes(code_postal: str) -> tuple[Commune, ...]:
    """The communes of ``code_postal`` in alphabetical order; () when the table does not know it."""
    return _communes((code_postal or "").strip())


def folded(text: str) -> str:
    """How names are compared: no accents, no case, hyphens and apostrophes as spaces."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    for mark in "-'’":
        plain = plain.replace(mark, " ")
    return " ".join(plain.split())


def matching(code_postal: str, typed: str = "") -> tuple[Commune, ...]:
    """The communes of ``code_postal`` whose name, or one of its words, begins with
    what was typed ("st" finds neither: "saint" does; "sur" finds Châtillon-sur-…)."""
    start = folded(typed)
    found = communes(code_postal)
    if not start:
        return found
    first = tuple(c for c in found if folded(c.nom).startswith(start))
    return first + tuple(c for c in found if c not in first and f" {start}" in f" {folded(c.nom)}")
