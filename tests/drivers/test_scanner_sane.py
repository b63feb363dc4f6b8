"""SaneScanner against SANE's own ``test`` backend, each test in a process of
its own (the tests themselves are in sane_inprocess.py).

Why: the backend reads a page in a thread of its own and stops it with
pthread_cancel, asynchronously. A cancel (a timeout, the user's "Arrêter")
that lands while that thread is inside malloc leaves the allocator's lock
held, and the next allocation in the process waits for ever (seen once: the
whole suite stopped in sane_test_read). The kiosk scans in a worker child
that is killed and restarted when it hangs (drivers/scanner/worker.py); here
a test that hangs fails after its bound and the others go on. In a fresh
process each test also starts from the backend's default options."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_PROCESS = Path(__file__).with_name("sane_inprocess.py")
#: Seconds one test may take, start-up included; the slowest takes about five.
BOUND = 60


def _is_fixture(node: ast.FunctionDef) -> bool:
    return any("fixture" in ast.unparse(d) for d in node.decorator_list)


TESTS = [
    node.name
    for node in ast.parse(IN_PROCESS.read_text()).body
    if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and not _is_fixture(node)
]

pytestmark = pytest.mark.sane


#: Tries of a test whose process hung: the backend's lock leak is a matter of timing, so
#: a second hang in a row is a failure; a failed assertion is never tried again.
TRIES = 2
#: The mark of a hang in a scan worker's child (sane_inprocess.HUNG; not imported: that module is
#: only ever run in a process of its own).
HUNG = "SANE-BACKEND-HUNG"


@pytest.mark.parametrize("name", TESTS)
def test_sane_driver(name, sane_env):
    target = f"{IN_PROCESS.relative_to(ROOT)}::{name}"
    hung = []
    for _ in range(TRIES):
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", target],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=BOUND,
            )
        except subprocess.TimeoutExpired as exc:
            hung.append(f"{exc.stdout or ''}{exc.stderr or ''}")
            print(f"{target} still running after {BOUND} s (SANE's test backend hung): tried again")
            continue
        if done.returncode != 0 and HUNG in done.stdout:  # hung in a scan worker's child, which was killed
            hung.append(done.stdout + done.stderr)
            print(f"{target}: SANE's test backend hung in the scan worker's child: tried again")
            continue
        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 passed" in done.stdout, done.stdout
        return
    pytest.fail(f"{target} hung {TRIES} times in a row (SANE's test backend):\n" + "\n".join(hung), pytrace=False)


def test_every_in_process_test_is_run_here():
    assert len(TESTS) >= 10 and len(set(TESTS)) == len(TESTS)
