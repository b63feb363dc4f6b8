"""ScanWorker: scanning in a child process, on the simulated scanner and on
SANE's own ``test`` backend; faults, hangs, cancels and a dying child."""

from __future__ import annotations

import io
import os
import signal
import stat
import threading

import pytest
from PIL import Image

from config import ScannerSettings
from drivers.scanner import (
    ScanCancelled,
    ScannerCoverOpen,
    ScannerError,
    ScannerJam,
    ScannerNoPaper,
    ScannerTimeout,
    ScannerUnavailable,
)
from drivers.scanner.worker import ScannedPage, ScanWorker
from support import wait_until

FAULT_MESSAGES = {
    "unplugged": (ScannerUnavailable, "Le scanner n'est pas branché ou ne répond pas. Appelez le médiateur."),
    "jam": (ScannerJam, "Une feuille est coincée dans le scanner. Retirez-la doucement, puis réessayez."),
    "no-paper": (ScannerNoPaper, "Il n'y a pas de feuille dans le chargeur. Posez vos documents, puis réessayez."),
    "cover-open": (ScannerCoverOpen, "Le capot du scanner est ouvert. Fermez-le, puis réessayez."),
    "timeout": (ScannerTimeout, "Le scanner met trop de temps à répondre. Réessayez ou appelez le médiateur."),
}


@pytest.fixture
def worker():
    w = ScanWorker(ScannerSettings(driver="simulated", resolution=100), timeout=20, cancel_grace=0.5)
    yield w
    w.close()


def jpeg_files(folder):
    return sorted(p.name for p in folder.glob("*.jpg"))


def test_flatbed_page_is_a_private_jpeg_in_the_given_folder(worker, workspace_root):
    dest = workspace_root / "piece"
    dest.mkdir(parents=True)  # a workspace's folder: the worker writes into it, never creates it
    done = threading.Event()
    job = worker.start_scan("flatbed", 300, dest, on_done=lambda j: done.set())
    (page,) = job.wait(30)
    assert done.is_set() and job.done() and job.error is None
    assert isinstance(page, ScannedPage) and page.path == dest / "page-001.jpg" and page.index == 1
    assert stat.S_IMODE(page.path.stat().st_mode) == 0o600
    assert page.size == page.path.stat().st_size <= 1_000_000
    with Image.open(page.path) as image:
        assert image.format == "JPEG" and image.size == (page.width, page.height)
        assert image.info["dpi"] == (300, 300)
    # the identity card was cropped out of the A4 glass
    assert page.cropped and page.width < 1400 and page.height < 1000
    assert job.progress.pages_done == 1


def test_feeder_pages_are_numbered_and_never_overwritten(worker, tmp_path):
    assert [p.index for p in worker.scan("adf", 100, tmp_path)] == [1, 2, 3]
    worker.scan("flatbed", 100, tmp_path)
    assert jpeg_files(tmp_path) == ["page-001.jpg", "page-002.jpg", "page-003.jpg", "page-004.jpg"]
    worker.scan("flatbed", 100, tmp_path, prefix="verso")
    assert "verso-001.jpg" in jpeg_files(tmp_path)


def test_progress_and_pages_are_reported_as_they_come(worker, tmp_path):
    progress, pages = [], []
    job = worker.start_scan(
        "adf",
        100,
        tmp_path,
        on_progress=lambda j: progress.append(j.progress.percent),
        on_page=lambda j, p: pages.append(p.index),
    )
    job.wait(30)
    assert pages == [1, 2, 3]
    assert progress and progress[-1] == 100.0


def test_progress_brings_a_live_preview_of_the_page_so_far(worker, tmp_path):
    previews = []
    job = worker.start_scan(
        "flatbed", 300, tmp_path, on_progress=lambda j: previews.append((j.progress.percent, j.progress.preview))
    )
    job.wait(30)
    shown = [(percent, data) for percent, data in previews if data]
    assert shown, "no preview came with the progress"
    for percent, data in shown:
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and max(image.size) <= 480
            # the part of the A4 glass read so far: its whole width, the share read of its height
            assert abs(image.height / image.width - 297 / 210 * percent / 100) < 0.02, percent


def test_the_worker_offers_the_scanner_s_sources(worker):
    assert worker.sources() == ["flatbed", "adf"]
    assert worker.duplex() is False
    assert worker.is_available()


def test_duplex_feeder_through_the_worker(tmp_path):
    settings = ScannerSettings(driver="simulated", resolution=100)
    settings.duplex = True  # a newer setting, read with a default by the factory
    with ScanWorker(settings) as w:
        assert w.duplex() and "adf-duplex" in w.sources()
        assert len(w.scan("adf-duplex", 100, tmp_path)) == 6


