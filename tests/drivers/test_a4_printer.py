"""A4 printing: the PDF builder, CupsPrinter against a real CUPS scheduler
started for these tests (``cups_server`` in conftest.py: its own port and
folders, nothing in /etc touched), and the capture fake. Output is read back
with pdftotext."""

from __future__ import annotations

import os
import socket
import stat

import pytest

from drivers.printer import (
    A4_PRINTER_DRIVERS,
    A4Printer,
    CaptureA4Printer,
    CupsPrinter,
    PrinterCoverOpen,
    PrinterError,
    PrinterJam,
    PrinterPaperOut,
    PrinterStatus,
    PrinterUnavailable,
    make_a4_printer,
)
from drivers.printer.a4 import status_from_reasons
from drivers.printer.a4doc import A4Document
from support import wait_until

FAULTS = {
    "paper-out": (PrinterPaperOut, PrinterStatus.PAPER_OUT, "L'imprimante n'a plus de papier. Appelez le médiateur."),
    "cover-open": (
        PrinterCoverOpen,
        PrinterStatus.COVER_OPEN,
        "Le capot de l'imprimante est ouvert. Appelez le médiateur.",
    ),
    "jam": (PrinterJam, PrinterStatus.JAM, "Une feuille est coincée dans l'imprimante. Appelez le médiateur."),
    "unplugged": (PrinterUnavailable, PrinterStatus.UNREACHABLE, "L'imprimante ne répond pas. Appelez le médiateur."),
}
#: What the test backend (tests/drivers/conftest.py) reports for each fault (printer-state-reasons).
BACKEND_REASONS = {"paper-out": "media-empty-error", "cover-open": "cover-open-error", "jam": "media-jam-error"}


@pytest.fixture
def queue(cups_server):
    name, out = cups_server.add_queue()
    return CupsPrinter(name, "127.0.0.1", cups_server.port, poll=0.05), out


def attestation() -> bytes:
    doc = A4Document("Attestation d'inscription", subtitle="Point numérique — démonstration", footer="Document fictif")
    doc.paragraph("Mme Marianne SPECIMEN, née le 01/01/1990, est inscrite à l'épreuve théorique.")
    doc.fields(
        [
            ("Numéro de demande", "2025-000123"),
            ("Prénoms", "Marianne, Éloïse"),
            ("Frais", "30 € (œuvre sociale incluse)"),
        ]
    )
    doc.qr("https://example.invalid/suivi?numero=2025-000123", caption="Suivre votre demande")
    doc.page_break()
    doc.heading("Au verso : à apporter le jour de l'épreuve")
    doc.paragraph("Une pièce d'identité en cours de validité.")
    return doc.to_pdf()


# -- the PDF builder -------------------------------------------------------------------


def test_a4_document_embeds_a_font_so_accents_read_back(tmp_path, pdftotext, pdffonts):
    pdf = attestation()
    path = tmp_path / "attestation.pdf"
    path.write_bytes(pdf)
    text = pdftotext(pdf)
    for expected in (
        "Attestation d'inscription",
        "Marianne, Éloïse",
        "30 € (œuvre sociale incluse)",
        "Au verso : à apporter le jour de l'épreuve",
        "Page 2",
    ):
        assert expected in text
    import pikepdf

    with pikepdf.open(path) as doc:
        assert len(doc.pages) == 2
        assert all(
            abs(float(p.mediabox[2]) - 595.28) < 0.5 and abs(float(p.mediabox[3]) - 841.89) < 0.5 for p in doc.pages
        )  # A4 in points
    fonts = pdffonts(path)
    # the text's fonts are embedded subsets with a Unicode map (emb sub uni);
    # reportlab also lists Helvetica, a standard font no text here uses
    dejavu = [line for line in fonts if "DejaVuSans" in line]
    assert len(dejavu) == 2 and all("TrueType" in line and " yes yes yes " in line for line in dejavu)


# -- CUPS ---------------------------------------------------------------------------------


def test_duplex_attestation_prints_recto_verso_on_a_real_cups(queue, cups_server, pdftotext):
    printer, out = queue
    assert isinstance(printer, A4Printer)
    assert printer.status() is PrinterStatus.ONLINE
    job_id = printer.print_pdf(attestation(), title="Attestation d'inscription", duplex=True)
    attributes = printer.job_attributes(job_id)
    assert attributes["sides"] == "two-sided-long-edge"
    printer.wait(job_id, timeout=30)
    data = cups_server.printed(out, job_id)
    assert b"@PJL SET DUPLEX=ON" in data and b"@PJL SET BINDING=LONGEDGE" in data
    assert b"@PJL SET PAPER=A4" in data
    text = pdftotext(data[data.index(b"%PDF-") :])
    assert "Marianne, Éloïse" in text and "30 € (œuvre sociale incluse)" in text
    # printed, then purged: CUPS keeps no copy of the person's document
    with pytest.raises(PrinterUnavailable, match="not-found"):
        printer.job_attributes(job_id)
    assert not list((cups_server.root / "spool").glob(f"d{job_id:05d}-*"))


def test_simplex_job_is_one_sided(queue, cups_server, pdftotext):
    printer, out = queue
    job_id = printer.print_pdf(A4Document("Récapitulatif").paragraph("Une seule face.").to_pdf())
    assert printer.job_attributes(job_id)["sides"] == "one-sided"
    printer.wait(job_id, timeout=30)
    data = cups_server.printed(out, job_id)
    assert b"@PJL SET DUPLEX=OFF" in data
    assert "Une seule face." in pdftotext(data[data.index(b"%PDF-") :])


