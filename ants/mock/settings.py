"""The mock's own knobs for facts nobody could confirm (ANTS.md, "UNCONFIRMED").

Every field has a documented default; a TOML file given with ``--settings``
overrides any of them. Unknown keys are refused so a typo cannot silently
leave a default in place.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any


def _default_page_limits() -> dict[str, int]:
    return {"identite": 2, "domicile": 5, "recepisse_vol": 1, "avis_medical": 2}


def _default_timbre_amounts() -> dict[str, Decimal]:
    return {"perte": Decimal("25.00"), "vol": Decimal("25.00"), "deterioration": Decimal("25.00")}


def _default_reduced_rates() -> dict[str, Decimal]:
    # SP F34118: 12,50 € in Guyane (postcodes 973xx) instead of 25 €.
    return {"973": Decimal("12.50")}


def _default_test_cards() -> dict[str, str]:
    # All Luhn-valid. Any other Luhn-valid number is "carte_inconnue".
    return {
        "4970100000000014": "acceptee",
        "4970100000000022": "refusee",
        "4970100000000055": "expiree",
    }


class SettingsError(ValueError):
    """The settings file cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class MockSettings:
    #: Largest accepted file, in bytes (UNCONFIRMED; 11 MB by default).
    max_upload_bytes: int = 11 * 1024 * 1024
    #: Largest whole request (all pièces plus the dossier), in bytes.
    max_request_bytes: int = 64 * 1024 * 1024
    #: Pages (PDF pages, TIFF frames; other images count 1) allowed per pièce;
    #: the keys are also the pièces the mock knows.
    page_limits: dict[str, int] = field(default_factory=_default_page_limits)
    #: Whether a "vol" dossier must carry the police récépissé (UNCONFIRMED).
    vol_requires_recepisse: bool = True
    #: Timbre fiscal amount per motif, in euros.
    timbre_amounts: dict[str, Decimal] = field(default_factory=_default_timbre_amounts)
    #: Postcode prefix -> amount that replaces the motif's amount (Guyane).
    timbre_reduced_rates: dict[str, Decimal] = field(default_factory=_default_reduced_rates)
    #: A timbre électronique stays usable this long (SP F34118: 1 year).
    timbre_validity_days: int = 365
    #: A photo-signature code stays usable this long (secondary sources: 6 months).
    photo_code_validity_days: int = 183
    #: Format of a numéro de demande (UNCONFIRMED). Fields: ``annee`` (int),
    #: ``seq`` (int, 1-based), ``alea`` (8 random capitals/digits).
    numero_format: str = "PC{annee}{alea}"
    #: Lifetime of a guest session token, in seconds.
    session_ttl_seconds: int = 3600
    #: Card number -> outcome ("acceptee", "refusee", "expiree") for the timbre shop.
    test_cards: dict[str, str] = field(default_factory=_default_test_cards)
    #: How many demo photo codes, 25 € timbres and 12,50 € timbres to seed.
    seed_photo_codes: int = 20
    seed_timbres: int = 20
    seed_timbres_reduced: int = 3

    def amount_for(self, motif: str, code_postal: str) -> Decimal:
        for prefix, amount in self.timbre_reduced_rates.items():
            if code_postal.startswith(prefix):
                return amount
        return self.timbre_amounts[motif]

    def required_pieces(self, motif: str) -> list[str]:
        pieces = ["identite", "domicile"]
        if motif == "vol" and self.vol_requires_recepisse:
            pieces.append("recepisse_vol")
        return pieces

    @classmethod
    def from_toml(cls, path: Path) -> "MockSettings":
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: {exc}") from exc
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "settings") -> "MockSettings":
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise SettingsError(f"{source}: unknown key(s) {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name, value in data.items():
            values[name] = _coerce(name, value, getattr(cls(), name), source)
        settings = cls(**values)
        settings._check(source)
        return settings

    def _check(self, source: str) -> None:
        if self.max_upload_bytes <= 0 or self.max_request_bytes <= 0:
            raise SettingsError(f"{source}: sizes must be positive")
        if any(v < 1 for v in self.page_limits.values()):
            raise SettingsError(f"{source}: page_limits must be >= 1")
        for piece in ("identite", "domicile", "recepisse_vol"):
            if piece not in self.page_limits:
                raise SettingsError(f"{source}: page_limits must define {piece!r}")
        if set(self.timbre_amounts) != {"perte", "vol", "deterioration"}:
            raise SettingsError(f"{source}: timbre_amounts needs perte, vol, deterioration")
        if set(self.test_cards.values()) - {"acceptee", "refusee", "expiree"}:
            raise SettingsError(f"{source}: test_cards outcomes are acceptee, refusee, expiree")
        try:
            sample = self.numero_format.format(annee=2024, seq=1, alea="ABCD2345")
        except (KeyError, IndexError, ValueError) as exc:
            raise SettingsError(f"{source}: numero_format: {exc}") from exc
        if not re.fullmatch(r"[A-Za-z0-9-]{6,40}", sample):
            raise SettingsError(f"{source}: numero_format must give 6-40 letters, digits or '-'")


def _coerce(name: str, value: Any, default: Any, source: str) -> Any:
    def bad(expected: str) -> SettingsError:
        return SettingsError(f"{source}: {name} must be {expected}, not {value!r}")

    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise bad("a string")
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise bad("a table")
        sample = next(iter(default.values()))
        out = {}
        for key, item in value.items():
            if isinstance(sample, Decimal):
                if isinstance(item, bool) or not isinstance(item, (int, float, str)):
                    raise bad("a table of amounts")
                out[str(key)] = Decimal(str(item)).quantize(Decimal("0.01"))
            elif isinstance(sample, int):
                if isinstance(item, bool) or not isinstance(item, int):
                    raise bad("a table of integers")
                out[str(key)] = item
            else:
                if not isinstance(item, str):
                    raise bad("a table of strings")
                out[str(key)] = item
        return out
    raise bad("a supported value")  # pragma: no cover
