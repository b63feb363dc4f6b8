"""The in-view rule over every step of every procedure (the walk is in_view_walk.py),
run in a process of its own with a bound and tried once more if that process hangs.

Why: the walk draws thousands of frames on Mesa's llvmpipe in one window, and once a
texture upload stopped for good in the driver (the main thread and llvmpipe's threads
all waiting on each other), which would stop the whole suite. A failed assertion is
never tried again; a second hang in a row is a failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WALK = Path(__file__).with_name("in_view_walk.py")
#: Seconds one walk may take: about 5 minutes on a quiet 2-core machine, 13 on a loaded one.
BOUND = 1500
TRIES = 2


def test_every_step_keeps_question_error_and_action_in_view():
    hung = []
    for _ in range(TRIES):
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(WALK.relative_to(ROOT))],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=BOUND,
            )
        except subprocess.TimeoutExpired as exc:
            hung.append(f"{exc.stdout or ''}{exc.stderr or ''}"[-3000:])
            print(f"{WALK.name} still running after {BOUND} s: tried again")
            continue
        assert done.returncode == 0, (done.stdout + done.stderr)[-8000:]
        assert "passed" in done.stdout and "failed" not in done.stdout, done.stdout[-3000:]
        return
    raise AssertionError(f"{WALK.name} hung {TRIES} times in a row:\n" + "\n".join(hung))
