"""The attestation d'inscription au permis, end to end on a real CUPS: a permis-inscription
filed through the session core against the mock, its attestation fetched from ANTS and
printed recto-verso on one sheet (seed 004), read back from what the queue's backend got
(the throwaway CUPS is ``cups_server`` in conftest.py)."""

from __future__ import annotations

import pikepdf
import pytest

from config import load_settings
from config.factories import build_services
from drivers.printer import CupsPrinter, PrinterJam
from session import SessionError

VALUES = {
    "categorie": "BE",
    "premiere_categorie": "oui",
    "nationalite_francaise": "non",
    "nom_naissance": "Lefèvre",
    "sexe": "F",
    "prenom1": "Anaïs",
    "prenom2": "Zoé",
    "date_naissance": "14/07/1985",
    "numero_voie": "12",
    "nom_voie": "rue des Écoles",
    "code_postal": "33000",
    "commune": "Bordeaux",
    "email": "anais@exemple.fr",
}


@pytest.fixture
def services(tmp_path, mock_backend, workspace_root):
    built = build_services(
        load_settings(
            overrides={
                "ants": {"base_url": mock_backend.url, "mock_db": str(mock_backend.db), "retries": 0},
                "scanner": {"driver": "simulated", "resolution": 50},
                "workspace": {"root": str(workspace_root)},
                "stats": {"path": str(tmp_path / "stats.db")},
            }
        )
    )
    yield built
    built.close()


def filed_inscription(services):
    """A permis-inscription answered step by step through the wizard, scanned and submitted."""
    session = services.new_session("permis-inscription")
    values = dict(VALUES, code_photo=session.client.new_photo_code())
    wizard = session.wizard
    while wizard.view().step.kind != "confirmation":
        view = wizard.view()
        if view.step.kind == "pieces":
            for piece in view.pieces:
                session.scan_piece(piece.id)
            assert wizard.next()
        elif view.step.kind == "recap":
            assert wizard.set_values({"attestation": "1"})
            session.submit()
        else:
            assert wizard.next({f.id: values.get(f.id, "") for f in view.fields}), wizard.errors
    return session


def test_the_attestation_prints_recto_verso_on_one_sheet(services, cups_server, pdftotext, tmp_path):
    queue, out = cups_server.add_queue()
    # purge=False: the finished job keeps its attributes, to read what was asked of the printer
    session = filed_inscription(services)
    session.a4 = CupsPrinter(queue, "127.0.0.1", cups_server.port, poll=0.05, purge=False)
    try:
        job_id = session.print_attestation()
        assert session.a4.job_attributes(job_id)["sides"] == "two-sided-long-edge"
        data = cups_server.printed(out, job_id)
        assert b"@PJL SET DUPLEX=ON" in data and b"@PJL SET BINDING=LONGEDGE" in data
        pdf = data[data.index(b"%PDF-") :]
        (tmp_path / "job.pdf").write_bytes(pdf)
        with pikepdf.open(tmp_path / "job.pdf") as doc:
            assert len(doc.pages) == 2
        text = pdftotext(pdf)
        for expected in (
            session.numero,
            session.delivre["neph"],
            "LEFÈVRE",
            "Anaïs, Zoé",
            "14/07/1985",
            "BE",
            "Équivalent du Cerfa réf. 02",
            "À présenter à l'inspecteur",
        ):
            assert expected in text, expected
    finally:
        report = session.end("submitted")
    assert report.clean, report.leftovers


def test_a_jam_is_told_and_the_job_does_not_come_out_later(services, cups_server):
    queue, out = cups_server.add_queue()
    session = filed_inscription(services)
    session.a4 = CupsPrinter(queue, "127.0.0.1", cups_server.port, poll=0.05)
    (out / "fault").write_text("jam")
    try:
        with pytest.raises(SessionError) as info:
            session.print_attestation()
        assert info.value.message_fr == PrinterJam.message_fr
        assert not list(out.glob("job-*.out"))
    finally:
        assert session.end("submitted").clean


def test_the_recapitulatif_leaves_nothing_in_the_print_spool(services, cups_server, pdftotext):
    # CUPS keeps a printed document a day by default (PreserveJobFiles): the
    # session waits for each A4 job that carries the user's data, and purges it.
    queue, out = cups_server.add_queue()
    session = filed_inscription(services)
    session.a4 = CupsPrinter(queue, "127.0.0.1", cups_server.port, poll=0.05)
    try:
        job_id = session.print_recap_a4()
        data = cups_server.printed(out, job_id)
        assert "LEFÈVRE" in pdftotext(data[data.index(b"%PDF-") :]).upper()
        assert not list((cups_server.root / "spool").glob(f"d{job_id:05d}-*")), "the document stayed in the spool"
    finally:
        report = session.end("submitted")
    assert report.clean, report.leftovers
