"""What a screen makes ahead belongs to one procedure and one session: two
different procedures in a row on the same window, and every word of the
second one's steps is its own (not the first one's attestation, nor its
pièce's label, nor its generic "Ce champ est obligatoire")."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.i18n import tr
from kiosk.widgets.common import KCheck, KToggle
from kioskctl.simulate import _resolve, script_values, variant_of

pytestmark = pytest.mark.ui


def values_for(procedure_id: str) -> dict[str, str]:
    values = script_values(0, None)
    values.update(variant_of(procedure_id).values)
    return {k: _resolve(v, dt.date.today()) for k, v in values.items() if k != "attestation"}


def open_session(kiosk, procedure_id: str):
    controller = kiosk.controller
    controller.choose(procedure_id)
    controller.begin()
    kiosk.wait(
        lambda: controller.flow is not None and controller.session.procedure.id == procedure_id,
        what=f"the session of {procedure_id}",
    )
    kiosk.settle()
    return controller.session.wizard


def show(kiosk, wizard, values, step_id: str):
    wizard.values.clear()
    wizard.values.update(values)
    wizard.errors.clear()
    wizard.goto(step_id)
    kiosk.controller.flow.resume()
    kiosk.pump(3)


def words_of_step(kiosk, view) -> list[str]:
    """Every word the screen shows for the step that is not the step's own."""
    screen, wrong = kiosk.screen, []

    def same(what, shown, expected):
        if shown != expected:
            wrong.append(f"{view.step.id} {what}: {shown!r} instead of {expected!r}")

    same("title", screen.ids.indicator.title, tr.text(view.step.title))
    if view.step.kind == "form":
        assert list(screen._boxes) == [f.id for f in view.fields]
        for f in view.fields:
            fb = screen._boxes[f.id]
            same(f"{f.id} label", fb.label, "" if f.input == "accept" else tr.text(f.label))
            same(f"{f.id} help", fb.help, tr.text(f.help))
            toggles = [w.text for w in reversed(fb.ids.slot.children) if isinstance(w, KToggle)]
            same(f"{f.id} choices", toggles, [tr.text(label) for _v, label in f.choices])
            checks = [w.text for w in fb.ids.slot.children if isinstance(w, KCheck)]
            same(f"{f.id} box", checks, [tr.text(f.label)] if f.input == "accept" else [])
    elif view.step.kind == "pieces":
        assert list(screen._rows) == [p.id for p in view.pieces]
        for p in view.pieces:
            row = screen._rows[p.id]
            same(f"{p.id} label", row.label, tr.text(p.label))
            same(f"{p.id} help", row.help, tr.text(p.help))
            same(f"{p.id} max pages", row.max_pages, p.max_pages)
    elif view.step.kind == "recap":
        [attestation] = [f for f in view.fields if f.kind == "accept"]
        same("attestation", screen._accept.text, tr.text(attestation.label))
        kiosk.tap(screen.ids.validate)  # not ticked: its own sentence says what to do
        kiosk.wait_idle()
        same("attestation's error", screen.ids.error.text, tr.text(attestation.options["message"]))
    return wrong


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_two_procedures_in_a_row_each_with_its_own_words(driver, make_services, lang):
    kiosk = driver(make_services(ui={"idle_first_s": 3600, "idle_step_s": 3600}))
    kiosk.root.set_language(lang)
    try:
        two_procedures(kiosk)
    finally:
        tr.reset()  # the next test's kiosk starts in French, as the next person's does


def two_procedures(kiosk):
    first, second = "permis-perte", "cg-changement-adresse"
    wizard = open_session(kiosk, first)
    values = values_for(first)
    for step in wizard.active_steps():
        if step.kind in ("form", "pieces", "recap"):
            show(kiosk, wizard, values, step.id)
    assert kiosk.screen.name == "recap"
    # The next procedure chosen: the first session ends, the second one starts on the same window.
    kiosk.controller.show("chooser")
    wizard = open_session(kiosk, second)
    values = values_for(second)
    wrong, seen = [], set()
    for step in wizard.active_steps():
        if step.kind in ("form", "pieces", "recap"):
            show(kiosk, wizard, values, step.id)
            seen.add(kiosk.screen.name)
            wrong += words_of_step(kiosk, wizard.view())
    assert seen == {"form", "pieces", "recap"}
    assert wrong == []
    recap_text = kiosk.screen._accept.text
    assert "permis" not in recap_text.lower() and "licence" not in recap_text.lower()
