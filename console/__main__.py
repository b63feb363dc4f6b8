"""``pointnum-console``: the mediators' console for the site whose config is
given (the broker's address from ``[sitebus]``, the PINs from ``[mediators]``).

    pointnum-console [--config /etc/pointnum/kiosk.toml] [--listen 0.0.0.0:8080]
                     [--bus-password-file /etc/pointnum/console.secret]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pointnum-console", description="La console des médiateurs du site.")
    parser.add_argument("--config", action="append", default=[], help="fichier de configuration du site")
    parser.add_argument("--listen", default="127.0.0.1:8080", help="adresse:port de la page (défaut 127.0.0.1:8080)")
    parser.add_argument("--bus-user", default="console", help="identifiant de la console sur le bus")
    parser.add_argument("--bus-password-file", default="/etc/pointnum/console.secret")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    from config import ConfigError, load_settings
    from config._settings import SITE_FILE
    from sitebus.pins import PinGate

    from .app import make_app, serve
    from .bus import ConsoleBus

    try:
        files = args.config or ([str(SITE_FILE)] if SITE_FILE.exists() else [])
        settings = load_settings(*files)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    sb, mediators = settings.sitebus, settings.mediators
    if not sb.host:
        print("[sitebus] host est vide : la console n'a pas de bus à écouter", file=sys.stderr)
        return 2
    try:
        password = Path(args.bus_password_file).read_text().strip()
    except OSError as exc:
        print(f"{args.bus_password_file} : {exc.strerror}", file=sys.stderr)
        return 2
    bus = ConsoleBus(
        host=sb.host,
        port=sb.port,
        site=sb.site or settings.site.code.lower(),
        username=args.bus_user,
        password=password,
        tls=sb.tls,
        ca_file=sb.ca_file,
        keepalive=sb.keepalive,
    )
    gate = PinGate(mediators.pins, max_failures=mediators.max_failures, lockout_s=mediators.lockout_s)
    host, _, port = args.listen.rpartition(":")
    bus.start()
    try:
        serve(make_app(bus, gate), host or "127.0.0.1", int(port))
    finally:
        bus.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
