"""One whole procedure of each group, chosen and completed with touches on the
real window, against the mock backend: values come from kioskctl's scripts
(the same the headless simulation uses), every step is answered on screen."""

import pytest

from config.factories import make_client
from kiosk.screens.chooser import ProcedureButton
from kiosk.widgets.common import KToggle
from kioskctl.simulate import _fill_lazily, _prepare, _resolve, _Training, script_values, variant_of

pytestmark = pytest.mark.ui


def choose_procedure(kiosk, procedure):
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group(procedure.group)
    if kiosk.screen.name == "chooser":  # a group of one procedure opens it at once
        for w in kiosk.screen.walk(restrict=True):
            if isinstance(w, ProcedureButton) and w.title == procedure.title:
                kiosk.tap(w)
                break
        else:
            raise LookupError(procedure.title)
    kiosk.tap_button("J'ai tout")


def walk(kiosk, services, procedure_id, variant=None, index=0, stop_at=None):
    """Answer every screen the procedure shows (until the screen ``stop_at``); returns the screens seen."""
    import datetime as dt

    chosen = variant_of(procedure_id, variant)
    values = script_values(index, None)
    values.update(chosen.values)
    values = {k: _resolve(v, dt.date.today()) for k, v in values.items()}
    training = _Training(services.settings.ants.base_url)
    booth = make_client(services.settings)
    procedure = services.catalogue[procedure_id]
    seen = []
    try:
        login = _prepare(services, chosen, values, index + 300, training)
        choose_procedure(kiosk, procedure)
        for _ in range(40):
            name = kiosk.screen.name
            seen.append(name)
            if name in ("goodbye", "out_of_order", stop_at):
                break
            session = kiosk.controller.session
            view = session.wizard.view()
            before = (name, view.step.id)
            ids = kiosk.screen.ids
            if name == "form":
                for f in view.fields:
                    _fill_lazily(f, values, session.wizard.values, booth, procedure)
                    value = values.get(f.id, "")
                    if not value:
                        continue
                    if f.input == "choice":  # the answer within this question's own box
                        label = dict(f.choices)[value]
                        box = kiosk.screen._boxes[f.id]
                        kiosk.tap(
                            next(w for w in box.walk(restrict=True) if isinstance(w, KToggle) and w.text == label)
                        )
                    elif f.input == "accept":
                        kiosk.check()
                    else:
                        kiosk.type_into(f.id, value, typing="keys")
                kiosk.tap(ids.keyboard_next if kiosk.screen.typing else ids.next)  # beside the keys while typing
            elif name == "pieces":
                while True:  # each scan rebuilds the rows: look again every time
                    row = next((r for r in kiosk.screen._rows.values() if not r.pages), None)
                    if row is None:
                        break
                    kiosk.tap(row.ids.scan)
                    kiosk.wait_idle()
                    assert kiosk.screen._rows[row.piece_id].pages, kiosk.controller.notice
                kiosk.tap(kiosk.screen.ids.next)
            elif name == "recap":
                kiosk.check()
                kiosk.tap(ids.validate)
            elif name == "confirmation":
                kiosk.wait_idle()
                kiosk.tap(ids.finish)
            elif name == "guidance":
                kiosk.tap(ids.print_sheet)
                kiosk.wait_idle()
                assert kiosk.controller.notice.startswith("La feuille est imprimée")
                kiosk.tap(ids.finish)
            elif name == "suivi":
                kiosk.tap(ids.send if not ids.send.disabled else ids.finish)
            elif name == "connexion":
                # The person at the browser window, played (tests/browser drives the real window).
                from browser import ScriptedBrowser

                kiosk.controller.session.logins.browser = ScriptedBrowser(login)
                kiosk.tap(ids.connect)
            kiosk.wait_idle()
            after = kiosk.screen.name
            if after not in ("goodbye", "out_of_order"):
                now = (after, kiosk.controller.session.wizard.view().step.id)
                assert now != before, f"stuck on {before}: {kiosk.controller.notice!r} {session.wizard.errors}"
        else:
            raise AssertionError(f"{procedure_id} never ended: {seen}")
    finally:
        training.close()
        booth.close()
    return seen


@pytest.mark.parametrize(
    "procedure_id, variant, screens",
    [
        ("cg-changement-adresse", "plaque-siv", {"form", "pieces", "recap", "confirmation"}),
        ("cni-predemande", None, {"form", "recap", "confirmation"}),
        ("suivi-demande", "en-instruction", {"form", "suivi"}),
        ("suivi-demande", "complement", {"form", "suivi", "pieces", "confirmation"}),
        ("permis-releve", None, {"form", "guidance"}),
        ("cg-changement-titulaire", None, {"connexion", "form", "pieces", "recap", "confirmation"}),
    ],
)
def test_one_procedure_per_group_by_touch(driver, make_services, mock_backend, procedure_id, variant, screens):
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)}, scanner={"resolution": 100}
    )
    kiosk = driver(services)
    seen = walk(kiosk, services, procedure_id, variant)
    assert seen[-1] == "goodbye", seen
    assert screens <= set(seen), seen
