"""A programming error in the scan worker's child is a bug, not a scanner's
fault: it crosses the process boundary as ScanWorkerBug, with the child's
traceback, never as a ScannerError the user would be told."""

from __future__ import annotations

import pytest

from buggy_drivers import BUG, on_child_path, scanner_with_a_bug
from config import ScannerSettings
from drivers.scanner import ScannerError, ScanWorkerBug
from drivers.scanner.worker import ScanWorker
from userfacing import UserFacingError


def test_a_bug_in_the_child_crosses_as_a_bug_with_its_traceback(monkeypatch, tmp_path):
    on_child_path(monkeypatch)
    with ScanWorker(ScannerSettings(driver="simulated", resolution=100), factory=scanner_with_a_bug) as worker:
        job = worker.start_scan("flatbed", 100, tmp_path)
        with pytest.raises(ScanWorkerBug) as info:
            job.wait(30)
        pid = worker.pid
        assert not isinstance(info.value, UserFacingError) and not isinstance(job.error, ScannerError)
        trace = str(info.value)
        assert trace.startswith("Traceback (most recent call last):")
        assert 'buggy_drivers.py", line' in trace and "in scan" in trace  # where the bug is
        assert trace.endswith(f"TypeError: {BUG}")
        # The child is not at fault either: it goes on, and answers.
        assert worker.is_available() and worker.pid == pid and worker.restarts == 0
        assert list(tmp_path.iterdir()) == []
