"""The mock's own knobs for facts nobody could confirm (ANTS.md, "UNCONFIRMED").

One pydantic model: every field has its type, a documented default and its
limits; a TOML file given with ``--settings`` overrides any of them (for the
tables marked so, only the entries it names). Unknown keys are refused so a
typo cannot silently leave a default in place, and values are strict (``true``,
not ``"yes"``). A bad file gives one line naming the key, the value and what is
expected (:class:`SettingsError`).
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from .faults import MODES

#: The fixed status of a coordination test id.
CoordinationStatus = Literal["validated", "declared", "consumed", "expired"]


def _default_page_limits() -> dict[str, int]:
    # Seed 003 shows "1 page / 5 pages maximum" per pièce; the values are UNCONFIRMED.
    return {
        "identite": 2,
        "domicile": 5,
        "recepisse_vol": 1,
        "avis_medical": 2,
        "assr": 1,
        "jdc": 1,
        "titre_sejour": 2,
        "cepc": 1,
        "justificatif_etat_civil": 5,
        "volet_conversion": 2,
        "attestation_formation": 2,
        "diplome_pro": 2,
        "decision": 5,
        "permis_etranger": 2,
        "traduction_permis": 4,
        "attestation_droits": 3,
        "traduction_attestation": 4,
        "certificat_cession": 2,
        "certificat_situation": 2,
        "carte_grise": 2,
        "controle_technique": 4,
        "attestation_assurance": 2,
        "mandat": 3,
    }


def _default_piece_max_age_days() -> dict[str, int]:
    # Checked against dossier["pieces_dates"][piece]: domicile 6 months (SP F31847), CEPC 4 months,
    # attestation des droits 3 months (SP F1460), situation administrative 15 days, CT 6 months (SP F1707).
    return {
        "domicile": 183,
        "cepc": 122,
        "attestation_droits": 92,
        "certificat_situation": 15,
        "controle_technique": 183,
    }


def _default_frais() -> dict[str, Decimal]:
    # Passport/CNI from SP F1341/F14929 (passport 15-17: 42 €, under 15: 17 €); carte grise Y4/Y5 and
    # the regional cheval fiscal are UNCONFIRMED (they vary by region and year).
    return {
        "cni_perte_vol": Decimal("25.00"),
        "passeport_majeur": Decimal("86.00"),
        "passeport_15_17": Decimal("42.00"),
        "passeport_moins_15": Decimal("17.00"),
        "cg_taxe_fixe": Decimal("11.00"),
        "cg_acheminement": Decimal("2.76"),
        "cg_cheval_fiscal": Decimal("42.00"),
        "permis_fin_validite": Decimal("0.00"),
    }


def _default_coordination_ids() -> dict[str, CoordinationStatus]:
    # ANTS GitLab test ids (ANTS.md §5B). The source lists 004-005 both as validated and declared:
    # the mock gives them to "declared".
    ids: dict[str, CoordinationStatus] = {f"SOLOCAL{n:03d}": "validated" for n in range(1, 4)}
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


# -- Field types ----------------------------------------------------------------------


def _problem(reason: str) -> PydanticCustomError:
    return PydanticCustomError("setting", reason)


def _amount(value: Any) -> Any:
    """Euros from a TOML number or string, to the cent."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise _problem("must be an amount")
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise _problem("must be an amount") from None


def _outcome(value: str) -> str:
    if value not in ("acceptee", "refusee", "expiree"):
        raise _problem("outcomes are acceptee, refusee, expiree")
    return value


def _numero_format(value: str) -> str:
    try:
        sample = value.format(annee=2024, seq=1, alea="ABCD2345")
    except (KeyError, IndexError, ValueError):
        raise _problem("may use the fields {annee}, {seq} and {alea} only") from None
    if not re.fullmatch(r"[A-Za-z0-9-]{6,40}", sample):
        raise _problem("must give 6-40 letters, digits or '-'")
    return value


def _alphabet(value: str) -> str:
    if not value.isalnum() or len(set(value)) < 10:
        raise _problem("must be 10 or more different letters and digits")
    return value


def _every_piece(value: dict[str, int]) -> dict[str, int]:
    missing = sorted(set(_default_page_limits()) - set(value))
    if missing:
        raise _problem(f"must define {', '.join(repr(p) for p in missing)}")
    return value


def _every_motif(value: dict[str, Decimal]) -> dict[str, Decimal]:
    if set(value) != {"perte", "vol", "deterioration"}:
        raise _problem("needs perte, vol, deterioration")
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Positive = Annotated[int, Field(gt=0)]
Count = Annotated[int, Field(ge=0)]
Days = Annotated[int, Field(ge=0)]  # 0: expired at once (training the "expired" case)
NumeroFormat = Annotated[str, AfterValidator(_numero_format)]
CardOutcome = Annotated[str, AfterValidator(_outcome)]


