"""After a SANE scan in a process, a write to a closed socket raises
BrokenPipeError, as Python means it to, instead of killing the process with
SIGPIPE (SANE's test backend leaves SIGPIPE at its default)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import socket
from drivers.scanner import SaneScanner

list(SaneScanner("test:0", resolution=25).scan())
mine, theirs = socket.socketpair()
theirs.close()
try:
    for _ in range(100):
        mine.send(b"page")
except BrokenPipeError:
    print("BrokenPipeError")
"""


@pytest.mark.sane
def test_a_write_to_a_closed_socket_after_a_scan_raises(sane_env):
    done = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "BrokenPipeError"), done.stderr