@pytest.mark.parametrize("fault", sorted(FAULT_MESSAGES))
def test_each_fault_crosses_the_process_boundary_typed_and_in_french(worker, tmp_path, fault):
    error, message = FAULT_MESSAGES[fault]
    worker.inject_fault(fault)
    with pytest.raises(error) as info:
        worker.scan("adf", 100, tmp_path)
    assert type(info.value) is error and info.value.message_fr == message
    worker.clear_fault()
    assert len(worker.scan("flatbed", 100, tmp_path)) == 1


def test_fault_from_the_settings(tmp_path):
    with ScanWorker(ScannerSettings(driver="simulated", fault="jam")) as w:
        with pytest.raises(ScannerJam):
            w.scan("adf", 100, tmp_path)


def test_unplugged_mid_scan_then_plugged_back(worker, tmp_path):
    worker.inject_fault("unplugged", after_pages=1)
    job = worker.start_scan("adf", 100, tmp_path)
    with pytest.raises(ScannerUnavailable) as info:
        job.wait(30)
    assert info.value.message_fr == "Le scanner n'est pas branché ou ne répond pas. Appelez le médiateur."
    assert [p.index for p in job.pages] == [1]  # the page before the unplug is kept
    assert not worker.is_available()
    worker.clear_fault()  # plugged back
    assert worker.is_available()
    assert len(worker.scan("adf", 100, tmp_path)) == 3
    assert worker.restarts == 0


def test_fault_file_reaches_the_child(tmp_path):
    fault_file = tmp_path / "scanner-fault"
    settings = ScannerSettings(driver="simulated")
    settings.fault_file = str(fault_file)
    with ScanWorker(settings) as w:
        (tmp_path / "a").mkdir()
        assert len(w.scan("flatbed", 100, tmp_path / "a")) == 1
        fault_file.write_text("cover-open")
        with pytest.raises(ScannerCoverOpen):
            w.scan("flatbed", 100, tmp_path / "a")
        fault_file.unlink()
        assert len(w.scan("flatbed", 100, tmp_path / "a")) == 1


def test_hung_backend_is_killed_at_the_timeout_and_the_worker_restarts(tmp_path, caplog):
    with ScanWorker(ScannerSettings(driver="simulated"), timeout=1.0) as w:
        w.start()
        first, first_child = w.pid, w._child.proc
        w.inject_fault("hang")  # the simulated backend blocks for ever: only the worker's timeout ends it
        job = w.start_scan("flatbed", 100, tmp_path)
        with pytest.raises(ScannerTimeout) as info:
            job.wait(30)  # a bound on the test, not a measure of the timeout
        assert str(info.value) == "no news from the scanner for 1 s: backend hung, killed"
        assert info.value.message_fr == FAULT_MESSAGES["timeout"][1]
        assert f"scanner worker {first}: no news from the scanner for 1 s" in caplog.text
        assert first_child.returncode == -signal.SIGKILL  # killed, not ended by itself
        assert w.restarts == 1 and w.pid != first
        wait_until(lambda: not os.path.exists(f"/proc/{first}"), 5, message="the hung child to be gone")
        assert len(w.scan("flatbed", 100, tmp_path)) == 1  # a fresh child, no fault


def test_cancel_stops_between_pages_without_killing(tmp_path):
    settings = ScannerSettings(driver="simulated")
    settings.adf_pages = 10  # a newer setting, read with a default by the factory
    with ScanWorker(settings, cancel_grace=5) as w:
        w.start()
        pid = w.pid
        job = w.start_scan("adf", 300, tmp_path, on_page=lambda j, p: j.cancel())
        with pytest.raises(ScanCancelled) as info:
            job.wait(30)
        assert info.value.message_fr == "La numérisation a été annulée."
        assert 1 <= len(job.pages) < 10
        assert w.pid == pid and w.restarts == 0
        assert len(w.scan("flatbed", 100, tmp_path)) == 1


def test_cancel_of_a_hung_scan_kills_the_child_after_the_grace(worker, tmp_path):
    worker.inject_fault("hang", after_pages=1)
    hung = threading.Event()  # the second page's first bytes came, then nothing
    job = worker.start_scan(
        "adf",
        100,
        tmp_path,
        on_progress=lambda j: j.progress.pages_done == 1 and j.progress.percent == 50.0 and hung.set(),
    )
    assert hung.wait(30) and len(job.pages) == 1
    hung_child = worker._child.proc
    job.cancel()
    with pytest.raises(ScanCancelled) as info:
        job.wait(10)  # a bound on the test, not a measure of the grace
    # the child did not stop by itself: the grace ran out and it was killed
    assert str(info.value) == "killed: no stop within 0.5 s of cancel"
    assert hung_child.returncode == -signal.SIGKILL
    assert worker.restarts == 1 and worker.pid != hung_child.pid
    assert len(worker.scan("adf", 100, tmp_path)) == 3


