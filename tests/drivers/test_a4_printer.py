"""A4 printing: the PDF builder, CupsPrinter against a real CUPS scheduler
started for these tests (its own port and folders, nothing in /etc touched),
and the capture fake. Output is read back with pdftotext."""
from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

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

FAULTS = {
    "paper-out": (PrinterPaperOut, PrinterStatus.PAPER_OUT,
                  "L'imprimante n'a plus de papier. Appelez le médiateur."),
    "cover-open": (PrinterCoverOpen, PrinterStatus.COVER_OPEN,
                   "Le capot de l'imprimante est ouvert. Appelez le médiateur."),
    "jam": (PrinterJam, PrinterStatus.JAM,
            "Une feuille est coincée dans l'imprimante. Appelez le médiateur."),
    "unplugged": (PrinterUnavailable, PrinterStatus.UNREACHABLE,
                  "L'imprimante ne répond pas. Appelez le médiateur."),
}
#: What the test backend reports for each fault (printer-state-reasons).
BACKEND_REASONS = {"paper-out": "media-empty-error", "cover-open": "cover-open-error", "jam": "media-jam-error"}

# A CUPS backend of our own: writes each job into the folder named by its
# device URI, or reports the fault written in that folder's "fault" file and
# stops the queue, as a real printer's backend does.
BACKEND = r"""#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct kiosktest "Unknown" "Kiosk test printer"'; exit 0; fi
dir="${DEVICE_URI#kiosktest:}"
fault="$(cat "$dir/fault" 2>/dev/null)"
case "$fault" in
  paper-out) echo "STATE: +media-empty-error" >&2; echo "ERROR: out of paper" >&2; exit 4 ;;
  cover-open) echo "STATE: +cover-open-error" >&2; echo "ERROR: cover open" >&2; exit 4 ;;
  jam) echo "STATE: +media-jam-error" >&2; echo "ERROR: paper jam" >&2; exit 4 ;;
esac
if [ $# -ge 6 ]; then cat "$6"; else cat; fi > "$dir/job-$1.tmp" && mv "$dir/job-$1.tmp" "$dir/job-$1.out"
exit 0
"""
GENERIC_PDF_PPD = "/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd"


