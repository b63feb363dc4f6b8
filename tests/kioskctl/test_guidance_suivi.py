"""Guidance printed on the A4 printer (or the receipt printer without one),
what ANTS hands out on the récépissé, the suivi with a demande de
complément, the FranceConnect connexion, and the technician's commands."""

import subprocess
import sys

import pytest

from kioskctl.simulate import _Training, simulate
from session import SessionError


def pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "job.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def receipt_jobs(services) -> list[bytes]:
    return list(services.printer.open_device().jobs)


def test_guidance_printed_on_a4_then_on_the_receipt_printer_without_one(services, tmp_path):
    session = services.new_session("permis-releve")
    session.a4 = services.a4
    assert session.wizard.next({"code_postal": "69003"})
    g = session.guidance()
    assert g.title == "Écrire à la préfecture" and g.address[0] == "Préfecture du département 69"
    before = len(services.a4.jobs)
    assert session.print_guidance(a4=True) == "a4"
    job = services.a4.jobs[before]
    assert job.title == "Écrire à la préfecture" and not job.duplex
    text = pdftotext(job.pdf, tmp_path)
    assert "Préfecture du département 69" in text and "Une copie de votre pièce d'identité." in text
    session.a4 = None
    assert session.print_guidance(a4=True) == "receipt"
    ticket = receipt_jobs(services)[-1]
    assert b"partement 69\n" in ticket and b"Service des permis de conduire\n" in ticket
    assert session.end("guided").clean


def test_guidance_printer_failure_is_told_in_french(services):
    session = services.new_session("permis-releve")
    session.a4 = services.a4
    session.wizard.next({"code_postal": "69003"})
    services.a4.inject_fault("paper-out")
    try:
        with pytest.raises(SessionError) as exc:
            session.print_guidance(a4=True)
        assert exc.value.message_fr and exc.value.message_fr[0].isupper()
    finally:
        services.a4.clear_fault()
        session.end("abandoned")


def test_the_recepisse_carries_the_code_de_cession(services):
    result = simulate(services, "cg-cession", index=31, variant="siv-recent")
    code = result.delivre["code_cession"]
    printed = b"".join(receipt_jobs(services)[-3:])
    assert b"Code de cession" in printed and code.encode() in printed
    assert result.guidance["sections"][0]["heading"] == f"Code de cession : {code}"


def test_suivi_then_answer_a_complement(services):
    earlier = simulate(services, "permis-perte", index=41, variant="perte")
    training = _Training(services.settings.ants.base_url)
    training.ask_complement(earlier.numero, ["domicile"], "Le justificatif de domicile est illisible.")
    training.close()

    session = services.new_session("suivi-demande")
    try:
        with pytest.raises(SessionError) as exc:
            session.lookup_demande("PC2000ZZZZZZZZ")
        assert exc.value.message_fr == "Aucune demande ne porte ce numéro. Vérifiez-le sur votre récépissé."
        assert session.wizard.errors["numero"] == exc.value.message_fr
        with pytest.raises(SessionError, match="Écrivez le numéro comme sur votre récépissé"):
            session.lookup_demande("??")

        found = session.lookup_demande(" " + earlier.numero.lower() + " ")
        assert found["statut"] == "complement_demande"
        assert found["statut_label"] == "Un document vous est demandé"
        assert found["procedure_title"] == "Permis perdu, volé ou abîmé"
        assert found["complement"] == {
            "message": "Le justificatif de domicile est illisible.",
            "pieces": [{"id": "domicile", "label": "Justificatif de domicile de moins de 6 mois"}],
        }
        assert session.wizard.errors == {}
        assert session.wizard.next({"numero": earlier.numero})
        view = session.wizard.view()
        assert view.step.kind == "complement" and [p.id for p in view.pieces] == ["domicile"]

        with pytest.raises(SessionError) as exc:
            session.answer_complement()
        assert exc.value.message_fr == "Scannez d'abord : Justificatif de domicile de moins de 6 mois."
        session.scan_piece("domicile")
        answer = session.answer_complement()
        assert answer["statut"] == "en_instruction"
        assert session.wizard.current.kind == "confirmation"
        receipt = session.receipt()
        assert receipt.title == "Document envoyé" and receipt.numero == earlier.numero
        assert ("État", "En cours d'examen par l'administration") in receipt.lines
        history = session.client.suivi(earlier.numero)["historique"]
        assert history[-1]["commentaire"].startswith("Complément reçu")
    finally:
        assert session.end("abandoned").clean


def test_franceconnect_connexion(services):
    session = services.new_session("cg-changement-titulaire")
    try:
        with pytest.raises(SessionError) as exc:
            session.submit()
        assert exc.value.message_fr == "Connectez-vous avec FranceConnect pour envoyer cette demande."
        from browser import ScriptedBrowser

        person = ScriptedBrowser({"login": "testfc1", "password": "pas-le-bon"})
        session.logins.browser = person
        with pytest.raises(SessionError) as exc:
            session.login_franceconnect()
        assert person.told == ["Identifiant ou mot de passe incorrect. Réessayez."]  # on the provider's page
        assert exc.value.message_fr.startswith("Vous êtes revenu à la borne sans vous connecter.")
        assert not session.wizard.next() and session.wizard.current.kind == "connexion"
        session.logins.browser = ScriptedBrowser({"login": "testfc1", "password": "123"})
        identity = session.login_franceconnect()
        assert identity["family_name"] == "DUPONT"
        assert session.wizard.values["nom_naissance"] == "DUPONT"
        assert session.wizard.values["date_naissance"] == "1962-08-24"
        assert session.wizard.values["sexe"] == "M"
        assert session.wizard.next() and session.wizard.current.id == "vehicule"
    finally:
        assert session.end("abandoned").clean


def kioskctl(services, *args):
    return subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(services.site_file), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_kioskctl_lists_every_procedure_and_runs_every_variant(services):
    listed = kioskctl(services, "procedures")
    assert listed.returncode == 0
    from session import Catalogue

    for p in Catalogue.load():
        assert f"  {p.id:<24} {p.title}" in listed.stdout
    assert "Suivre ma demande:" in listed.stdout

    run = kioskctl(services, "simulate", "--procedure", "permis-releve", "--variant", "all")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"permis-releve/{v} session 1: (explications imprimées)" for v in ("corse-du-sud", "haute-corse", "rhone")
    ]

    wrong = kioskctl(services, "simulate", "--procedure", "permis-perte", "--variant", "incendie")
    assert wrong.returncode == 2 and "unknown variant 'incendie'" in wrong.stderr