@pytest.mark.parametrize("fault", sorted(BACKEND_REASONS))
def test_printer_fault_fails_the_job_typed_and_refuses_the_next(queue, cups_server, fault):
    printer, out = queue
    error, status, message = FAULTS[fault]
    (out / "fault").write_text(fault)
    job_id = printer.print_pdf(attestation(), duplex=True)
    with pytest.raises(error) as info:
        printer.wait(job_id, timeout=30)
    assert info.value.message_fr == message
    assert BACKEND_REASONS[fault] in str(info.value)

    # the job is cancelled and purged: it will not come out later for someone
    # else, and its document is gone from the spool
    def purged():
        try:
            job = printer.job_attributes(job_id)
        except PrinterUnavailable as exc:
            return "not-found" in str(exc)
        # a job cancelled while its filters run keeps a record, not its document
        return job["job-state"] == 7 and job["job-preserved"] is False

    wait_until(purged, 10, message=f"job {job_id} to be purged")
    assert not list((cups_server.root / "spool").glob(f"d{job_id:05d}-*"))
    assert printer.status() is status
    with pytest.raises(error):
        printer.print_pdf(attestation())
    assert not list(out.glob("job-*.out"))


def test_stopped_queue_is_offline_and_refuses_jobs(queue, cups_server):
    printer, _ = queue
    cups_server.disable(printer.queue)
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterUnavailable) as info:
        printer.print_pdf(attestation())
    assert info.value.message_fr == FAULTS["unplugged"][2]


def test_unknown_queue_and_unreachable_server(cups_server):
    with pytest.raises(PrinterUnavailable) as info:
        CupsPrinter("no-such-queue", "127.0.0.1", cups_server.port).print_pdf(attestation())
    assert info.value.message_fr == FAULTS["unplugged"][2]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    gone = CupsPrinter("A4", "127.0.0.1", dead_port)
    assert gone.status() is PrinterStatus.UNREACHABLE
    with pytest.raises(PrinterUnavailable):
        gone.print_pdf(attestation())


def test_only_pdf_is_sent(queue):
    printer, _ = queue
    with pytest.raises(ValueError, match="PDF"):
        printer.print_pdf(b"hello")


@pytest.mark.parametrize(
    "reasons, state, expected",
    [
        (["none"], 3, PrinterStatus.ONLINE),
        (["media-low-report"], 3, PrinterStatus.PAPER_LOW),
        (["media-needed-error"], 5, PrinterStatus.PAPER_OUT),
        (["door-open-warning"], 4, PrinterStatus.COVER_OPEN),
        (["paused"], 5, PrinterStatus.OFFLINE),
        (["none"], 5, PrinterStatus.OFFLINE),
    ],
)
def test_state_reasons_map_to_statuses(reasons, state, expected):
    assert status_from_reasons(reasons, state) is expected


# -- the capture fake -------------------------------------------------------------------------


def test_capture_printer_keeps_each_pdf_privately(tmp_path):
    printer = CaptureA4Printer(tmp_path / "a4")
    assert isinstance(printer, A4Printer) and printer.status() is PrinterStatus.ONLINE
    pdf = attestation()
    job_id = printer.print_pdf(pdf, title="Attestation", duplex=True)
    printer.wait(job_id)
    (job,) = printer.jobs
    assert (job.id, job.title, job.duplex, job.pdf) == (job_id, "Attestation", True, pdf)
    assert job.path.read_bytes() == pdf and stat.S_IMODE(job.path.stat().st_mode) == 0o600
    with pytest.raises(PrinterError):
        printer.wait(99)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_capture_printer_faults(fault):
    error, status, message = FAULTS[fault]
    printer = CaptureA4Printer(fault=fault)
    assert printer.status() is status
    with pytest.raises(error) as info:
        printer.print_pdf(attestation())
    assert info.value.message_fr == message and not printer.jobs
    printer.clear_fault()
    printer.wait(printer.print_pdf(attestation()))


def test_capture_printer_paper_low_still_prints():
    printer = CaptureA4Printer(fault="paper-low")
    assert printer.status() is PrinterStatus.PAPER_LOW
    assert printer.print_pdf(attestation()) == 1


# -- factory ----------------------------------------------------------------------------------


class _A4Settings:
    def __init__(self, **values):
        self.__dict__.update(values)


def test_factory_builds_each_a4_printer(tmp_path):
    assert set(A4_PRINTER_DRIVERS) == {"cups", "capture"}
    assert isinstance(make_a4_printer(), CaptureA4Printer)
    capture = make_a4_printer(_A4Settings(driver="capture", folder=str(tmp_path), fault="jam"))
    assert capture.folder == tmp_path and capture.fault == "jam"
    cups_printer = make_a4_printer(_A4Settings(driver="cups", queue="Bureau", host="10.0.0.9", port=632))
    assert isinstance(cups_printer, CupsPrinter)
    assert (cups_printer.queue, cups_printer.host, cups_printer.port) == ("Bureau", "10.0.0.9", 632)
    with pytest.raises(ValueError, match="unknown A4 printer driver 'lpr'"):
        make_a4_printer(_A4Settings(driver="lpr"))
    assert os.environ.get("CUPS_SERVER") is None  # nothing global was changed