class StartupFault(TypedDict, total=False):
    """A fault from start-up: the body of POST /api/v1/formation/pannes, but
    ``nombre`` 0 (until cleared) by default."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]
    statut: Annotated[int, Field(ge=400, le=599)]
    delai_s: Annotated[float, Field(ge=0, le=120)]
    nombre: Count
    methode: str
    chemin: str
    mode: Literal[MODES]  # type: ignore[valid-type]
    probabilite: Annotated[float, Field(gt=0, le=1)]


class MockSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    max_upload_bytes: Positive = Field(
        default=11 * 1024 * 1024, description=("Largest accepted file, in bytes (UNCONFIRMED; 11 MB by default).")
    )
    max_request_bytes: Positive = Field(
        default=64 * 1024 * 1024, description=("Largest whole request (all pièces plus the dossier), in bytes.")
    )
    max_image_pixels: Positive = Field(
        default=round(210 / 25.4 * 600 * 1.2) * round(297 / 25.4 * 600 * 1.2),
        description=(
            "Most pixels an image (or a TIFF frame) may have, checked before it is decoded: an A4 sheet at "
            "600 dpi, 1.2 times larger each way (5953 x 8419, about 50 million)."
        ),
    )
    page_limits: Annotated[dict[str, Annotated[int, Field(ge=1)]], AfterValidator(_every_piece)] = Field(
        default_factory=_default_page_limits,
        description=(
            "Pages (PDF pages, TIFF frames; other images count 1) allowed per pièce; the keys are also the "
            "pièces the mock knows. A file lists the entries it changes."
        ),
    )
    vol_requires_recepisse: bool = Field(
        default=True, description=('Whether a "vol" dossier must carry the police récépissé (UNCONFIRMED).')
    )
    timbre_amounts: Annotated[dict[str, Amount], AfterValidator(_every_motif)] = Field(
        default_factory=_default_timbre_amounts,
        description=(
            "Timbre fiscal amount per motif (perte, vol, deterioration), in euros. A file lists the entries it changes."
        ),
    )
    timbre_reduced_rates: dict[str, Amount] = Field(
        default_factory=_default_reduced_rates,
        description=("Postcode prefix -> amount that replaces the motif's amount (Guyane)."),
    )
    timbre_validity_days: Days = Field(
        default=365, description=("A timbre électronique stays usable this long (SP F34118: 1 year).")
    )
    photo_code_validity_days: Days = Field(
        default=183, description=("A photo-signature code stays usable this long (secondary sources: 6 months).")
    )
    numero_format: NumeroFormat = Field(
        default="PC{annee}{alea}",
        description=(
            "Format of a numéro de demande (UNCONFIRMED). Fields: ``annee`` (int), ``seq`` (int, 1-based), "
            "``alea`` (8 random capitals/digits)."
        ),
    )
    session_ttl_seconds: Positive = Field(default=3600, description="Lifetime of a guest session token, in seconds.")
    test_cards: dict[str, CardOutcome] = Field(
        default_factory=_default_test_cards,
        description=('Card number -> outcome ("acceptee", "refusee", "expiree") for the timbre shop.'),
    )
    seed_photo_codes: Count = Field(default=20, description="How many demo photo codes to seed.")
    seed_timbres: Count = Field(default=20, description="How many timbres at the full amount to seed.")
    seed_timbres_reduced: Count = Field(
        default=3, description=("How many timbres at the first reduced rate (Guyane) to seed.")
    )
    piece_max_age_days: dict[str, Days] = Field(
        default_factory=_default_piece_max_age_days,
        description=(
            "Maximum age in days of a pièce, checked against the declared ``pieces_dates``. A file lists the "
            "entries it changes."
        ),
    )
    piece_dates_required: bool = Field(
        default=False,
        description=(
            "Whether a pièce with a maximum age must come with its date (else only a declared date is checked)."
        ),
    )
    frais: dict[str, Amount] = Field(
        default_factory=_default_frais,
        description=(
            "Fees other than the permis duplicata, in euros (see PROCEDURES.md). A file lists the entries it changes."
        ),
    )
    numero_format_cg: NumeroFormat = Field(
        default="CG{annee}{alea}",
        description=("Format of a carte-grise numéro de dossier (same fields as ``numero_format``)."),
    )
    code_cession_length: Annotated[int, Field(ge=4)] = Field(
        default=8, description=("Length of a code de cession (UNCONFIRMED).")
    )
    code_cession_alphabet: Annotated[str, AfterValidator(_alphabet)] = Field(
        default="ABCDEFGHJKLMNPQRSTUVWXYZ23456789",
        description=("Symbols of a code de cession (UNCONFIRMED): 10 or more letters and digits."),
    )
    cession_validity_days: Days = Field(default=15, description="How long a code de cession stays usable, in days.")
    titulaire_requires_franceconnect: bool = Field(
        default=True, description=("Changement de titulaire needs a FranceConnect session (SP F1050).")
    )
    international_post_days: Days = Field(
        default=60,
        description=("Permis international: originals must reach the CERT within this many days (SP F11534)."),
    )
    predemande_validity_days: Days = Field(
        default=180, description=('A pré-demande CNI/passeport becomes "expired" after this many days (UNCONFIRMED).')
    )
    agent_token: str = Field(
        default="agent-cert-demo", description=("Token of the agents' portal (``Authorization: Bearer``).")
    )
    rdv_opt_token: str = Field(
        default="rdv-opt-demo", description=("Token of the coordination API (``x-rdv-opt-auth-token``).")
    )
    coordination_test_ids: dict[str, CoordinationStatus] = Field(
        default_factory=_default_coordination_ids, description="Coordination test ids and their fixed status."
    )
    franceconnect_client_id: str = Field(
        default="ants-mock-fs", description=("FranceConnect stand-in: the ANTS client registered with it.")
    )
    franceconnect_client_secret: str = Field(
        default="ants-mock-fs-secret-0123456789abcdef", description=("FranceConnect stand-in: that client's secret.")
    )
    franceconnect_redirect_uris: list[str] = Field(
        default_factory=lambda: ["http://localhost/franceconnect/callback"],
        description=("FranceConnect stand-in: the addresses that client may be sent back to."),
    )
    franceconnect_token_ttl_seconds: Positive = Field(
        default=60, description=("FranceConnect stand-in: lifetime of its tokens, in seconds.")
    )
    pannes: list[StartupFault] = Field(
        default_factory=list,
        description=(
            "Faults active from start-up, each a table like the body of POST /api/v1/formation/pannes "
            "(``nombre`` 0, the default here, = until cleared)."
        ),
    )

    def amount_for(self, motif: str, code_postal: str) -> Decimal:
        for prefix, amount in self.timbre_reduced_rates.items():
            if code_postal.startswith(prefix):
                return amount
        return self.timbre_amounts[motif]

    @classmethod
    def from_toml(cls, path: Path) -> MockSettings:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: {exc}") from exc
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "settings") -> MockSettings:
        """Settings from a file's tables; raises SettingsError, one line for the first fault."""
        data = dict(data)
        for name in _MERGED:  # a file names the entries it changes, the others keep their default
            if isinstance(data.get(name), dict):
                data[name] = {**cls.model_fields[name].get_default(call_default_factory=True), **data[name]}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(_message(exc.errors(), source)) from None


