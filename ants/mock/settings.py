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
    # Seed 003 shows "1 page / 5 pages maximum" per pièce; the values are UNCONFIRMED.
    return {"identite": 2, "domicile": 5, "recepisse_vol": 1, "avis_medical": 2, "assr": 1, "jdc": 1,
            "titre_sejour": 2, "cepc": 1, "justificatif_etat_civil": 5, "volet_conversion": 2,
            "attestation_formation": 2, "diplome_pro": 2, "decision": 5, "permis_etranger": 2,
            "traduction_permis": 4, "attestation_droits": 3, "traduction_attestation": 4,
            "certificat_cession": 2, "certificat_situation": 2, "carte_grise": 2,
            "controle_technique": 4, "attestation_assurance": 2, "mandat": 3}


def _default_piece_max_age_days() -> dict[str, int]:
    # Checked against dossier["pieces_dates"][piece]: domicile 6 months (SP F31847), CEPC 4 months,
    # attestation des droits 3 months (SP F1460), situation administrative 15 days, CT 6 months (SP F1707).
    return {"domicile": 183, "cepc": 122, "attestation_droits": 92, "certificat_situation": 15,
            "controle_technique": 183}


def _default_frais() -> dict[str, Decimal]:
    # Passport/CNI from SP F1341/F14929 (passport 15-17: 42 €, under 15: 17 €); carte grise Y4/Y5 and
    # the regional cheval fiscal are UNCONFIRMED (they vary by region and year).
    return {"cni_perte_vol": Decimal("25.00"), "passeport_majeur": Decimal("86.00"),
            "passeport_15_17": Decimal("42.00"), "passeport_moins_15": Decimal("17.00"),
            "cg_taxe_fixe": Decimal("11.00"), "cg_acheminement": Decimal("2.76"),
            "cg_cheval_fiscal": Decimal("42.00"), "permis_fin_validite": Decimal("0.00")}


def _default_coordination_ids() -> dict[str, str]:
    # ANTS GitLab test ids (ANTS.md §5B). The source lists 004-005 both as validated and declared:
    # the mock gives them to "declared".
    ids = {f"SOLOCAL{n:03d}": "validated" for n in range(1, 4)}
    ids.update({f"SOLOCAL{n:03d}": "declared" for n in range(4, 7)})
    ids.update({f"SOLOCAL{n:03d}": "consumed" for n in range(7, 10)})
    ids.update({f"SOLOCAL{n:03d}": "expired" for n in range(10, 13)})
    return ids


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
    #: Most pixels an image (or a TIFF frame) may have, checked before it is decoded: an A4
    #: sheet at 600 dpi, 1.2 times larger each way (5953 x 8419, about 50 million).
    max_image_pixels: int = round(210 / 25.4 * 600 * 1.2) * round(297 / 25.4 * 600 * 1.2)
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
    #: Maximum age in days of a pièce, checked against the declared ``pieces_dates``.
    piece_max_age_days: dict[str, int] = field(default_factory=_default_piece_max_age_days)
    #: Whether a pièce with a maximum age must come with its date (else only a declared date is checked).
    piece_dates_required: bool = False
    #: Fees other than the permis duplicata, in euros (see PROCEDURES.md).
    frais: dict[str, Decimal] = field(default_factory=_default_frais)
    #: Format of a carte-grise numéro de dossier (same fields as ``numero_format``).
    numero_format_cg: str = "CG{annee}{alea}"
    #: Code de cession (UNCONFIRMED): length and alphabet, and how long it stays usable.
    code_cession_length: int = 8
    code_cession_alphabet: str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    cession_validity_days: int = 15
    #: Changement de titulaire needs a FranceConnect session (SP F1050).
    titulaire_requires_franceconnect: bool = True
    #: Permis international: originals must reach the CERT within this many days (SP F11534).
    international_post_days: int = 60
    #: A pré-demande CNI/passeport becomes "expired" after this many days (UNCONFIRMED).
    predemande_validity_days: int = 180
    #: Token of the agents' portal (``Authorization: Bearer``) and of the coordination API header.
    agent_token: str = "agent-cert-demo"
    rdv_opt_token: str = "rdv-opt-demo"
    #: Coordination test ids and their fixed status.
    coordination_test_ids: dict[str, str] = field(default_factory=_default_coordination_ids)
    #: FranceConnect stand-in: issuer path, the ANTS client registered with it, token lifetime.
    franceconnect_client_id: str = "ants-mock-fs"
    franceconnect_client_secret: str = "ants-mock-fs-secret-0123456789abcdef"
    franceconnect_redirect_uris: list = field(default_factory=lambda: ["http://localhost/franceconnect/callback"])
    franceconnect_token_ttl_seconds: int = 60
    #: Faults active from start-up, each a table like the body of POST /api/v1/formation/pannes
    #: (``nombre`` 0 = unlimited).
    pannes: list = field(default_factory=list)

    def amount_for(self, motif: str, code_postal: str) -> Decimal:
        for prefix, amount in self.timbre_reduced_rates.items():
            if code_postal.startswith(prefix):
                return amount
        return self.timbre_amounts[motif]


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
        defaults = cls()
        for name, value in data.items():
            values[name] = _coerce(name, value, getattr(defaults, name), source)
            if name in _MERGED:  # a file names the entries it changes, the others keep their default
                values[name] = {**getattr(defaults, name), **values[name]}
        settings = cls(**values)
        settings._check(source)
        return settings

    def _check(self, source: str) -> None:
        if self.max_upload_bytes <= 0 or self.max_request_bytes <= 0 or self.max_image_pixels <= 0:
            raise SettingsError(f"{source}: sizes must be positive")
        if any(v < 1 for v in self.page_limits.values()):
            raise SettingsError(f"{source}: page_limits must be >= 1")
        for piece in _default_page_limits():
            if piece not in self.page_limits:
                raise SettingsError(f"{source}: page_limits must define {piece!r}")
        if self.code_cession_length < 4 or len(set(self.code_cession_alphabet)) < 10:
            raise SettingsError(f"{source}: code_cession needs 4+ characters from 10+ symbols")
        if not self.code_cession_alphabet.isalnum():
            raise SettingsError(f"{source}: code_cession_alphabet must be letters and digits")
        for panne in self.pannes:
            if not isinstance(panne, dict):
                raise SettingsError(f"{source}: pannes must be a list of tables")
            unknown = set(panne) - {"statut", "delai_s", "nombre", "methode", "chemin", "mode", "probabilite"}
            if unknown:
                raise SettingsError(f"{source}: pannes: unknown key(s) {', '.join(sorted(unknown))}")
            if panne.get("mode", "erreur") not in ("erreur", "latence", "timeout", "coupure"):
                raise SettingsError(f"{source}: pannes: mode is erreur, latence, timeout or coupure")
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


_MERGED = {"page_limits", "piece_max_age_days", "frais", "timbre_amounts"}


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
    if isinstance(default, list):
        if not isinstance(value, list):
            raise bad("a list")
        return list(value)
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
