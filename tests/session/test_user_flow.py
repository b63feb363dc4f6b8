"""The flow of one user (session/flow.py), as both its faces follow it: the
stages it goes through, what each step's action does, the intents it offers at
each, and what it tells its listener, in order. Against the mock ANTS backend,
the simulated scanner and the capture printers."""

import os
import shutil

import pytest

from ants import AntsClient
from config import load_settings
from config.factories import build_services
from session import SessionError
from session.flow import (
    ANSWER,
    BACK,
    CHECKLIST,
    CONNECT,
    EDIT,
    END,
    FINISH,
    FOUND,
    PRINT_ATTESTATION,
    PRINT_RECAP,
    PRINT_RECEIPT,
    PRINTER,
    RECEIPT,
    RESUME,
    SCAN,
    SCANNER,
    SCANNING,
    SENDING,
    SUBMITTING,
    Flow,
    FlowListener,
    NotNow,
)
from support import tmpfs_folder

CARD = {"carte": "4970100000000014", "expiration": "12/30", "cryptogramme": "123"}
ETAT_CIVIL = {"nom_naissance": "Durand", "sexe": "M", "prenom1": "Paul", "prenom2": "", "date_naissance": "01/02/1970"}
ADRESSE = {
    "numero_voie": "",
    "nom_voie": "rue Haute",
    "complement": "",
    "code_postal": "44000",
    "commune": "Nantes",
    "email": "paul@exemple.fr",
    "mobile": "",
}


@pytest.fixture(scope="module")
def services(tmp_path_factory, mock_backend):
    tmp = tmp_path_factory.mktemp("flow")
    root = os.path.join(tmpfs_folder(), f"pointnum-flow-{os.getpid()}-{tmp.name}")
    built = build_services(
        load_settings(
            overrides={
                "ants": {"base_url": mock_backend.url, "mock_db": str(mock_backend.db), "retries": 0},
                "scanner": {"driver": "simulated", "resolution": 50},
                "printer": {"driver": "capture"},
                "a4": {"driver": "capture"},
                "workspace": {"root": root},
                "stats": {"path": str(tmp / "stats.db")},
            }
        )
    )
    yield built
    built.close()
    shutil.rmtree(root, ignore_errors=True)


class Heard(FlowListener):
    """What a face is told, in order (the scan's progress counted apart)."""

    def __init__(self):
        self.said, self.progress = [], 0

    def step_changed(self, state):
        self.said.append(("step", state.stage, state.view.step.id))

    def errors(self, state):
        self.said.append(("errors", state.stage, state.view.step.id))

    def busy(self, work):
        self.said.append(("busy", work))

    def notice(self, what):
        self.said.append(("notice", what))

    def scan_progress(self, progress):
        self.progress += 1

    def device_used(self, device, error):
        self.said.append(("device", device, type(error).__name__ if error else None))

    def finished(self, outcome):
        self.said.append(("finished", outcome))

    def ended(self, report):
        self.said.append(("ended", report.clean))

    def take(self):
        said, self.said = self.said, []
        return said


def booth(services):
    client = AntsClient(services.settings.ants.base_url, retries=0)
    try:
        return client.new_photo_code(), client.buy_timbre("perte", "44000", **CARD).numero
    finally:
        client.close()


