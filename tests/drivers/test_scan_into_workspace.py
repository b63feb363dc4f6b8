"""The scan worker writes pages only into a folder that exists (a user's
workspace, which the wipe deletes): its child never creates it, stops once it
is gone, writes no page finished after a cancel, and ``ScanJob.stop`` gives a
bound after which nothing more is written."""

from __future__ import annotations

import shutil
import signal

import pytest

from config import ScannerSettings
from drivers.scanner import ScanCancelled
from drivers.scanner.worker import ScanWorker
from support import wait_until


def slow(page_seconds: float, **more) -> ScannerSettings:
    return ScannerSettings(driver="simulated", resolution=100, page_seconds=page_seconds, **more)


def on_its_way(job) -> None:
    wait_until(lambda: job.progress.page_bytes > 0, timeout=30, message="the page to be on its way")


def test_the_child_never_creates_the_folder(tmp_path):
    gone = tmp_path / "workspace"
    with ScanWorker(ScannerSettings(driver="simulated", resolution=100)) as worker:
        with pytest.raises(ScanCancelled) as info:
            worker.scan("flatbed", 100, gone)
        assert f"{gone} is gone" in str(info.value)
        assert not gone.exists()
        gone.mkdir()
        assert len(worker.scan("flatbed", 100, gone)) == 1  # into a folder that is there, as ever


def test_a_folder_wiped_during_a_feed_stops_the_scan(tmp_path):
    dest = tmp_path / "workspace"
    dest.mkdir()
    settings = slow(0.4)
    settings.adf_pages = 5
    with ScanWorker(settings) as worker:
        job = worker.start_scan("adf", 100, dest, on_page=lambda _job, _page: shutil.rmtree(dest))
        with pytest.raises(ScanCancelled) as info:
            job.wait(60)
        assert "is gone" in str(info.value) and len(job.pages) == 1
        assert not dest.exists()  # the child did not make it again for the next pages


def test_a_page_finished_after_the_cancel_is_not_written(tmp_path):
    with ScanWorker(slow(2.0), cancel_grace=30) as worker:  # the child has the time to stop by itself
        job = worker.start_scan("flatbed", 100, tmp_path)
        on_its_way(job)
        child = worker._child.proc
        job.cancel()
        with pytest.raises(ScanCancelled):
            job.wait(60)
        assert child.poll() is None and worker.restarts == 0
    assert list(tmp_path.iterdir()) == []


def test_stop_kills_a_child_still_busy_at_its_timeout(tmp_path):
    # the first quarter of the page comes after 1 s, the rest 3 s later, deaf to the cancel
    with ScanWorker(slow(4.0), cancel_grace=60) as worker:
        job = worker.start_scan("flatbed", 100, tmp_path)
        on_its_way(job)
        child = worker._child.proc
        assert job.stop(timeout=1.0)
        assert job.done() and child.returncode == -signal.SIGKILL
        assert "not over 1 s after its cancel" in str(job.error)
        assert worker.restarts == 1 and worker.pid != child.pid
    assert list(tmp_path.iterdir()) == []
