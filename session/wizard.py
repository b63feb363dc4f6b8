"""The wizard: where a user is in a procedure, what they have entered, and
which step comes next. The screens follow it; it never knows about them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .catalogue import Field, Piece, Procedure, Step
from .validation import Invalid, validate


@dataclass(frozen=True)
class StepView:
    """What a screen needs to show the current step."""
    step: Step
    number: int
    total: int
    fields: tuple[Field, ...]
    pieces: tuple[Piece, ...]

    @property
    def indicator(self) -> str:
        return f"Étape {self.number} sur {self.total} — {self.step.title}"


class Wizard:
    """Forward, back, jump from the récapitulatif and return; abandon."""

    def __init__(self, procedure: Procedure, on_change: Callable[["Wizard"], None] | None = None):
        self.procedure = procedure
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self.pages: dict[str, int] = {}
        self._index = 0
        self._return_to_recap = False
        self.finished = False
        self._on_change = on_change

    # --- what applies now --------------------------------------------------
    def active_steps(self) -> list[Step]:
        return [s for s in self.procedure.steps if s.applies(self.values)]

    @property
    def current(self) -> Step:
        return self.active_steps()[self._index]

    def view(self) -> StepView:
        steps = self.active_steps()
        step = steps[self._index]
        return StepView(
            step=step, number=self._index + 1, total=len(steps),
            fields=tuple(f for f in step.fields if f.applies(self.values)),
            pieces=tuple(p for p in step.pieces if p.applies(self.values)),
        )

    @property
    def editing_from_recap(self) -> bool:
        return self._return_to_recap

    # --- intents ------------------------------------------------------------
    def set_values(self, raw: dict[str, str]) -> bool:
        """Validate the current step's fields from ``raw``; keep what is valid.

        Everything typed is kept, valid or not, so nothing is lost when the
        user comes back; errors say what to fix.
        """
        view = self.view()
        ok = True
        for f in view.fields:
            if f.id not in raw:
                continue
            value = raw[f.id]
            try:
                self.values[f.id] = validate(f.kind, value, f.options, f.required)
                self.errors.pop(f.id, None)
            except Invalid as exc:
                self.values[f.id] = value if isinstance(value, str) else ""
                self.errors[f.id] = exc.message_fr
                ok = False
        return ok

    def step_complete(self) -> bool:
        view = self.view()
        for f in view.fields:
            if f.id in self.errors:
                return False
            if f.required and not self.values.get(f.id):
                self.errors[f.id] = (f.options.get("required_message")
                                     or "Ce champ est obligatoire. Merci de le remplir.")
                return False
        for p in view.pieces:
            if p.required and not self.pages.get(p.id):
                return False
        return True

    def missing_pieces(self) -> list[Piece]:
        return [p for p in self.view().pieces if p.required and not self.pages.get(p.id)]

    def next(self, raw: dict[str, str] | None = None) -> bool:
        """Validate and go forward; False (and errors set) when something is missing."""
        if raw is not None and not self.set_values(raw):
            self._changed()
            return False
        if not self.step_complete():
            self._changed()
            return False
        steps = self.active_steps()
        if self._return_to_recap:
            self._return_to_recap = False
            self._index = next(i for i, s in enumerate(steps) if s.kind == "recap")
        elif self._index < len(steps) - 1:
            self._index += 1
        self._changed()
        return True

    def back(self) -> bool:
        if self._return_to_recap:
            self._return_to_recap = False
            self._index = next(i for i, s in enumerate(self.active_steps()) if s.kind == "recap")
            self._changed()
            return True
        if self._index == 0:
            return False
        self._index -= 1
        self._changed()
        return True

    def goto(self, step_id: str, *, from_recap: bool = False) -> None:
        steps = self.active_steps()
        self._index = next(i for i, s in enumerate(steps) if s.id == step_id)
        self._return_to_recap = from_recap
        self._changed()

    def confirm(self) -> None:
        """The demande was accepted: move to the confirmation step."""
        steps = self.active_steps()
        self._index = next(i for i, s in enumerate(steps) if s.kind == "confirmation")
        self._return_to_recap = False
        self.finished = True
        self._changed()

    def show_server_errors(self, errors: dict[str, str]) -> None:
        """Errors the server found, keyed by field id or pièce id; go to the first one's step."""
        self.errors.update(errors)
        steps = self.active_steps()
        for i, s in enumerate(steps):
            if any(f.id in errors for f in s.fields) or any(p.id in errors for p in s.pieces):
                self._index = i
                self._return_to_recap = s.kind != "recap"
                break
        self._changed()

    # --- the dossier ----------------------------------------------------------
    def dossier(self) -> dict:
        """The values as the nested document ANTS expects (dotted keys, numeric parts as lists)."""
        doc: dict = {"procedure": self.procedure.ants_procedure}
        for step in self.active_steps():
            for f in step.fields:
                if not f.applies(self.values):
                    continue
                value = self.values.get(f.id, "")
                if f.kind == "accept":
                    value = value == "1"
                elif value == "":
                    if f.key.split(".")[-1].isdigit():
                        continue
                _put(doc, f.key.split("."), value)
        return doc

    def clear(self) -> None:
        for d in (self.values, self.errors, self.pages):
            d.clear()
        self._index = 0
        self._return_to_recap = False

    def _changed(self) -> None:
        if self._on_change:
            self._on_change(self)


def _put(doc: dict, parts: list[str], value) -> None:
    node = doc
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        default = [] if nxt.isdigit() else {}
        if isinstance(node, list):
            idx = int(part)
            while len(node) <= idx:
                node.append(default.copy())
            node = node[idx]
        else:
            node = node.setdefault(part, default)
    last = parts[-1]
    if isinstance(node, list):
        idx = int(last)
        while len(node) <= idx:
            node.append("")
        node[idx] = value
    else:
        node[last] = value
