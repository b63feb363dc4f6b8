"""``ants-mock`` / ``python -m ants.mock``: run the mock ANTS backend."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .settings import MockSettings, SettingsError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ants-mock", description="Mock ANTS backend (simulation).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", type=Path, default=Path("ants-mock.db"), help="SQLite file (default ./ants-mock.db)")
    parser.add_argument("--reset", action="store_true", help="wipe the database and reseed the demo data")
    parser.add_argument("--settings", type=Path, help="TOML file overriding the UNCONFIRMED facts")
    parser.add_argument("--log-level", default="info",
                        choices=["critical", "error", "warning", "info", "debug"])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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

    if args.reset:
        Store.wipe_files(args.db)
    store = Store(args.db)
    seed(store, settings)
    app = create_app(store, settings)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
