"""The procedure catalogue: each télé-procédure is a TOML data file in
``session/procedures/`` (steps, fields, conditions, pièces, fees, help texts).
Adding a procedure means adding a file."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .validation import VALIDATORS

STEP_KINDS = ("form", "pieces", "recap", "confirmation")


class CatalogueError(ValueError):
    """A procedure file that cannot be used: names the file, key and value."""

    def __init__(self, source: str, key: str, value: object, reason: str):
        super().__init__(f"{source}: {key} = {value!r}: {reason}")


@dataclass(frozen=True)
class Condition:
    """True when the field ``field`` holds one of ``values``."""
    field: str
    values: tuple[str, ...]

    def holds(self, values: dict[str, str]) -> bool:
        return values.get(self.field) in self.values


def _conditions(raw: dict | None) -> tuple[Condition, ...]:
    return tuple(Condition(k, tuple(v if isinstance(v, list) else [v])) for k, v in (raw or {}).items())


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: str
    key: str
    required: bool = True
    help: str = ""
    input: str = "text"  # text | number | date | choice | accept: which keyboard and widget
    options: dict = field(default_factory=dict)
    when: tuple[Condition, ...] = ()

    def applies(self, values: dict[str, str]) -> bool:
        return all(c.holds(values) for c in self.when)

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
    when: tuple[Condition, ...] = ()

    def applies(self, values: dict[str, str]) -> bool:
        return all(c.holds(values) for c in self.when)


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    kind: str
    intro: str = ""
    fields: tuple[Field, ...] = ()
    pieces: tuple[Piece, ...] = ()
    when: tuple[Condition, ...] = ()

    def applies(self, values: dict[str, str]) -> bool:
        return all(c.holds(values) for c in self.when)


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


def _field(data: dict, source: str, where: str) -> Field:
    kind = data.get("kind", "text")
    if kind not in VALIDATORS:
        raise CatalogueError(source, f"{where}.kind", kind, "validateur inconnu")
    known = {"id", "label", "kind", "key", "required", "help", "input", "when"}
    options = {k: v for k, v in data.items() if k not in known}
    for k in ("id", "label"):
        if k not in data:
            raise CatalogueError(source, f"{where}.{k}", None, "champ obligatoire manquant")
    return Field(
        id=data["id"], label=data["label"], kind=kind, key=data.get("key", data["id"]),
        required=bool(data.get("required", True)), help=data.get("help", ""),
        input=data.get("input", {"date": "date", "choice": "choice", "accept": "accept",
                                 "code_postal": "number", "timbre": "number", "mobile": "number"}.get(kind, "text")),
        options=options, when=_conditions(data.get("when")),
    )


def parse_procedure(data: dict, source: str) -> Procedure:
    for k in ("id", "group", "title", "steps"):
        if k not in data:
            raise CatalogueError(source, k, None, "clé obligatoire manquante")
    steps = []
    seen: set[str] = set()
    for i, s in enumerate(data["steps"]):
        where = f"steps[{i}]"
        if s.get("kind") not in STEP_KINDS:
            raise CatalogueError(source, f"{where}.kind", s.get("kind"), f"attendu : {', '.join(STEP_KINDS)}")
        fields = tuple(_field(f, source, f"{where}.fields[{j}]") for j, f in enumerate(s.get("fields", [])))
        for f in fields:
            if f.id in seen:
                raise CatalogueError(source, f"{where}.fields.id", f.id, "identifiant en double")
            seen.add(f.id)
        pieces = tuple(
            Piece(id=p["id"], label=p["label"], help=p.get("help", ""), max_pages=int(p.get("max_pages", 1)),
                  required=bool(p.get("required", True)), when=_conditions(p.get("when")))
            for p in s.get("pieces", [])
        )
        steps.append(Step(id=s["id"], title=s["title"], kind=s["kind"], intro=s.get("intro", ""),
                          fields=fields, pieces=pieces, when=_conditions(s.get("when"))))
    return Procedure(
        id=data["id"], group=data["group"], title=data["title"], summary=data.get("summary", ""),
        steps=tuple(steps), checklist=tuple(data.get("checklist", [])), fee=float(data.get("fee", 0)),
        ants_procedure=data.get("ants_procedure", data["id"]),
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
    def load(cls, *extra_dirs: Path) -> "Catalogue":
        files = sorted(
            Path(str(f)) for f in resources.files("session").joinpath("procedures").iterdir()
            if f.name.endswith(".toml")
        )
        for d in extra_dirs:
            files += sorted(Path(d).glob("*.toml"))
        return cls([load_procedure(f) for f in files])

    def __getitem__(self, procedure_id: str) -> Procedure:
        return self._by_id[procedure_id]

    def __contains__(self, procedure_id: str) -> bool:
        return procedure_id in self._by_id

    def __iter__(self):
        return iter(self._by_id.values())

    def in_group(self, group: str) -> list[Procedure]:
        return [p for p in self._by_id.values() if p.group == group]
