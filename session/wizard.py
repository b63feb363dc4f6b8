"""The wizard: where a user is in a procedure, what they have entered, and
which step comes next. The screens follow it; it never knows about them."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .catalogue import Field, Piece, Procedure, Step
from .validation import Invalid, required_message, validate


@dataclass(frozen=True)
class StepView:
    """What a screen needs to show the current step."""

    step: Step
    number: int
    total: int
    fields: tuple[Field, ...]
    pieces: tuple[Piece, ...]
    #: Texts to show on this step now (e.g. vol chosen: go to the police first).
    notices: tuple[str, ...] = ()

    @property
    def indicator(self) -> str:
        return f"Étape {self.number} sur {self.total} — {self.step.title}"


class Wizard:
    """Forward, back, jump from the récapitulatif and return; pause for the
    mediator and resume; abandon.

    The current step is kept by id, so that answers which add or remove
    steps (a motif, an age) never leave the user on a step that no longer
    applies: they land on the next one that does.
    """

    def __init__(
        self,
        procedure: Procedure,
        on_change: Callable[[Wizard], None] | None = None,
        today: Callable[[], _dt.date] = _dt.date.today,
    ):
        self.procedure = procedure
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self.pages: dict[str, int] = {}
        #: Pièces an agent asked for (suivi → complement), set by the session after a lookup.
        self.complement_pieces: tuple[Piece, ...] = ()
        #: True once the user is logged in (connexion step), set by the session.
        self.connected = False
        #: The suivi lookup's answer, set by the session.
        self.lookup: dict[str, Any] | None = None
        self._current_id = procedure.steps[0].id if procedure.steps else ""
        self._return_to_recap = False
        self.finished = False
        self.paused = False
        self.abandoned = False
        self._on_change = on_change
        self._today = today

    # --- what applies now --------------------------------------------------
    @property
    def today(self) -> _dt.date:
        return self._today()

    def active_steps(self) -> list[Step]:
        today = self.today
        return [s for s in self.procedure.steps if s.applies(self.values, today)]

    @property
    def _index(self) -> int:
        steps = self.active_steps()
        for i, s in enumerate(steps):
            if s.id == self._current_id:
                return i
        # The current step stopped applying: the next one in the procedure's order that does.
        order = [s.id for s in self.procedure.steps]
        here = order.index(self._current_id) if self._current_id in order else 0
        for i, s in enumerate(steps):
            if order.index(s.id) > here:
                return i
        return len(steps) - 1

    def _go(self, index: int) -> None:
        self._current_id = self.active_steps()[index].id

    @property
    def current(self) -> Step:
        return self.active_steps()[self._index]

    def view(self) -> StepView:
        steps = self.active_steps()
        index = self._index
        step = steps[index]
        today = self.today
        pieces = (
            self.complement_pieces
            if step.kind == "complement"
            else tuple(p for p in step.pieces if p.applies(self.values, today))
        )
        return StepView(
            step=step,
            number=index + 1,
            total=len(steps),
            fields=tuple(f for f in step.fields if f.applies(self.values, today)),
            pieces=pieces,
            notices=tuple(n.text for n in step.notices if n.applies(self.values, today)),
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
            required = f.required and not f.required_when  # else: checked by step_complete
            try:
                self.values[f.id] = validate(f.kind, value, {"today": self.today, **f.options}, required)
                self.errors.pop(f.id, None)
            except Invalid as exc:
                self.values[f.id] = value if isinstance(value, str) else ""
                self.errors[f.id] = exc.message_fr
                ok = False
        return ok

    def step_complete(self) -> bool:
        view = self.view()
        today = self.today
        for f in view.fields:
            if f.id in self.errors:
                return False
            if f.is_required(self.values, today) and not self.values.get(f.id):
                self.errors[f.id] = required_message(f.kind, f.options)
                return False
        for p in view.pieces:
            if p.required and not self.pages.get(p.id):
                return False
        if view.step.kind == "connexion" and not self.connected:
            return False
        if view.step.kind == "suivi" and self.lookup is None:
            return False
        return True

    def missing_pieces(self) -> list[Piece]:
        return [p for p in self.view().pieces if p.required and not self.pages.get(p.id)]

    def next(self, raw: dict[str, str] | None = None) -> bool:
        """Validate and go forward; False (and errors set) when something is missing."""
        if raw is not None and not self.set_values(raw):
            self.changed()
            return False
        if not self.step_complete():
            self.changed()
            return False
        steps = self.active_steps()
        index = self._index
        if self._return_to_recap:
            self._return_to_recap = False
            self._go(next(i for i, s in enumerate(steps) if s.kind == "recap"))
        elif index < len(steps) - 1:
            self._go(index + 1)
        self.changed()
        return True

    def back(self) -> bool:
        if self._return_to_recap:
            self._return_to_recap = False
            self._go(next(i for i, s in enumerate(self.active_steps()) if s.kind == "recap"))
            self.changed()
            return True
        index = self._index
        if index == 0 or self.finished:
            return False
        self._go(index - 1)
        self.changed()
        return True

    def goto(self, step_id: str, *, from_recap: bool = False) -> None:
        steps = self.active_steps()
        self._go(next(i for i, s in enumerate(steps) if s.id == step_id))
        self._return_to_recap = from_recap
        self.changed()

    def confirm(self) -> None:
        """The demande (or the complément) was accepted: move to the confirmation step."""
        steps = self.active_steps()
        self._go(next(i for i, s in enumerate(steps) if s.kind == "confirmation"))
        self._return_to_recap = False
        self.finished = True
        self.changed()

    def pause(self) -> None:
        """The mediator is called: nothing moves until :meth:`resume`."""
        self.paused = True
        self.changed()

    def resume(self) -> None:
        """Back from the mediator's help, on the same step with every value kept."""
        self.paused = False
        self.changed()

    def abandon(self) -> None:
        """The user gives up: forget everything (the session then ends and wipes)."""
        self.clear()
        self.abandoned = True
        self.changed()

    def show_server_errors(self, errors: dict[str, str]) -> None:
        """Errors the server found, keyed by field id or pièce id; go to the first one's step."""
        self.errors.update(errors)
        steps = self.active_steps()
        for i, s in enumerate(steps):
            if any(f.id in errors for f in s.fields) or any(p.id in errors for p in s.pieces):
                self._go(i)
                self._return_to_recap = s.kind != "recap"
                break
        self.changed()

    # --- the dossier ----------------------------------------------------------
    def dossier(self) -> dict[str, Any]:
        """The values as the nested document ANTS expects (dotted keys, numeric parts as lists;
        yes/no as booleans, catégories as lists, integers as numbers)."""
        doc: dict[str, Any] = {"procedure": self.procedure.ants_procedure}
        today = self.today
        for step in self.active_steps():
            for f in step.fields:
                if not f.send or not f.key or not f.applies(self.values, today):
                    continue
                typed = self.values.get(f.id, "")
                if typed in f.options.get("omit_values", ()):
                    continue  # e.g. "autre": a later field of the same key says which
                value: str | bool | int | list[str] = typed
                if f.kind == "accept":
                    value = typed == "1"
                elif typed == "":
                    if f.key.split(".")[-1].isdigit() or not f.is_required(self.values, today):
                        continue
                elif f.kind == "yesno":
                    value = typed == "oui"
                elif f.kind == "categories":
                    value = typed.split(",")
                elif f.kind == "integer":
                    value = int(typed)
                _put(doc, f.key.split("."), value)
        return doc

    def clear(self) -> None:
        for d in (self.values, self.errors, self.pages):
            d.clear()
        self.complement_pieces = ()
        self.lookup = None
        self.connected = False
        self._current_id = self.procedure.steps[0].id if self.procedure.steps else ""
        self._return_to_recap = False

    def changed(self) -> None:
        """Tell the observer the wizard changed: the wizard calls it after each
        intent, the session after what it sets itself (an identity, a lookup)."""
        if self._on_change:
            self._on_change(self)


def _put(doc: dict[str, Any], parts: list[str], value: object) -> None:
    node: Any = doc
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        default: list[Any] | dict[str, Any] = [] if nxt.isdigit() else {}
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
