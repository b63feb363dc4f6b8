"""Soak: many whole scripted sessions, each with its own canary name, then a
search for any of them on the kiosk, and the growth of the process's memory.

    .venv/bin/python benchmarks/soak.py [--sessions 500]

The sessions run in this process through the same code as ``kioskctl
simulate`` (session core, ANTS client, simulated scanner, capture printer),
against the bundled mock backend started for the run. Memory is the resident
set size after a warm-up of 20 sessions and at the end. Goals: no residue,
growth under 5 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def canary() -> str:
    return "Soak" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="soak-"))
    os.environ["TMPDIR"] = str(work / "tmp")
    (work / "tmp").mkdir()
    tempfile.tempdir = None
    import socket

    from config import load_settings
    from config.factories import BundledMock, build_services
    from kioskctl.simulate import simulate
    from session.logbuffer import install

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings(
        overrides={
            "ants": {"base_url": f"http://127.0.0.1:{port}", "mock_db": str(work / "ants-mock" / "ants.db")},
            "workspace": {"root": f"/dev/shm/soak-{os.getpid()}"},
            "stats": {"path": str(work / "data" / "stats.db")},
            "scanner": {"driver": "simulated", "resolution": 150},
            "printer": {"driver": "capture"},
        }
    )
    mock = BundledMock(settings).start()
    recent = install()
    services = build_services(settings, recent_log=recent)
    canaries: list[str] = []
    started = time.perf_counter()
    try:
        rss_warm = None
        for i in range(args.sessions):
            name = canary()
            canaries.append(name)
            simulate(services, "permis-perte", index=i, canary=name)
            if i + 1 == args.warmup:
                gc.collect()
                rss_warm = rss_mb()
        gc.collect()
        rss_end = rss_mb()
        elapsed = time.perf_counter() - started
        report = services.verify_clean(canaries)
        texts = "\n".join(recent.texts())
        in_logs = sum(1 for c in canaries if c in texts)
    finally:
        mock.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(settings.workspace_root(), ignore_errors=True)

    print(f"{args.sessions} sessions in {elapsed:.0f} s ({elapsed / args.sessions * 1000:.0f} ms each)")
    print(
        f"residue found: {len(report.findings)} file(s), {in_logs} canary(ies) in the log output "
        f"[goal 0: {'met' if not report.findings and not in_logs else 'NOT met'}]"
    )
    growth = rss_end - rss_warm
    print(
        f"memory: {rss_warm:.1f} MB after {args.warmup} sessions, {rss_end:.1f} MB after {args.sessions}: "
        f"growth {growth:+.1f} MB [goal < 5 MB: {'met' if growth < 5 else 'NOT met'}]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