def test_a_demande_from_its_first_step_to_the_end(services):
    code, timbre = booth(services)
    heard = Heard()
    flow = Flow(services.new_session("permis-perte"), heard)
    session = flow.session
    try:
        flow.resume()
        assert heard.take() == [("step", "form", "motif")]
        assert flow.answer({}) is False  # no motif chosen: refused, the step stays
        assert heard.take() == [("errors", "form", "motif")] and "motif" in session.wizard.errors

        flow.back()  # before the first step: the checklist, the session kept
        assert heard.take() == [("step", CHECKLIST, "motif")]
        assert flow.state.intents == {RESUME, END}
        with pytest.raises(NotNow):
            flow.answer({"motif": "perte"})
        flow.resume()
        assert heard.take() == [("step", "form", "motif")]

        for values, then in (
            ({"motif": "perte"}, "etat-civil"),
            (ETAT_CIVIL, "adresse"),
            (ADRESSE, "photo"),
            ({"code_photo": code}, "pieces"),
        ):
            assert flow.answer(values) is True
            assert heard.take() == [("step", "form" if then != "pieces" else "pieces", then)]
            assert flow.blocking(ANSWER) == ""  # a form's Continuer returns at once

        state = flow.state
        assert [p.id for p in state.to_scan] == ["identite", "domicile"]
        assert state.can(SCAN) and not state.can(CONNECT) and flow.blocking(SCAN) == SCANNING
        assert flow.answer() is False and heard.take() == [("errors", "pieces", "pieces")]
        with pytest.raises(NotNow):
            flow.edit("adresse")
        for piece in ("identite", "domicile"):
            assert flow.scan(piece) == 1
            assert heard.take() == [("busy", SCANNING), ("device", SCANNER, None), ("step", "pieces", "pieces")]
        assert heard.progress > 0 and flow.state.to_scan == ()
        assert flow.answer() is True and flow.answer({"timbre": timbre}) is True
        assert heard.take() == [("step", "form", "paiement"), ("step", "recap", "recapitulatif")]

        assert flow.can(EDIT) and flow.blocking(ANSWER) == SUBMITTING
        flow.edit("adresse")  # "Modifier": the step, then Continuer comes back to the récapitulatif
        assert flow.answer(ADRESSE) is True
        assert heard.take() == [("step", "form", "adresse"), ("step", "recap", "recapitulatif")]
        assert flow.answer({"attestation": ""}) is False and heard.take() == [("errors", "recap", "recapitulatif")]

        capture = services.printer.open_device()
        capture.inject_fault("paper-out")
        try:
            with pytest.raises(SessionError):  # filed, then the récépissé did not print
                flow.answer({"attestation": "1"})
        finally:
            capture.clear_fault()
        assert heard.take() == [
            ("busy", SUBMITTING),
            ("step", "confirmation", "confirmation"),
            ("busy", RECEIPT),
            ("device", PRINTER, "SessionError"),
            ("step", "confirmation", "confirmation"),
        ]
        assert session.numero and not session.receipt_printed and session.receipt_error

        state = flow.state
        assert state.can(PRINT_RECEIPT) and state.can(PRINT_RECAP) and state.can(ANSWER)
        assert not state.can(BACK) and not state.can(PRINT_ATTESTATION) and not state.can(FINISH)
        flow.print_receipt()  # "Réimprimer", the paper back
        assert heard.take() == [("busy", RECEIPT), ("device", PRINTER, None), ("step", "confirmation", "confirmation")]
        assert session.receipt_printed and session.numero.encode() in capture.jobs[-1]

        assert flow.answer() is True  # Terminer: nothing is left to do by post
        assert heard.take() == [("finished", "submitted")] and flow.state.intents == {END}
    finally:
        report = flow.end("abandoned")
    assert report.clean and heard.take() == [("ended", True)]
    assert flow.state.stage == "ended" and flow.state.intents == frozenset()


def test_a_demande_found_then_the_document_asked_sent(services):
    from kioskctl.simulate import _Training, simulate

    earlier = simulate(services, "permis-perte", index=61, variant="perte")
    training = _Training(services.settings.ants.base_url)
    training.ask_complement(earlier.numero, ["domicile"], "Le justificatif de domicile est illisible.")
    training.close()
    heard = Heard()
    flow = Flow(services.new_session("suivi-demande"), heard)
    session = flow.session
    try:
        flow.resume()
        assert heard.take() == [("step", "suivi", "suivi")] and flow.blocking(ANSWER) == "lookup"
        with pytest.raises(SessionError, match="Aucune demande ne porte ce numéro"):
            flow.answer({"numero": "PC2000ZZZZZZZZ"})
        assert heard.take() == [("busy", "lookup"), ("errors", "suivi", "suivi")]

        assert flow.answer({"numero": earlier.numero}) is True
        assert heard.take() == [("busy", "lookup"), ("step", FOUND, "suivi")]
        state = flow.state
        assert state.can(ANSWER) and state.can(FINISH) and state.can(PRINT_RECEIPT) and flow.blocking(ANSWER) == ""

        assert flow.answer() is True  # "Envoyer le document demandé"
        assert heard.take() == [("step", "complement", "complement")]
        assert [p.id for p in flow.state.to_scan] == ["domicile"] and flow.blocking(ANSWER) == SENDING
        assert flow.answer() is False and heard.take() == [("errors", "complement", "complement")]
        flow.scan("domicile")
        heard.take()
        assert flow.answer() is True  # sent, then its récépissé
        assert heard.take() == [
            ("busy", SENDING),
            ("step", "confirmation", "confirmation"),
            ("busy", RECEIPT),
            ("device", PRINTER, None),
            ("step", "confirmation", "confirmation"),
        ]
        assert session.complement_sent and session.receipt_printed
        assert session.receipt().title == "Document envoyé"
        assert flow.answer() is True and heard.take() == [("finished", "submitted")]
    finally:
        assert flow.end("abandoned").clean


def test_a_demande_found_with_nothing_asked_ends_with_its_ticket(services):
    from kioskctl.simulate import simulate

    earlier = simulate(services, "permis-perte", index=62, variant="perte")
    heard = Heard()
    flow = Flow(services.new_session("suivi-demande"), heard)
    try:
        flow.resume()
        assert flow.answer({"numero": earlier.numero}) is True
        state = flow.state
        assert state.stage == FOUND and not state.can(ANSWER)  # nothing to send
        assert state.can(FINISH) and state.can(PRINT_RECEIPT)
        flow.print_receipt()
        assert flow.session.receipt().title == "Suivi de votre demande" and flow.session.receipt_printed
        heard.take()
        assert flow.finish() is True and heard.take() == [("finished", "guided")]
    finally:
        assert flow.end("guided").clean