def wait_until(predicate, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        threading.Event().wait(0.05)


class ThrowawayCups:
    """cupsd with its own ServerRoot, spool, logs and port (PLATFORM.md).

    Run as root here (CI is root), it works the same as an ordinary user:
    everything lives in a fresh folder of mode 0755 (the filters run as ``lp``
    when cupsd is root, and must read the spool), our backend is 0700 so
    cupsd runs it as the scheduler's own user."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="pointnum-cups-"))
        self.root.chmod(0o755)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen | None = None
        self._queues = 0

    def start(self) -> "ThrowawayCups":
        r = self.root
        for sub in ("etc/ppd", "spool/tmp", "cache", "state", "log", "bin/backend"):
            (r / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("etc", "etc/ppd", "spool", "spool/tmp", "cache", "state", "log", "bin", "bin/backend"):
            (r / sub).chmod(0o755)
        for name in ("cgi-bin", "daemon", "driver", "filter", "monitor", "notifier"):
            (r / "bin" / name).symlink_to(Path("/usr/lib/cups") / name)
        for backend in Path("/usr/lib/cups/backend").iterdir():
            (r / "bin/backend" / backend.name).symlink_to(backend)
        ours = r / "bin/backend/kiosktest"
        ours.write_text(BACKEND)
        ours.chmod(0o700)
        (r / "etc/cupsd.conf").write_text(
            f"Listen 127.0.0.1:{self.port}\nLogLevel info\nWebInterface No\nBrowsing No\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")
        (r / "etc/cups-files.conf").write_text(
            f"ServerRoot {r}/etc\nRequestRoot {r}/spool\nTempDir {r}/spool/tmp\nCacheDir {r}/cache\n"
            f"StateDir {r}/state\nServerBin {r}/bin\nDataDir /usr/share/cups\n"
            f"AccessLog {r}/log/access_log\nErrorLog {r}/log/error_log\nPageLog {r}/log/page_log\n"
            "FileDevice Yes\nPrintcap\n")
        self.proc = subprocess.Popen(["/usr/sbin/cupsd", "-f", "-c", str(r / "etc/cupsd.conf"),
                                      "-s", str(r / "etc/cups-files.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("cupsd exited:\n" + self.log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_until(up, 15, "cupsd to listen")
        return self

    def log(self) -> str:
        path = self.root / "log/error_log"
        return path.read_text(errors="replace") if path.exists() else ""

    def add_queue(self) -> tuple[str, Path]:
        """A new queue with the generic PDF driver and our backend; its output folder."""
        self._queues += 1
        name = f"A4-{self._queues}"
        out = self.root / "out" / name
        out.mkdir(parents=True)
        out.chmod(0o755)
        subprocess.run(["lpadmin", "-h", f"127.0.0.1:{self.port}", "-p", name, "-E",
                        "-v", f"kiosktest:{out}", "-P", GENERIC_PDF_PPD],
                       check=True, capture_output=True, timeout=30)
        return name, out

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cups_server():
    if not Path("/usr/sbin/cupsd").exists() or not shutil.which("lpadmin") or not shutil.which("pdftotext"):
        pytest.fail("CUPS is not installed: run the README's test command "
                    "(it installs cups, cups-client, cups-filters, poppler-utils)")
    server = ThrowawayCups().start()
    yield server
    server.stop()


@pytest.fixture
def queue(cups_server):
    name, out = cups_server.add_queue()
    return CupsPrinter(name, "127.0.0.1", cups_server.port, poll=0.05), out


def attestation() -> bytes:
    doc = A4Document("Attestation d'inscription", subtitle="Point numérique — démonstration",
                     footer="Document fictif")
    doc.paragraph("Mme Marianne SPECIMEN, née le 01/01/1990, est inscrite à l'épreuve théorique.")
    doc.fields([("Numéro de demande", "2025-000123"), ("Prénoms", "Marianne, Éloïse"),
                ("Frais", "30 € (œuvre sociale incluse)")])
    doc.qr("https://example.invalid/suivi?numero=2025-000123", caption="Suivre votre demande")
    doc.page_break()
    doc.heading("Au verso : à apporter le jour de l'épreuve")
    doc.paragraph("Une pièce d'identité en cours de validité.")
    return doc.to_pdf()


def pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=30).stdout


def printed(out: Path, job_id: int) -> bytes:
    return wait_until(lambda: (out / f"job-{job_id}.out").exists() and (out / f"job-{job_id}.out").read_bytes(),
                      15, f"job {job_id} in {out}")


# -- the PDF builder -------------------------------------------------------------------

def test_a4_document_embeds_a_font_so_accents_read_back(tmp_path):
    pdf = attestation()
    text = pdftotext(pdf, tmp_path)
    for expected in ("Attestation d'inscription", "Marianne, Éloïse", "30 € (œuvre sociale incluse)",
                     "Au verso : à apporter le jour de l'épreuve", "Page 2"):
        assert expected in text
    import pikepdf

    with pikepdf.open(tmp_path / "read.pdf") as doc:
        assert len(doc.pages) == 2
        assert all(abs(float(p.mediabox[2]) - 595.28) < 0.5 and abs(float(p.mediabox[3]) - 841.89) < 0.5
                   for p in doc.pages)  # A4 in points
    fonts = subprocess.run(["pdffonts", str(tmp_path / "read.pdf")], check=True, capture_output=True,
                           text=True, timeout=30).stdout.splitlines()[2:]
    # the text's fonts are embedded subsets with a Unicode map (emb sub uni);
    # reportlab also lists Helvetica, a standard font no text here uses
    dejavu = [line for line in fonts if "DejaVuSans" in line]
    assert len(dejavu) == 2 and all("TrueType" in line and " yes yes yes " in line for line in dejavu)


# -- CUPS ---------------------------------------------------------------------------------

def test_duplex_attestation_prints_recto_verso_on_a_real_cups(queue, cups_server, tmp_path):
    printer, out = queue
    assert isinstance(printer, A4Printer)
    assert printer.status() is PrinterStatus.ONLINE
    job_id = printer.print_pdf(attestation(), title="Attestation d'inscription", duplex=True)
    attributes = printer.job_attributes(job_id)
    assert attributes["sides"] == "two-sided-long-edge"
    printer.wait(job_id, timeout=30)
    data = printed(out, job_id)
    assert b"@PJL SET DUPLEX=ON" in data and b"@PJL SET BINDING=LONGEDGE" in data
    assert b"@PJL SET PAPER=A4" in data
    text = pdftotext(data[data.index(b"%PDF-"):], tmp_path)
    assert "Marianne, Éloïse" in text and "30 € (œuvre sociale incluse)" in text
    # printed, then purged: CUPS keeps no copy of the person's document
    with pytest.raises(PrinterUnavailable, match="not-found"):
        printer.job_attributes(job_id)
    assert not list((cups_server.root / "spool").glob(f"d{job_id:05d}-*"))


def test_simplex_job_is_one_sided(queue, tmp_path):
    printer, out = queue
    job_id = printer.print_pdf(A4Document("Récapitulatif").paragraph("Une seule face.").to_pdf())
    assert printer.job_attributes(job_id)["sides"] == "one-sided"
    printer.wait(job_id, timeout=30)
    data = printed(out, job_id)
    assert b"@PJL SET DUPLEX=OFF" in data
    assert "Une seule face." in pdftotext(data[data.index(b"%PDF-"):], tmp_path)


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

    wait_until(purged, 10, f"job {job_id} to be purged")
    assert not list((cups_server.root / "spool").glob(f"d{job_id:05d}-*"))
    assert printer.status() is status
    with pytest.raises(error):
        printer.print_pdf(attestation())
    assert not list(out.glob("job-*.out"))


def test_stopped_queue_is_offline_and_refuses_jobs(queue, cups_server):
    printer, _ = queue
    subprocess.run(["cupsdisable", "-h", f"127.0.0.1:{cups_server.port}", printer.queue],
                   check=True, timeout=30)
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


@pytest.mark.parametrize("reasons, state, expected", [
    (["none"], 3, PrinterStatus.ONLINE),
    (["media-low-report"], 3, PrinterStatus.PAPER_LOW),
    (["media-needed-error"], 5, PrinterStatus.PAPER_OUT),
    (["door-open-warning"], 4, PrinterStatus.COVER_OPEN),
    (["paused"], 5, PrinterStatus.OFFLINE),
    (["none"], 5, PrinterStatus.OFFLINE),
])
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
