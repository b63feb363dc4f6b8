"""Receipt printing: exact ESC/POS bytes over TCP to a listener standing where
a network printer would be (it answers status requests as a printer would: paper
out, cover open, no answer), the capture printer, faults and the factory."""

from __future__ import annotations

import socket
import time

import pytest
from escpos.printer import Dummy, Network

from config import PrinterSettings
from drivers.printer import (
    PRINTER_DRIVERS,
    CapturePrinter,
    PrinterCoverOpen,
    PrinterError,
    PrinterPaperOut,
    PrinterStatus,
    PrinterUnavailable,
    Receipt,
    ReceiptPrinter,
    make_receipt_printer,
)
from support import wait_until

RECEIPT = Receipt(
    title="Récépissé de demande",
    lines=[
        ("Démarche", "Déclaration de vol du permis"),
        ("Nom", "SPÉCIMEN Éloïse"),
        ("Déposée le", "12/03/2025 à 14:32"),
        ("Pièces justificatives fournies", "justificatif de domicile, récépissé de déclaration de vol"),
    ],
    numero="PN-2025-ABC123",
    qr_data="https://permisdeconduire.ants.gouv.fr/suivi?numero=PN-2025-ABC123",
    footer=["Conservez ce récépissé : il prouve votre demande.", "Borne de démonstration"],
)

ESC_INIT = b"\x1b@"
CP1252 = b"\x1bt\x10"  # ESC t 16: WPC1252 on the TM-T20II
QR = b"\x1d(k"
QR_STORE = b"\x1d(k\x44\x00" + b"1P0" + RECEIPT.qr_data.encode()  # GS ( k pL pH cn fn m data
QR_PRINT = b"\x1d(k\x03\x001Q0"
CENTRE = b"\x1ba\x01"
DOUBLE = b"\x1d!\x11"
BARCODE = b"\x1dkI\x10{BPN-2025-ABC123"  # GS k 73 n {B data (CODE128 set B)
CUT = b"\x1dV\x00"


def network_printer(port: int, timeout: float = 2.0, **settings) -> ReceiptPrinter:
    return make_receipt_printer(
        PrinterSettings(driver="network", host="127.0.0.1", port=port, timeout=timeout, **settings)
    )


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_receipt_over_tcp_has_the_exact_commands(tcp_printer):
    network_printer(tcp_printer.port).print_receipt(RECEIPT)
    data = tcp_printer.wait_for(CUT)
    assert data.startswith(ESC_INIT + CP1252 + b"\x1bE\x01" + CENTRE + "Récépissé de demande\n".encode("cp1252"))
    assert data.endswith(b"\x1bd\x06" + CUT)
    # accents in the code page announced, never '?'
    assert b"R\xe9c\xe9piss\xe9 de demande\n" in data
    assert b"SP\xc9CIMEN \xc9lo\xefse" in data
    assert b"12/03/2025 \xe0 14:32" in data
    assert b"?" not in data.replace(RECEIPT.qr_data.encode(), b"")
    # a line that fits: label left, value right, 48 columns
    assert ("Nom" + " " * 30 + "SPÉCIMEN Éloïse\n").encode("cp1252") in data
    # a line that does not fit: bold label, then the value wrapped and indented
    assert b"\x1bE\x01Pi\xe8ces justificatives fournies\n\x1bE\x00  justificatif de domicile" in data
    # the numero, centred and double size
    assert CENTRE + b"PN-2025-ABC123\n" in data and DOUBLE + b"\x1bE\x01" + CENTRE + b"PN-2025-ABC123\n" in data
    # a native QR code (GS ( k) centred, then its CODE128 barcode, in this order
    assert data.count(QR) == 5
    assert CENTRE + QR in data and QR_STORE in data and QR_PRINT in data
    assert data.index(QR_PRINT) < data.index(BARCODE) < data.index(b"Conservez") < data.index(CUT)
    assert "Conservez ce récépissé : il prouve votre demande.\n".encode("cp1252") in data


def test_combining_accents_are_composed_before_encoding(tcp_printer):
    decomposed = "Re\u0301ce\u0301pisse\u0301 c\u0327a E\u0301"
    network_printer(tcp_printer.port).print_receipt(Receipt(title=decomposed))
    data = tcp_printer.wait_for(CUT)
    assert b"R\xe9c\xe9piss\xe9 \xe7a \xc9\n" in data
    assert data.count(b"\x1bt") == 1  # no code page switch


