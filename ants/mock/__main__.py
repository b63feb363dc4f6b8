"""``ants-mock`` / ``python -m ants.mock``: run the mock ANTS backend.

On a kiosk (demo, training) the mock keeps the dossiers of real people who
are learning: ``--db :memory:`` keeps its store in RAM only, gone with the
process (SIGKILL included); no file, journal or ``-wal`` is ever written.
Its log has no value from a request (``access_log.py``).

A kiosk that starts it (config.factories.BundledMock) hands it a listening
socket (``--fd``: no other process can be the one answering there), the
secret of ``ANTS_MOCK_IDENTITY`` (so it can prove it is that kiosk's own), and
its pid (``--parent-pid``: the mock ends when the kiosk ends, even killed).
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
import sys
from pathlib import Path

from .identity import IDENTITY_ENV
from .settings import MockSettings, SettingsError

#: ``--db`` for a store in RAM (SQLite's own name for it).
MEMORY = ":memory:"
_PR_SET_PDEATHSIG = 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ants-mock", description="Mock ANTS backend (simulation).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fd", type=int, help="serve on this inherited listening socket (host and port unused)")
    parser.add_argument(
        "--db",
        default="ants-mock.db",
        help=f"SQLite file (default ./ants-mock.db), or {MEMORY} for a store in RAM only",
    )
    parser.add_argument("--reset", action="store_true", help="wipe the database and reseed the demo data")
    parser.add_argument("--settings", type=Path, help="TOML file overriding the UNCONFIRMED facts")
    parser.add_argument("--parent-pid", type=int, help="end when this process ends (Linux)")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    return parser.parse_args(argv)


def die_with_parent(parent_pid: int) -> None:
    """SIGTERM to this process when ``parent_pid`` ends (PR_SET_PDEATHSIG); exit at
    once if it has ended already. Set here rather than in a ``preexec_fn``, which
    Python documents as unsafe in a parent that has threads (the kiosk has)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent_pid:  # the parent went before prctl took effect
        sys.exit(0)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.parent_pid:
        die_with_parent(args.parent_pid)
    identity = os.environ.pop(IDENTITY_ENV, "").encode() or None
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = MockSettings.from_toml(args.settings) if args.settings else MockSettings()
    except SettingsError as exc:
        print(f"ants-mock: {exc}", file=sys.stderr)
        return 2

    import uvicorn

    from .app import create_app
    from .seed import seed
    from .store import Store

    in_memory = args.db == MEMORY
    if args.reset and not in_memory:
        Store.wipe_files(Path(args.db))
    store = Store(Path(args.db))
    seed(store, settings)
    app = create_app(store, settings, identity)
    where = {"fd": args.fd} if args.fd is not None else {"host": args.host, "port": args.port}
    try:
        # access_log=False: uvicorn's would write each request's path and query string (access_log.py).
        uvicorn.run(app, log_level=args.log_level, access_log=False, **where)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
