"""The in-view rule: on every step of every procedure, at each text size, in
French, English and Arabic, keyboard up and down, the current question, its
error and the step's primary action are whole inside the visible area, not
under the on-screen keyboard nor under the footer's buttons. Read from the
widgets' window geometry on the real window.

Each procedure's steps are reached through its scripted variants
(kioskctl/scripts), so that steps behind a condition are walked too; a step
whose content is the same in several procedures (the shared blocks of
session/steps.toml) is looked at once."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from in_view import problem, visible_area
from kiosk.theme import TEXT_SIZES, THEME
from kiosk.widgets.common import KInput
from kioskctl.simulate import _resolve, load_scripts, script_values

pytestmark = pytest.mark.ui

LANGS = ("fr", "en", "ar")
KINDS = ("form", "pieces", "recap")


def footer_of(screen, primary):
    return [("footer", primary.parent)]


def form_problems(kiosk, view, label: str) -> list[str]:
    screen = kiosk.screen
    ids = screen.ids
    out = []

    def obstacles():
        return [("keyboard", ids.keyboard), *footer_of(screen, ids.next)]

    def look(what, widget):
        p = problem(widget, screen, obstacles(), what)
        if p:
            out.append(f"{label}: {p}")

    def look_question(what, fb):
        """A question taller than the view (a long list of choices) shows its
        top, label and help, the list then scrolled; any other shows whole."""
        area = visible_area(fb, screen)
        if fb.height > area[3] - area[1]:
            look(f"{what}, its label (a tall question)", fb.children[-1])
            look(f"{what}, its help (a tall question)", fb.children[-2] if fb.help else fb.children[-1])
        else:
            look(what, fb)

    boxes = list(screen._boxes.values())
    if not boxes:
        return out
    look_question("first question", boxes[0])
    look("Continuer", ids.next)
    # Nothing typed: Continuer shows the errors; the first one, its question and Continuer in view.
    for fb in boxes:
        for w in fb.ids.slot.children:
            if isinstance(w, KInput):
                w.text = ""
    kiosk.tap(ids.next)
    kiosk.wait_idle()
    assert kiosk.controller.flow is not None, (label, "after Continuer", kiosk.screen.name)
    if kiosk.screen is not screen or kiosk.step_id() != view.step.id:
        return out  # nothing required here: it moved on
    wrong = [fb for fb in screen._boxes.values() if fb.error]
    if wrong:
        look_question(f"question with an error ({wrong[0].field_id})", wrong[0])
        look("Continuer, errors shown", ids.next)
    # Keyboard up, on each input in turn: the question, its error and the primary action in view.
    for fb in screen._boxes.values():
        inputs = [w for w in fb.ids.slot.children if isinstance(w, KInput)]
        if not inputs:
            continue
        inputs[0].focus = True
        kiosk.pump(4)
        look_question(f"question {fb.field_id}, keyboard up", fb)
        look(f"primary action, keyboard up on {fb.field_id}", primary_with_keyboard(screen))
        inputs[0].focus = False
        kiosk.pump(1)
        assert kiosk.controller.flow is not None, (label, "after focus", fb.field_id, kiosk.screen.name)
    return out


def primary_with_keyboard(screen):
    ids = screen.ids
    return ids.get("keyboard_next") if ids.keyboard.opacity > 0 and "keyboard_next" in ids else ids.next


def pieces_problems(kiosk, view, label: str) -> list[str]:
    screen = kiosk.screen
    ids = screen.ids
    out = []
    obstacles = footer_of(screen, ids.next)

    def look(what, widget):
        p = problem(widget, screen, obstacles, what)
        if p:
            out.append(f"{label}: {p}")

    rows = list(screen._rows.values())
    if not rows:
        return out
    look(f"pièce {rows[0].piece_id}", rows[0])
    look(f"Numériser of {rows[0].piece_id}", rows[0].ids.scan)
    look("Continuer", ids.next)
    kiosk.tap(ids.next)
    kiosk.wait_idle()
    wrong = [r for r in screen._rows.values() if r.error]
    if wrong:
        look(f"pièce with an error ({wrong[0].piece_id})", wrong[0])
        look(f"Numériser of {wrong[0].piece_id}, error shown", wrong[0].ids.scan)
        look("Continuer, errors shown", ids.next)
    return out


def recap_problems(kiosk, view, label: str) -> list[str]:
    screen = kiosk.screen
    ids = screen.ids
    out = []
    obstacles = footer_of(screen, ids.validate)

    def look(what, widget):
        p = problem(widget, screen, obstacles, what)
        if p:
            out.append(f"{label}: {p}")

    look("attestation", screen._accept)
    look("Valider et envoyer", ids.validate)
    kiosk.tap(ids.validate)
    kiosk.wait_idle()
    look("attestation, error shown", screen._accept)
    look("the attestation's error", ids.error)
    look("Valider et envoyer, error shown", ids.validate)
    return out


PROBES = {"form": form_problems, "pieces": pieces_problems, "recap": recap_problems}


def signature(view) -> tuple:
    """What the geometry of a step depends on: its questions and pièces; of its
    intro, only about how many lines it takes."""
    return (
        view.step.kind,
        len(view.step.intro) // 60,
        tuple((f.id, f.label, f.help) for f in view.fields),
        # The pièces screen is looked at on its first pièce (the one to scan first).
        tuple((p.id, p.label, p.help) for p in view.pieces[:1]),
    )


def variants():
    today = dt.date.today()
    only = os.environ.get("IN_VIEW_ONLY", "").split(",")  # while working on a layout: some procedures
    for procedure_id, scripted in sorted(load_scripts().items()):
        if only != [""] and procedure_id not in only:
            continue
        for variant in scripted:
            values = script_values(0, None)
            values.update(variant.values)
            yield procedure_id, variant.name, {k: _resolve(v, today) for k, v in values.items()}


def plan(catalogue):
    """(procedure, variant, values, step ids): the sessions to open and the steps
    to look at in each, every step content once."""
    from session.wizard import Wizard

    looked: set[tuple] = set()
    walked = 0
    out = []
    for procedure_id, variant, values in variants():
        values = {k: v for k, v in values.items() if k != "attestation"}
        wizard = Wizard(catalogue[procedure_id])
        wizard.values.update(values)
        steps = []
        for step in wizard.active_steps():
            if step.kind not in KINDS:
                continue
            wizard.goto(step.id)
            walked += 1
            sig = signature(wizard.view())
            if sig not in looked:
                looked.add(sig)
                steps.append(step.id)
        if steps:
            out.append((procedure_id, variant, values, steps))
    return out, walked, len(looked)


def test_every_step_keeps_question_error_and_action_in_view(driver, make_services):
    # The walk takes minutes: no idle wipe meanwhile.
    services = make_services(ui={"idle_first_s": 3600, "idle_step_s": 3600})
    kiosk = driver(services)
    controller = kiosk.controller
    problems: list[str] = []
    sessions, walked, looked = plan(services.catalogue)
    try:
        for procedure_id, variant, values, steps in sessions:
            controller.choose(procedure_id)
            controller.begin()
            kiosk.wait(lambda: controller.flow is not None, what="the session")
            wizard = controller.session.wizard
            for lang in LANGS:
                kiosk.root.set_language(lang)
                for size in TEXT_SIZES:
                    THEME.text_size = size
                    for step_id in steps:
                        label = f"{procedure_id}[{variant}] {step_id} {lang} {size}"
                        wizard.values.clear()
                        wizard.values.update(values)
                        wizard.errors.clear()
                        wizard.goto(step_id)
                        assert controller.flow is not None, (label, kiosk.screen.name, controller.notice)
                        controller.flow.resume()
                        kiosk.app.idle.touched()
                        kiosk.pump(3)
                        problems += PROBES[wizard.current.kind](kiosk, wizard.view(), label)
            kiosk.root.set_language("fr")
            THEME.text_size = "normal"
            controller.finish("abandoned")
            kiosk.wait_idle()
            controller.sessions.no_goodbye()  # its timer would end the next procedure's session
            controller.reset()
    finally:
        THEME.text_size = "normal"
    if not os.environ.get("IN_VIEW_ONLY"):
        assert walked > 250 and looked > 30, (walked, looked)
    kinds: dict[str, int] = {}
    for p in problems:
        what = p.split(": ")[1].split(" (")[0].split(", keyboard up")[0]
        what = "question, keyboard up" if p.split(": ")[1].endswith("keyboard up") else what
        kinds[what] = kinds.get(what, 0) + 1
    summary = "\n".join(f"{n:4d} × {what}" for what, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    assert problems == [], f"{len(problems)} problems:\n{summary}\n" + "\n".join(problems[:40])
