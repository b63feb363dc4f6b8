"""A CUPS job whose purge fails is a wipe failure, never a silence: a real
scheduler (``cups_server`` in conftest.py) prints the job and keeps its document
in the spool, and the connection's Cancel-Job (the purge) is refused the way
CUPS refuses it (``cups.IPPError``; everything else of the connection is the real
pycups one). The failure is logged with the job id and the error's type only,
kept by the printer, counted in the statistics, and makes the session's end
report not clean: the kiosk then shows its "hors service" screen."""

from __future__ import annotations

import logging

import cups
import pytest
import sqlite_utils

from config import load_settings
from config.factories import build_services
from drivers.printer import CupsPrinter, PrinterUnavailable
from drivers.printer.a4doc import A4Document

TITLE = "Récapitulatif de Marianne SPECIMEN"


class PurgeRefused:
    """The real pycups connection, but CUPS answers ``printer.error`` to Cancel-Job
    (the purge) while ``printer.refusals`` lasts, as to a user its policy does not
    let cancel."""

    def __init__(self, conn, printer: RefusingCupsPrinter):
        self._conn = conn
        self._printer = printer

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def cancelJob(self, job_id, purge_job=False):  # noqa: N802 (pycups's name)
        printer = self._printer
        printer.cancels.append((job_id, purge_job))
        if printer.refusals > 0:
            printer.refusals -= 1
            raise printer.error
        return self._conn.cancelJob(job_id, purge_job=purge_job)


class RefusingCupsPrinter(CupsPrinter):
    """A CupsPrinter whose connections are :class:`PurgeRefused` ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error: Exception = cups.IPPError(cups.IPP_NOT_AUTHORIZED, "Not authorized")
        self.refusals = 1
        self.cancels: list[tuple[int, bool]] = []

    def _connect(self):
        module, conn = super()._connect()
        return module, PurgeRefused(conn, self)


def in_spool(cups_server, job_id: int) -> list:
    return list((cups_server.root / "spool").glob(f"d{job_id:05d}-*"))


def sheet() -> bytes:
    return A4Document(TITLE).paragraph("Marianne SPECIMEN, 12 rue des Écoles").to_pdf()


@pytest.fixture
def refusing(cups_server):
    """A queue on the real scheduler, and a printer whose first purge CUPS refuses."""
    name, out = cups_server.add_queue()
    printer = RefusingCupsPrinter(name, "127.0.0.1", cups_server.port, poll=0.05)
    yield printer, out
    real = CupsPrinter(name, "127.0.0.1", cups_server.port)
    _module, conn = real._connect()
    for job_id in conn.getJobs(which_jobs="all"):
        conn.cancelJob(job_id, purge_job=True)  # leave the shared scheduler clean


def test_a_refused_purge_is_logged_and_kept_and_the_document_is_still_there(refusing, cups_server, caplog):
    printer, out = refusing
    job_id = printer.print_pdf(sheet(), title=TITLE)
    with caplog.at_level(logging.ERROR, logger="drivers.printer.a4"):
        printer.wait(job_id, timeout=30)  # the sheet printed: the user has it
    cups_server.printed(out, job_id)
    assert printer.cancels == [(job_id, True)]
    assert printer.purge_failed(job_id)
    assert in_spool(cups_server, job_id), "CUPS kept the document: the purge really failed"
    assert [r.getMessage() for r in caplog.records] == [
        f"CUPS job {job_id} not purged from the print spool: IPPError (IPP status 0x0403)"
    ]
    assert "SPECIMEN" not in caplog.text and "Marianne" not in caplog.text

    assert printer.retry_purge(job_id)  # CUPS lets it go now
    assert not printer.purge_failed(job_id) and not in_spool(cups_server, job_id)
    with pytest.raises(PrinterUnavailable, match="not-found"):
        printer.job_attributes(job_id)


def test_a_purge_that_fails_for_want_of_the_scheduler_is_kept(refusing, cups_server, caplog):
    printer, _out = refusing
    printer.error = cups.HTTPError(-1)  # the connection lost mid-way
    job_id = printer.print_pdf(sheet(), title=TITLE)
    with caplog.at_level(logging.ERROR, logger="drivers.printer.a4"):
        printer.wait(job_id, timeout=30)
    assert printer.purge_failed(job_id) and in_spool(cups_server, job_id)
    assert caplog.records[0].getMessage() == f"CUPS job {job_id} not purged from the print spool: HTTPError"


def test_a_job_cups_no_longer_knows_is_purged(refusing):
    printer, _out = refusing
    printer.error = cups.IPPError(cups.IPP_NOT_FOUND, "client-error-not-found")
    job_id = printer.print_pdf(sheet(), title=TITLE)
    printer.wait(job_id, timeout=30)
    assert not printer.purge_failed(job_id)  # nothing of it left to purge


# -- the session ---------------------------------------------------------------------------


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


@pytest.mark.parametrize("refusals, clean", [(2, False), (1, True)])
def test_a_job_left_in_the_spool_makes_the_end_of_the_session_not_clean(
    services, refusing, cups_server, tmp_path, refusals, clean
):
    printer, _out = refusing
    printer.refusals = refusals  # 2: at print time and again at the end; 1: the end's retry purges it
    session = services.new_session("permis-perte")
    session.a4 = printer
    job_id = session.print_recap_a4()  # printed: the user takes the sheet
    assert printer.purge_failed(job_id) and in_spool(cups_server, job_id)
    report = session.end("abandoned")
    assert printer.cancels == [(job_id, True), (job_id, True)]
    rows = list(sqlite_utils.Database(tmp_path / "stats.db")["sessions"].rows)
    if clean:
        assert report.clean and not in_spool(cups_server, job_id)
        assert [(r["purge_failed"], r["wipe_failed"]) for r in rows] == [(0, 0)]
    else:
        # The kiosk shows "hors service" for a report that is not clean (Controller._wiped).
        assert not report.clean
        assert report.leftovers == [f"A4 print job {job_id} on {printer.name}: not purged from the print spool"]
        assert in_spool(cups_server, job_id)
        assert [(r["purge_failed"], r["wipe_failed"]) for r in rows] == [(1, 1)]
