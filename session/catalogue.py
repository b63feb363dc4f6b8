"""The procedure catalogue: each télé-procédure is a TOML data file in
``session/procedures/`` (steps, fields, conditions, pièces, fees, help texts,
guidance). Adding a procedure means adding a file. The pièces ANTS knows are
described once in ``session/pieces.toml``; a procedure names them by id.

Conditions (``when`` on a step, a field, a pièce, a notice or a guidance
block) are a TOML table whose entries must all hold:

``field = ["a", "b"]``
    the field holds one of the values (for a list field such as
    ``categories``, "B,C1": one of its items does);
``age_below = { field = "date_naissance", years = 21 }``
    the date in that field is less than ``years`` years ago (today);
``age_at_least = { field = "date_naissance", years = 17 }``
    the opposite;
``departement = { field = "code_postal", values = ["75"] }``
    the département of that code postal is one of the values (2A/2B for Corsica);
``plaque = { field = "immatriculation", values = ["fni"] }``
    the immatriculation is an old FNI number (``fni``) or a SIV one (``siv``);
``filled = "mobile"``
    the field holds a value, whatever it is (an e-mail or a mobile: one is enough);
``any = [ { ... }, { ... } ]``
    at least one of the tables holds;
``not = { ... }``
    the table does not hold.

A field not yet answered holds no value: ``field = [...]`` and the age and
derived conditions are then false (``not`` makes them true).
"""

from __future__ import annotations

import datetime as _dt
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from .validation import CATEGORIES, VALIDATORS, age_on, departement, plate_kind

#: form: fields to fill; pieces: documents to scan; recap: relire et attester, then submit;
#: confirmation: the demande was accepted; guidance: what to do next (send by post, go to a
#: mairie), printable; suivi: enter a numéro and see the demande's statut; complement: scan the
#: pièces an agent asked for and send them; connexion: log in with FranceConnect.
STEP_KINDS = ("form", "pieces", "recap", "confirmation", "guidance", "suivi", "complement", "connexion")

#: Values the engine sets itself, which conditions may name besides the fields.
RUNTIME_VALUES = ("statut",)

YES_NO = [["oui", "Oui"], ["non", "Non"]]


class CatalogueError(ValueError):
    """A procedure file that cannot be used: names the file, key and value."""

    def __init__(self, source: str, key: str, value: object, reason: str):
        super().__init__(f"{source}: {key} = {value!r}: {reason}")


# --- conditions ---------------------------------------------------------------
class Predicate(Protocol):
    """What every condition below is: it holds or not for the values typed so far."""

    def holds(self, values: dict[str, str], today: _dt.date | None = None) -> bool: ...

    def fields(self) -> set[str]: ...


#: Conditions that must all hold (a ``when``).
Conditions = tuple[Predicate, ...]