_MERGED = ("page_limits", "piece_max_age_days", "frais", "timbre_amounts")


# -- From pydantic's errors to one line ---------------------------------------------------

_NEEDS = {
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a table",
    "model_type": "must be a table",
}


def _fields(hint: Any) -> dict[str, Any] | None:
    """The named fields of a model or a TypedDict, with their types; None for anything else."""
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return {name: field.annotation for name, field in hint.model_fields.items()}
    if isinstance(hint, type) and hasattr(hint, "__total__"):  # a TypedDict
        return get_type_hints(hint)
    return None


def _expected(loc: tuple[int | str, ...]) -> tuple[str | None, Any]:
    """For an error at ``loc``: the innermost field it names (not a table's key
    nor a list's index), and the type expected there."""
    subject: str | None = None
    hint: Any = MockSettings
    for part in loc:
        fields = _fields(hint)
        if fields is not None and part in fields:
            subject, hint = str(part), fields[str(part)]
            continue
        args = get_args(hint)
        hint = args[-1] if args else None  # list[X] -> X, dict[K, V] -> V
        while get_origin(hint) is Annotated:
            hint = get_args(hint)[0]
    return subject, hint


_BOUNDS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}


def _message(errors: list[ErrorDetails], source: str) -> str:
    """One line: the field, what it must be, the value given, and where when below the top."""
    first = errors[0]
    loc, kind, ctx = first["loc"], first["type"], first.get("ctx") or {}
    if kind == "extra_forbidden":
        unknown = [str(e["loc"][-1]) for e in errors if e["type"] == kind and e["loc"][:-1] == loc[:-1]]
        where = ".".join(str(part) for part in loc[:-1])
        return f"{source}: unknown key(s) {', '.join(unknown)}" + (f" ({where})" if where else "")
    subject, hint = _expected(loc)
    if kind == "literal_error" and get_origin(hint) is Literal:
        *most, last = (str(choice) for choice in get_args(hint))
        need = f"is {', '.join(most)} or {last}"
    elif kind in _BOUNDS:
        sign, bound = _BOUNDS[kind]
        limit = ctx[bound]  # a float field's bound is a float: 0.0 reads 0
        need = f"must be {sign} {int(limit) if isinstance(limit, float) and limit.is_integer() else limit}"
    else:
        need = _NEEDS.get(kind, first["msg"])  # a custom check's message is its own sentence
    line = f"{source}: {subject} {need}" if subject else f"{source}: {need}"
    if not isinstance(first["input"], (dict, list)):
        line += f", not {first['input']!r}"
    return line + (f" ({'.'.join(str(part) for part in loc)})" if len(loc) > 1 else "")