def test_letters_outside_cp1252_switch_code_page(tcp_printer):
    network_printer(tcp_printer.port).print_receipt(Receipt(title="Łukasz é"))
    data = tcp_printer.wait_for(CUT)
    # CP852 (ESC t 18) for Ł, which also holds é: the encoder stays there
    assert b"\x1bt\x10\x1bE\x01\x1ba\x01\x1bt\x12\x9dukasz \x82\n" in data


def test_unprintable_numero_has_no_barcode(tcp_printer):
    network_printer(tcp_printer.port).print_receipt(Receipt(title="T", numero="N°-É12"))
    data = tcp_printer.wait_for(CUT)
    assert b"\x1dk" not in data
    assert b"N\xb0-\xc912\n" in data


def test_unreachable_printer(tcp_printer):
    printer = network_printer(unused_port())
    with pytest.raises(PrinterUnavailable) as info:
        printer.print_receipt(RECEIPT)
    assert info.value.message_fr == "L'imprimante ne répond pas. Appelez le médiateur."
    assert printer.status() is PrinterStatus.UNREACHABLE


def test_network_status_is_asked_of_the_printer(tcp_printer):
    assert network_printer(tcp_printer.port).status() is PrinterStatus.ONLINE
    assert tcp_printer.requests == [1, 4] and tcp_printer.data == b""  # DLE EOT 1, then 4; nothing printed


def test_each_job_asks_the_status_before_and_after(tcp_printer):
    network_printer(tcp_printer.port).print_receipt(RECEIPT)
    assert tcp_printer.data.endswith(CUT)
    assert tcp_printer.requests == [1, 4, 1, 4]


# -- a network printer that answers status requests (DLE EOT n) ---------------------

NETWORK_FAULTS = {
    "paper-out": (
        PrinterPaperOut,
        PrinterStatus.PAPER_OUT,
        [1, 2],
        "L'imprimante n'a plus de papier. Appelez le médiateur.",
    ),
    "cover-open": (
        PrinterCoverOpen,
        PrinterStatus.COVER_OPEN,
        [1, 2],
        "Le capot de l'imprimante est ouvert. Appelez le médiateur.",
    ),
}


@pytest.mark.parametrize("fault", sorted(NETWORK_FAULTS))
def test_a_network_printer_that_reports_a_fault_prints_nothing(tcp_printer, fault):
    error, status, asked, message = NETWORK_FAULTS[fault]
    tcp_printer.status = fault
    printer = network_printer(tcp_printer.port)
    with pytest.raises(error) as info:
        printer.print_receipt(RECEIPT)
    assert info.value.message_fr == message
    assert tcp_printer.data == b""  # the job was not sent
    assert tcp_printer.requests == asked
    assert printer.status() is status
    tcp_printer.status = "ok"  # paper put back
    printer.print_receipt(RECEIPT)
    assert tcp_printer.wait_for(CUT).count(CUT) == 1  # one récépissé, once the printer can


def test_a_network_printer_near_the_end_of_its_roll_still_prints(tcp_printer):
    tcp_printer.status = "paper-low"
    printer = network_printer(tcp_printer.port)
    assert printer.status() is PrinterStatus.PAPER_LOW
    printer.print_receipt(RECEIPT)
    assert tcp_printer.wait_for(CUT).endswith(CUT)


def test_paper_that_runs_out_during_the_job_is_caught(tcp_printer):
    tcp_printer.after_cut = "paper-out"
    with pytest.raises(PrinterPaperOut) as info:
        network_printer(tcp_printer.port).print_receipt(RECEIPT)
    assert "after the job" in str(info.value)
    assert tcp_printer.data.endswith(CUT)  # sent, but the printer says it ran out of paper
    assert tcp_printer.requests == [1, 4, 1, 2]