@dataclass(frozen=True)
class Condition:
    """True when the field ``field`` holds one of ``values`` (one of its items, for a list field)."""

    field: str
    values: tuple[str, ...]

    def holds(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        value = values.get(self.field)
        if not isinstance(value, str) or not value:
            return False
        return value in self.values or any(item in self.values for item in value.split(","))

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class AgeCondition:
    """The date in ``field`` is less than ``years`` ago (``below``), or at least that long ago."""

    field: str
    years: int
    below: bool

    def holds(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        age = age_on(values.get(self.field, ""), today)
        if age is None:
            return False
        return age < self.years if self.below else age >= self.years

    def fields(self) -> set[str]:
        return {self.field}


_DERIVED = {
    "departement": lambda v: departement(v) if len(v) == 5 and v.isdigit() else "",
    "plaque": plate_kind,
}


@dataclass(frozen=True)
class DerivedCondition:
    """A value derived from a field (its département, its kind of plate) is one of ``values``."""

    derive: str
    field: str
    values: tuple[str, ...]

    def holds(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        raw = values.get(self.field)
        return bool(raw) and _DERIVED[self.derive](raw) in self.values

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class Filled:
    """The field ``field`` holds a value, whatever it is."""

    field: str

    def holds(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        value = values.get(self.field)
        return isinstance(value, str) and bool(value.strip())

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class AnyOf:
    alternatives: tuple[Conditions, ...]

    def holds(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        return any(all(c.holds(values, today) for c in alt) for alt in self.alternatives)

    def fields(self) -> set[str]:
        return {f for alt in self.alternatives for c in alt for f in c.fields()}


@dataclass(frozen=True)
class Not:
    conditions: Conditions

    def holds(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        return not all(c.holds(values, today) for c in self.conditions)

    def fields(self) -> set[str]:
        return {f for c in self.conditions for f in c.fields()}


def _conditions(raw: dict[str, Any] | None, source: str = "?", where: str = "when") -> Conditions:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise CatalogueError(source, where, raw, "une condition est une table { champ = [valeurs] }")
    out: list[Predicate] = []
    for key, value in raw.items():
        at = f"{where}.{key}"
        if key in ("age_below", "age_at_least"):
            if not isinstance(value, dict) or "field" not in value or not isinstance(value.get("years"), int):
                raise CatalogueError(source, at, value, 'attendu : { field = "date_naissance", years = 21 }')
            out.append(AgeCondition(value["field"], value["years"], key == "age_below"))
        elif key in _DERIVED:
            if not isinstance(value, dict) or "field" not in value or not isinstance(value.get("values"), list):
                raise CatalogueError(source, at, value, 'attendu : { field = "…", values = ["…"] }')
            out.append(DerivedCondition(key, value["field"], tuple(str(v) for v in value["values"])))
        elif key == "filled":
            if not isinstance(value, str):
                raise CatalogueError(source, at, value, 'attendu : filled = "champ"')
            out.append(Filled(value))
        elif key == "any":
            if not isinstance(value, list) or not value:
                raise CatalogueError(source, at, value, "attendu : une liste de tables")
            out.append(AnyOf(tuple(_conditions(v, source, f"{at}[{i}]") for i, v in enumerate(value))))
        elif key == "not":
            out.append(Not(_conditions(value, source, at)))
        else:
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) for v in items):
                raise CatalogueError(source, at, value, "les valeurs d'une condition sont du texte")
            out.append(Condition(key, tuple(items)))
    return tuple(out)


def _all_hold(conditions: Conditions, values: dict[str, str], today: _dt.date | None) -> bool:
    return all(c.holds(values, today) for c in conditions)


# --- the parts of a procedure ---------------------------------------------------
@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: str
    key: str
    required: bool = True
    help: str = ""
    input: str = "text"  # text | number | date | email | choice | multichoice | accept: which keyboard and widget
    options: dict[str, Any] = field(default_factory=dict)
    when: Conditions = ()
    #: False: the value guides the wizard (a condition) but is not part of the dossier.
    send: bool = True
    #: Required only when this holds (the field is always shown): for a condition on a field
    #: of the same step, which the screen cannot know before the user moves on.
    required_when: Conditions = ()

    def applies(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        return _all_hold(self.when, values, today)

    def is_required(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        return self.required and _all_hold(self.required_when, values, today)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [tuple(c) for c in self.options.get("choices", [])]


@dataclass(frozen=True)
class Piece:
    id: str
    label: str
    help: str = ""
    max_pages: int = 1
    required: bool = True
    when: Conditions = ()

    def applies(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        return _all_hold(self.when, values, today)


@dataclass(frozen=True)
class Notice:
    """A text shown on a step when its condition holds (e.g. vol: go to the police first)."""

    text: str
    when: Conditions = ()
    title: str = ""

    def applies(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        return _all_hold(self.when, values, today)


@dataclass(frozen=True)
class GuidanceBlock:
    """One section of a guidance step: a heading, paragraphs, an address to write on an envelope.

    Texts may name ``{numero}``, ``{departement}``, any field id (``{code_postal}``) and what
    ANTS handed out (``{delivre.envoi_avant}``); ``address_from`` takes the address from
    ``delivre[address_from]`` (``{destinataire, adresse}``) when ANTS gives one.
    """

    heading: str = ""
    paragraphs: tuple[str, ...] = ()
    address: tuple[str, ...] = ()
    address_from: str = ""
    when: Conditions = ()

    def applies(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        return _all_hold(self.when, values, today)


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    kind: str
    intro: str = ""
    fields: tuple[Field, ...] = ()
    pieces: tuple[Piece, ...] = ()
    when: Conditions = ()
    notices: tuple[Notice, ...] = ()
    guidance: tuple[GuidanceBlock, ...] = ()

    def applies(self, values: dict[str, str], today: _dt.date | None = None) -> bool:
        return _all_hold(self.when, values, today)


@dataclass(frozen=True)
class Procedure:
    id: str
    group: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    checklist: tuple[str, ...] = ()
    fee: float = 0.0
    ants_procedure: str = ""
    #: "" (a guest session is enough) or "franceconnect" (a connexion step logs in).
    connexion: str = ""
    #: Place in its group on the chooser: the most asked first.
    order: int = 100
    #: ANTS produces an attestation d'inscription (équivalent Cerfa réf. 02) once the demande is in
    #: instruction: the confirmation offers to print it recto-verso.
    attestation_inscription: bool = False

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def field(self, field_id: str) -> Field:
        for s in self.steps:
            for f in s.fields:
                if f.id == field_id:
                    return f
        raise KeyError(field_id)

    def step_of_key(self, key: str) -> Step | None:
        """The step holding the field whose dossier key is ``key`` (or the pièce ``key``)."""
        for s in self.steps:
            if any(f.key == key or f.id == key for f in s.fields):
                return s
            if any(p.id == key or f"pieces.{p.id}" == key for p in s.pieces):
                return s
        return None

    @property
    def online(self) -> bool:
        """True when the procedure ends with a demande sent to ANTS (it has a récapitulatif)."""
        return any(s.kind == "recap" for s in self.steps)


# --- parsing ----------------------------------------------------------------------
_DEFAULT_INPUT = {
    "date": "date",
    "choice": "choice",
    "yesno": "choice",
    "categories": "multichoice",
    "accept": "accept",
    "code_postal": "number",
    "timbre": "number",
    "mobile": "number",
    "neph": "number",
    "code_confidentiel": "number",
    "integer": "number",
    "email": "email",
}


def _field(data: dict[str, Any], source: str, where: str) -> Field:
    kind = data.get("kind", "text")
    if kind not in VALIDATORS:
        raise CatalogueError(source, f"{where}.kind", kind, "validateur inconnu")
    known = {"id", "label", "kind", "key", "required", "help", "input", "when", "send", "required_when"}
    options = {k: v for k, v in data.items() if k not in known}
    if kind == "yesno":
        options.setdefault("choices", YES_NO)
    if kind == "categories":
        options.setdefault("choices", [[c, c] for c in CATEGORIES])
    if kind == "choice" and not options.get("choices"):
        raise CatalogueError(source, f"{where}.choices", None, "un choix sans réponses proposées")
    for k in ("id", "label"):
        if k not in data:
            raise CatalogueError(source, f"{where}.{k}", None, "champ obligatoire manquant")
    return Field(
        id=data["id"],
        label=data["label"],
        kind=kind,
        key=data.get("key", data["id"]),
        required=bool(data.get("required", True)),
        help=data.get("help", ""),
        input=data.get("input", _DEFAULT_INPUT.get(kind, "text")),
        options=options,
        when=_conditions(data.get("when"), source, f"{where}.when"),
        send=bool(data.get("send", True)),
        required_when=_conditions(data.get("required_when"), source, f"{where}.required_when"),
    )


def load_pieces() -> dict[str, dict[str, Any]]:
    """The pièces ANTS knows (``session/pieces.toml``): label, help, max_pages by id."""
    text = resources.files("session").joinpath("pieces.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _piece(data: dict[str, Any], known: dict[str, dict[str, Any]], source: str, where: str) -> Piece:
    if "id" not in data:
        raise CatalogueError(source, f"{where}.id", None, "champ obligatoire manquant")
    base = known.get(data["id"], {})
    merged = {**base, **data}
    if "label" not in merged:
        raise CatalogueError(source, f"{where}.id", data["id"], "pièce inconnue de session/pieces.toml et sans label")
    return Piece(
        id=merged["id"],
        label=merged["label"],
        help=merged.get("help", ""),
        max_pages=int(merged.get("max_pages", 1)),
        required=bool(merged.get("required", True)),
        when=_conditions(data.get("when"), source, f"{where}.when"),
    )


def load_step_blocks() -> dict[str, dict[str, Any]]:
    """Steps shared by many procedures (``session/steps.toml``), by name."""
    text = resources.files("session").joinpath("steps.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _use_block(step: dict[str, Any], blocks: dict[str, dict[str, Any]], source: str, where: str) -> dict[str, Any]:
    name = step["use"]
    if name not in blocks:
        raise CatalogueError(source, f"{where}.use", name, f"bloc inconnu ; connus : {', '.join(blocks)}")
    merged = {**blocks[name], **{k: v for k, v in step.items() if k not in ("use", "set")}}
    changes = dict(step.get("set", {}))
    fields = []
    for f in blocks[name].get("fields", []):
        fields.append({**f, **changes.pop(f["id"], {})})
    if changes:
        raise CatalogueError(source, f"{where}.set", sorted(changes), "champ absent du bloc")
    merged["fields"] = fields + list(step.get("fields", []))
    return merged


def parse_procedure(data: dict[str, Any], source: str, pieces: dict[str, dict[str, Any]] | None = None) -> Procedure:
    for k in ("id", "group", "title", "steps"):
        if k not in data:
            raise CatalogueError(source, k, None, "clé obligatoire manquante")
    known_pieces = load_pieces() if pieces is None else pieces
    steps = []
    seen: set[str] = set()
    referenced: list[tuple[str, set[str]]] = []
    blocks: dict[str, dict[str, Any]] | None = None
    for i, s in enumerate(data["steps"]):
        where = f"steps[{i}]"
        if "use" in s:
            blocks = load_step_blocks() if blocks is None else blocks
            s = _use_block(s, blocks, source, where)
        if s.get("kind") not in STEP_KINDS:
            raise CatalogueError(source, f"{where}.kind", s.get("kind"), f"attendu : {', '.join(STEP_KINDS)}")
        fields = tuple(_field(f, source, f"{where}.fields[{j}]") for j, f in enumerate(s.get("fields", [])))
        own = {f.id for f in fields}
        for f in fields:
            if f.id in seen:
                raise CatalogueError(source, f"{where}.fields.id", f.id, "identifiant en double")
            seen.add(f.id)
            referenced += [(f"{where}.fields.{f.id}.when", c.fields()) for c in f.when]
            referenced += [(f"{where}.fields.{f.id}.required_when", c.fields()) for c in f.required_when]
            same_step = {n for c in f.when for n in c.fields()} & own
            if same_step:
                # The screen is built once per step: a field cannot appear while the user types.
                raise CatalogueError(
                    source,
                    f"{where}.fields.{f.id}.when",
                    sorted(same_step),
                    "un champ ne peut dépendre que d'une étape précédente (sinon : required_when)",
                )
        step_pieces = tuple(
            _piece(p, known_pieces, source, f"{where}.pieces[{j}]") for j, p in enumerate(s.get("pieces", []))
        )
        notices = tuple(
            Notice(
                text=n["text"],
                title=n.get("title", ""),
                when=_conditions(n.get("when"), source, f"{where}.notices[{j}].when"),
            )
            for j, n in enumerate(s.get("notices", []))
        )
        guidance = tuple(
            GuidanceBlock(
                heading=g.get("heading", ""),
                paragraphs=tuple(g.get("paragraphs", [])),
                address=tuple(g.get("address", [])),
                address_from=g.get("address_from", ""),
                when=_conditions(g.get("when"), source, f"{where}.guidance[{j}].when"),
            )
            for j, g in enumerate(s.get("guidance", []))
        )
        if s["kind"] == "guidance" and not guidance:
            raise CatalogueError(source, f"{where}.guidance", None, "une étape guidance sans texte")
        step = Step(
            id=s["id"],
            title=s["title"],
            kind=s["kind"],
            intro=s.get("intro", ""),
            fields=fields,
            pieces=step_pieces,
            when=_conditions(s.get("when"), source, f"{where}.when"),
            notices=notices,
            guidance=guidance,
        )
        parts: tuple[Step | Piece | Notice | GuidanceBlock, ...] = (step, *step_pieces, *notices, *guidance)
        for part in parts:
            referenced += [(f"{where}.when", c.fields()) for c in part.when]
        steps.append(step)
    for where, names in referenced:
        for name in names - seen - set(RUNTIME_VALUES):
            raise CatalogueError(source, where, name, "la condition nomme un champ qui n'existe pas")
    connexion = data.get("connexion", "")
    if connexion not in ("", "franceconnect"):
        raise CatalogueError(source, "connexion", connexion, 'attendu : "" ou "franceconnect"')
    attestation = data.get("attestation_inscription", False)
    if not isinstance(attestation, bool):
        raise CatalogueError(source, "attestation_inscription", attestation, "attendu : true ou false")
    return Procedure(
        id=data["id"],
        group=data["group"],
        title=data["title"],
        summary=data.get("summary", ""),
        steps=tuple(steps),
        checklist=tuple(data.get("checklist", [])),
        fee=float(data.get("fee", 0)),
        ants_procedure=data.get("ants_procedure", data["id"]),
        connexion=connexion,
        order=int(data.get("order", 100)),
        attestation_inscription=attestation,
    )


def load_procedure(path: Path) -> Procedure:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(str(path), "-", "-", f"TOML invalide : {exc}") from None
    return parse_procedure(data, str(path))


class Catalogue:
    """Every procedure the kiosk can guide, by id and by group."""

    GROUPS = (
        ("permis", "Permis de conduire"),
        ("carte-grise", "Carte grise"),
        ("identite", "Carte d'identité / passeport"),
        ("suivi", "Suivre ma demande"),
    )

    def __init__(self, procedures: list[Procedure]):
        self._by_id = {p.id: p for p in procedures}

    @classmethod
    def load(cls, *extra_dirs: Path) -> Catalogue:
        files = sorted(
            Path(str(f))
            for f in resources.files("session").joinpath("procedures").iterdir()
            if f.name.endswith(".toml")
        )
        for d in extra_dirs:
            files += sorted(Path(d).glob("*.toml"))
        return cls([load_procedure(f) for f in files])

    def __getitem__(self, procedure_id: str) -> Procedure:
        return self._by_id[procedure_id]

    def __contains__(self, procedure_id: str) -> bool:
        return procedure_id in self._by_id

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self._by_id.values())

    def in_group(self, group: str) -> list[Procedure]:
        return sorted((p for p in self._by_id.values() if p.group == group), key=lambda p: (p.order, p.id))
