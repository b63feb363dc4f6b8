"""SaneScanner against SANE's own ``test`` backend (a real SANE device).

Not collected by itself: test_scanner_sane.py runs each test here in a process
of its own (see why there)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from config import ScannerSettings
from drivers.scanner import (
    SaneScanner,
    ScanCancelled,
    ScannerJam,
    ScannerNoPaper,
    ScannerPageTooLarge,
    ScannerTimeout,
    ScannerUnavailable,
    _base,
)
from drivers.scanner.worker import ScanWorker
from test_scan_bounds import IDLE_CHILD_MB, TOO_LARGE, peak_rss_mb

pytestmark = pytest.mark.sane
#: What a test here says when SANE's test backend hung in a worker's child
#: (test_scanner_sane.py then tries it once more, as for a hang of this process).
HUNG = "SANE-BACKEND-HUNG"
ROOT = Path(__file__).resolve().parents[2]


#: Test-backend options that the tests below change. SANE is initialised once
#: per process (pyinsane2 never calls sane_exit) and the test backend keeps
#: option values from one open to the next, so they are put back after use.
TEST_OPTION_DEFAULTS = {"read-return-value": "Default", "read-delay": False, "read-limit": False}


@pytest.fixture
def test_options_restored(sane_env):
    yield
    list(SaneScanner("test:0", resolution=25, options=TEST_OPTION_DEFAULTS).scan())


def a4_pixels(dpi: int) -> tuple[int, int]:
    return round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)


def assert_a4(image, dpi):
    width, height = a4_pixels(dpi)
    assert abs(image.width - width) <= 2 and abs(image.height - height) <= 2, image.size


def test_flatbed_gives_one_a4_page_at_the_asked_resolution(sane_env):
    scanner = SaneScanner("test:0", resolution=300)
    pages = list(scanner.scan("flatbed", resolution=100))
    assert len(pages) == 1
    assert_a4(pages[0], 100)
    assert pages[0].mode == "RGB"
    assert pages[0].info["dpi"] == (100, 100)


def test_default_resolution_and_gray_mode(sane_env):
    (page,) = SaneScanner("test:0", mode="Gray", resolution=75).scan()
    assert_a4(page, 75)
    assert page.mode == "L"


def test_test_backend_offers_flatbed_and_feeder(sane_env):
    scanner = SaneScanner("test:0")
    assert scanner.is_available()
    assert scanner.sources() == ["flatbed", "adf"]


def test_first_device_when_none_named(sane_env):
    (page,) = SaneScanner("", resolution=50).scan()
    assert_a4(page, 50)


def test_feeder_gives_ten_pages_then_ends(sane_env):
    pages = list(SaneScanner("test:0").scan("adf", resolution=50))
    assert len(pages) == 10
    for page in pages:
        assert_a4(page, 50)
    # the device was released: the feeder is full again for the next user
    assert len(list(SaneScanner("test:0").scan("adf", resolution=50))) == 10


def test_cancel_between_pages(sane_env):
    cancel = threading.Event()
    received = []
    with pytest.raises(ScanCancelled) as info:
        for page in SaneScanner("test:0").scan("adf", resolution=50, cancel=cancel):
            received.append(page)
            if len(received) == 2:
                cancel.set()
    assert len(received) == 2
    assert info.value.message_fr == "La numérisation a été annulée."
    # the scanner is usable again afterwards
    assert len(list(SaneScanner("test:0").scan(resolution=50))) == 1


def test_cancel_before_start(sane_env):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ScanCancelled):
        list(SaneScanner("test:0").scan(cancel=cancel))


def test_nonexistent_device_is_unavailable(sane_env):
    scanner = SaneScanner("nonexistent:0")
    assert not scanner.is_available()
    with pytest.raises(ScannerUnavailable) as info:
        list(scanner.scan())
    assert info.value.message_fr == "Le scanner n'est pas branché ou ne répond pas. Appelez le médiateur."
    with pytest.raises(ScannerUnavailable):
        scanner.sources()


def test_no_device_at_all_is_unavailable(sane_env, tmp_path):
    # pyinsane2 initialises SANE once per process (it never calls sane_exit),
    # so a SANE with no backend at all is tried in a fresh process.
    (tmp_path / "dll.conf").write_text("")
    code = (
        "from drivers.scanner import SaneScanner, ScannerUnavailable\n"
        "s = SaneScanner('')\n"
        "assert not s.is_available()\n"
        "try:\n"
        "    list(s.scan())\n"
        "except ScannerUnavailable as exc:\n"
        "    print('unavailable:', exc)\n"
    )
    env = {**os.environ, "SANE_CONFIG_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "unavailable: SANE lists no scanner"


def test_jam_reported_by_sane_is_a_jam(sane_env, test_options_restored):
    scanner = SaneScanner("test:0", resolution=50, options={"read-return-value": "SANE_STATUS_JAMMED"})
    with pytest.raises(ScannerJam) as info:
        list(scanner.scan("adf"))
    assert "coincée" in info.value.message_fr


def test_no_docs_on_the_first_page_is_no_paper(sane_env, test_options_restored):
    scanner = SaneScanner("test:0", resolution=50, options={"read-return-value": "SANE_STATUS_NO_DOCS"})
    with pytest.raises(ScannerNoPaper) as info:
        list(scanner.scan("adf"))
    assert info.value.message_fr.startswith("Il n'y a pas de feuille")


def test_slow_scanner_times_out(sane_env, test_options_restored):
    # the test backend waits 0.2 s before each chunk of at most 64 KiB
    scanner = SaneScanner(
        "test:0",
        resolution=150,
        timeout=0.3,
        options={"read-limit": True, "read-limit-size": 65536, "read-delay": True, "read-delay-duration": 200000},
    )
    with pytest.raises(ScannerTimeout) as info:
        list(scanner.scan())
    assert info.value.message_fr.startswith("Le scanner met trop de temps")
    assert len(list(SaneScanner("test:0", resolution=50, options=TEST_OPTION_DEFAULTS).scan())) == 1


def test_a_mode_the_device_lacks_keeps_its_own(sane_env):
    (page,) = SaneScanner("test:0", mode="Lineart", resolution=50).scan()
    assert_a4(page, 50)


# -- pages over the bound (see test_scan_bounds.py) ----------------------------------


def test_a_sane_frame_over_the_bound_is_refused_before_the_first_read(sane_env, tmp_path):
    # A technician's option (options.resolution) over the kiosk's own: A4 at
    # 800 dpi is 62 million pixels; the frame's parameters say so at sane_start.
    settings = ScannerSettings(driver="sane", device="test:0", resolution=300, options={"resolution": 800})
    read = []
    with ScanWorker(settings, timeout=40) as worker:
        with pytest.raises(ScannerPageTooLarge) as info:
            try:
                worker.scan("flatbed", 300, tmp_path, on_progress=lambda job: read.append(job.progress.page_bytes))
            except ScannerTimeout as exc:  # the worker killed its hung child; test_scanner_sane.py tries again
                pytest.fail(f"{HUNG}: {exc}")
        assert info.value.message_fr == TOO_LARGE
        assert "frame announced by sane_get_parameters" in info.value.detail
        assert read == []  # not a byte of it was read
        assert peak_rss_mb(worker.pid) < IDLE_CHILD_MB
    assert list(tmp_path.iterdir()) == []


def test_a_sane_frame_of_unknown_height_is_cut_at_the_bound_while_read(sane_env, monkeypatch):
    # A hand-held scanner cannot tell its lines (sane_get_parameters says -1):
    # the lines read are counted instead. The test backend's hand scanner gives
    # 5196 x 8031 pixels at 1200 dpi; the bound is lowered under that here.
    monkeypatch.setattr(_base, "MAX_PAGE_PIXELS", 20_000_000)
    scanner = SaneScanner("test:0", mode="Gray", resolution=300, options={"hand-scanner": True, "resolution": 1200})
    read = []
    with pytest.raises(ScannerPageTooLarge) as info:
        list(scanner.scan("flatbed", progress=lambda done, expected, partial=None: read.append((done, expected))))
    assert info.value.message_fr == TOO_LARGE
    assert "the frame being read" in info.value.detail
    assert read and read[0][1] is None  # the device could not tell the page's size
    assert 20_000_000 - 512 * 1024 < read[-1][0] <= 20_000_000  # one chunk of 512 KiB past it, at most