def test_a_silent_printer_fails_by_default_and_names_the_setting(tcp_printer):
    tcp_printer.status = "silent"
    printer = network_printer(tcp_printer.port, timeout=30.0, status_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(PrinterUnavailable) as info:
        printer.print_receipt(RECEIPT)
    assert time.monotonic() - started < 10  # the status timeout, not the job's 30 s
    assert info.value.message_fr == "L'imprimante ne répond pas. Appelez le médiateur."
    assert 'printer.status_unanswered = "fail"' in str(info.value)
    assert 'printer.status_unanswered = "assume_ok"' in str(info.value)
    assert tcp_printer.data == b"" and tcp_printer.requests == [1]
    assert printer.status() is PrinterStatus.UNREACHABLE


def test_a_silent_printer_prints_when_the_site_says_it_cannot_answer(tcp_printer):
    tcp_printer.status = "silent"
    printer = network_printer(tcp_printer.port, status_timeout=0.2, status_unanswered="assume_ok")
    printer.print_receipt(RECEIPT)
    assert tcp_printer.wait_for(CUT).endswith(CUT)
    assert printer.status() is PrinterStatus.ONLINE


def test_a_printer_silent_after_the_job_is_not_counted_as_printed(tcp_printer):
    tcp_printer.after_cut = "silent"
    with pytest.raises(PrinterUnavailable) as info:
        network_printer(tcp_printer.port, status_timeout=0.2).print_receipt(RECEIPT)
    assert info.value.message_fr == (
        "L'imprimante n'a pas confirmé l'impression. Notez votre numéro et appelez le médiateur."
    )
    assert "after the job" in str(info.value)


def test_an_answer_that_is_not_a_status_byte_is_no_answer(tcp_printer):
    tcp_printer.status = {1: 0xFF, 2: 0xFF, 3: 0xFF, 4: 0xFF}
    with pytest.raises(PrinterUnavailable, match="did not answer a status request"):
        network_printer(tcp_printer.port).print_receipt(RECEIPT)
    assert tcp_printer.data == b""


def test_a_status_request_split_across_reads_is_answered(tcp_printer):
    with socket.create_connection(("127.0.0.1", tcp_printer.port), timeout=5) as conn:
        conn.sendall(b"AB\x10")
        wait_until(lambda: tcp_printer.data == b"AB", 5, message="the first bytes")
        conn.sendall(b"\x04\x04CD")
        assert conn.recv(1) == b"\x12"
    wait_until(lambda: tcp_printer.data == b"ABCD", 5, message="the last bytes")
    assert tcp_printer.requests == [4]


def test_capture_keeps_the_same_bytes_as_the_network(tcp_printer):
    network_printer(tcp_printer.port).print_receipt(RECEIPT)
    sent = tcp_printer.wait_for(CUT)
    capture = make_receipt_printer(PrinterSettings(driver="capture"))
    capture.print_receipt(RECEIPT)
    capture.print_receipt(RECEIPT)
    device = capture.open_device()
    assert isinstance(device, CapturePrinter) and isinstance(device, Dummy)
    assert list(device.jobs) == [sent, sent]  # each job starts afresh (ESC @, ESC t)


def test_capture_appends_jobs_to_its_file(tmp_path):
    path = tmp_path / "out" / "receipts.bin"
    printer = make_receipt_printer(PrinterSettings(driver="capture", file=str(path)))
    printer.print_receipt(RECEIPT)
    printer.print_receipt(Receipt(title="Deuxième"))
    jobs = printer.open_device().jobs
    assert len(jobs) == 2 and path.read_bytes() == jobs[0] + jobs[1]


FAULTS = {
    "paper-out": (PrinterPaperOut, PrinterStatus.PAPER_OUT, "L'imprimante n'a plus de papier. Appelez le médiateur."),
    "cover-open": (
        PrinterCoverOpen,
        PrinterStatus.COVER_OPEN,
        "Le capot de l'imprimante est ouvert. Appelez le médiateur.",
    ),
    "unplugged": (PrinterUnavailable, PrinterStatus.UNREACHABLE, "L'imprimante ne répond pas. Appelez le médiateur."),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_capture_faults(fault):
    error, status, message = FAULTS[fault]
    printer = make_receipt_printer(PrinterSettings(driver="capture"))
    device = printer.open_device()
    assert printer.status() is PrinterStatus.ONLINE
    device.inject_fault(fault)
    assert printer.status() is status
    with pytest.raises(error) as info:
        printer.print_receipt(RECEIPT)
    assert isinstance(info.value, PrinterError) and info.value.message_fr == message
    assert not device.jobs  # nothing printed, status queries not kept as a job
    device.clear_fault()
    printer.print_receipt(RECEIPT)
    assert len(device.jobs) == 1 and b"\x10\x04" not in device.jobs[0]


def test_paper_low_still_prints():
    device = CapturePrinter(fault="paper-low", profile="TM-T20II")
    printer = ReceiptPrinter(lambda: device)
    assert printer.status() is PrinterStatus.PAPER_LOW and printer.status().can_print
    printer.print_receipt(RECEIPT)
    assert len(device.jobs) == 1


def test_capture_answers_status_queries_like_an_epson_printer():
    device = CapturePrinter(fault="paper-out", profile="TM-T20II")
    assert device.is_online() is False and device.paper_status() == 0
    device.clear_fault()
    assert device.is_online() is True and device.paper_status() == 2
    with pytest.raises(ValueError, match="unknown printer fault"):
        device.inject_fault("smoke")


def test_a_device_that_fails_to_open_is_unavailable(tmp_path):
    printer = make_receipt_printer(PrinterSettings(driver="file", file=str(tmp_path / "no" / "dir" / "lp0")))
    assert printer.status() is PrinterStatus.UNREACHABLE
    with pytest.raises(PrinterUnavailable):
        printer.print_receipt(RECEIPT)


def test_file_printer_writes_the_same_bytes(tmp_path, tcp_printer):
    path = tmp_path / "lp0"
    make_receipt_printer(PrinterSettings(driver="file", file=str(path))).print_receipt(RECEIPT)
    network_printer(tcp_printer.port).print_receipt(RECEIPT)
    assert path.read_bytes() == tcp_printer.wait_for(CUT)


# -- factory -------------------------------------------------------------------


def test_factory_maps_every_configured_driver():
    assert set(PRINTER_DRIVERS) == {"network", "usb", "serial", "file", "capture"}


def test_factory_builds_a_network_device_from_settings():
    printer = make_receipt_printer(
        PrinterSettings(driver="network", host="192.0.2.7", port=9101, timeout=3.5, profile="TM-T88V")
    )
    device = printer.open_device()
    assert isinstance(device, Network)
    assert (device.host, device.port, device.timeout) == ("192.0.2.7", 9101, 3.5)
    assert device.profile.profile_data["name"] == "TM-T88V"
    assert printer.profile == "TM-T88V" and printer.check_status is True
    assert printer.unanswered == "fail" and device.status_timeout == 1.0  # the documented defaults


def test_factory_builds_usb_and_serial_devices_from_settings():
    from escpos.printer import Serial, Usb

    usb = make_receipt_printer(PrinterSettings(driver="usb", usb_vendor=0x04B8, usb_product=0x0E15)).open_device()
    assert isinstance(usb, Usb) and usb.usb_args == {"idVendor": 0x04B8, "idProduct": 0x0E15}
    serial = make_receipt_printer(PrinterSettings(driver="serial", serial_device="/dev/ttyS9")).open_device()
    assert isinstance(serial, Serial) and serial.devfile == "/dev/ttyS9"


def test_usb_printer_without_usb_bus_is_unavailable():
    printer = make_receipt_printer(PrinterSettings(driver="usb", usb_vendor=0x04B8, usb_product=0x0E15))
    assert printer.status() is PrinterStatus.UNREACHABLE
    with pytest.raises(PrinterUnavailable):
        printer.print_receipt(RECEIPT)


def test_missing_optional_dependency_says_so(monkeypatch):
    import gc

    from escpos.printer import usb

    # A Usb device left by an earlier test would be collected while pyusb is
    # "missing" below, and its __del__ would complain: collect it first.
    gc.collect()
    monkeypatch.setattr(usb, "is_usable", lambda: False)
    with pytest.raises(PrinterUnavailable, match=r"pyusb: pip install 'python-escpos\[usb\]'"):
        make_receipt_printer(PrinterSettings(driver="usb"))


def test_factory_refuses_an_unknown_driver():
    with pytest.raises(ValueError, match="unknown printer driver 'cups'"):
        make_receipt_printer(PrinterSettings.model_construct(driver="cups"))  # past the settings' own check


def test_capture_keeps_only_the_latest_jobs():
    from drivers.printer.a4 import KEEP_JOBS

    device = CapturePrinter()
    for i in range(KEEP_JOBS + 5):
        device.open()
        device.text(f"job {i}\n")
        device.close()
    assert len(device.jobs) == KEEP_JOBS and b"job 5\n" in device.jobs[0]