def test_a_child_that_dies_fails_its_job_unavailable_and_is_replaced(worker, tmp_path):
    worker.inject_fault("hang")
    job = worker.start_scan("flatbed", 100, tmp_path)
    pid = worker.pid
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(ScannerUnavailable) as info:
        job.wait(10)
    assert "died" in str(info.value)
    assert len(worker.scan("flatbed", 100, tmp_path)) == 1
    assert worker.pid != pid


def test_one_scan_at_a_time(worker, tmp_path):
    worker.inject_fault("hang")
    job = worker.start_scan("flatbed", 100, tmp_path)
    with pytest.raises(ScannerUnavailable) as info:
        worker.start_scan("flatbed", 100, tmp_path)
    assert info.value.message_fr == "Le scanner est occupé. Patientez, puis réessayez."
    job.cancel()
    with pytest.raises(ScanCancelled):
        job.wait(10)


def test_a_scanner_that_cannot_be_built_is_reported(tmp_path):
    with ScanWorker(ScannerSettings.model_construct(driver="twain")) as w:  # past the settings' own check
        with pytest.raises(ScannerError) as info:
            w.scan("flatbed", 100, tmp_path)
    assert "unknown scanner driver 'twain'" in str(info.value)


def test_unknown_fault_and_source_are_refused(worker, tmp_path):
    with pytest.raises(ValueError, match="unknown scanner fault"):
        worker.inject_fault("fire")
    with pytest.raises(ValueError, match="unknown scan source"):
        worker.start_scan("glass", 100, tmp_path)


def test_closed_worker_leaves_no_child(tmp_path):
    w = ScanWorker(ScannerSettings(driver="simulated"))
    w.start()
    pid = w.pid
    w.close()
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    with pytest.raises(ScannerUnavailable):
        w.scan("flatbed", 100, tmp_path)


# -- on SANE's test backend --------------------------------------------------------


@pytest.mark.sane
def test_sane_flatbed_through_the_worker(sane_env, tmp_path):
    with ScanWorker(ScannerSettings(driver="sane", device="test:0")) as w:
        assert w.sources() == ["flatbed", "adf"] and not w.duplex()
        progress, w_last_preview = [], [None]

        def seen(j):
            progress.append(j.progress.percent)
            w_last_preview[0] = j.progress.preview or w_last_preview[0]

        (page,) = w.scan("flatbed", 150, tmp_path, on_progress=seen)
    assert (page.width, page.height) == (1240, 1753)  # A4 at 150 dpi, nothing to crop on a plain page
    assert page.dpi == 150 and page.mode == "L"  # the test pattern is grey: a grey JPEG
    assert progress[-1] == 100.0
    # the last report carries the preview of the whole page, from SANE's lines
    with Image.open(io.BytesIO(w_last_preview[0])) as preview:
        assert preview.format == "JPEG" and preview.height == 480 and abs(preview.width - 480 * 1240 / 1753) <= 2
    with Image.open(page.path) as image:
        assert image.size == (1240, 1753)


@pytest.mark.sane
def test_sane_feeder_through_the_worker_until_out_of_documents(sane_env, tmp_path):
    with ScanWorker(ScannerSettings(driver="sane", device="test:0")) as w:
        pages = w.scan("adf", 50, tmp_path)
        assert [p.index for p in pages] == list(range(1, 11))
        assert len(jpeg_files(tmp_path)) == 10
        with pytest.raises(ScannerError) as info:
            w.scan("adf-duplex", 50, tmp_path)
        assert info.value.message_fr.startswith("Ce scanner ne numérise pas les deux faces")
        # the feeder is full again for the next person
        (tmp_path / "next").mkdir()
        assert len(w.scan("adf", 50, tmp_path / "next")) == 10


@pytest.mark.sane
def test_sane_device_missing_is_unavailable_through_the_worker(sane_env, tmp_path):
    with ScanWorker(ScannerSettings(driver="sane", device="nonexistent:0")) as w:
        assert not w.is_available()
        with pytest.raises(ScannerUnavailable) as info:
            w.scan("flatbed", 50, tmp_path)
    assert info.value.message_fr == FAULT_MESSAGES["unplugged"][1]
