"""``kioskctl mediator add NAME``: a mediator's personal PIN, as a slow salted
hash (scrypt, sitebus/pins.py) in the site file's ``[mediators.pins]``; the
PIN itself is written nowhere. ``kioskctl mediator list`` names the mediators.

The PIN is read twice without echo on a terminal, or once from the standard
input otherwise (``--pin-stdin``, for provisioning).
"""

from __future__ import annotations

import getpass
import re
import sys
from pathlib import Path

from sitebus.pins import PinError, hash_pin

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_HEADER = "[mediators.pins]"


def set_pin(site_file: Path, name: str, pin: str) -> None:
    """Write (or replace) ``name``'s hash in ``site_file``'s [mediators.pins] table."""
    line = f'{name} = "{hash_pin(pin)}"'
    text = site_file.read_text(encoding="utf-8") if site_file.exists() else ""
    lines = text.splitlines()
    if _HEADER in (ln.strip() for ln in lines):
        start = next(i for i, ln in enumerate(lines) if ln.strip() == _HEADER)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        body = [ln for ln in lines[start + 1 : end] if not re.match(rf"^\s*{re.escape(name)}\s*=", ln)]
        while body and not body[-1].strip():
            body.pop()
        lines = lines[: start + 1] + body + [line] + ([""] if end < len(lines) else []) + lines[end:]
    else:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [_HEADER, line]
    site_file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(args, files: list[str]) -> int:
    from config import ConfigError, load_settings
    from config._settings import SITE_FILE

    site_file = Path(files[-1]) if files else SITE_FILE
    if args.action == "list":
        try:
            settings = load_settings(*files)
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            return 2
        for name in sorted(settings.mediators.pins):
            print(name)
        return 0
    name = args.name or ""
    if not _NAME.match(name):
        print(f"nom {name!r} : lettres minuscules, chiffres, - et _ (40 au plus)", file=sys.stderr)
        return 2
    if args.pin_stdin or not sys.stdin.isatty():
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("Code personnel (4 à 12 chiffres) : ")
        if getpass.getpass("Le même code, encore : ") != pin:
            print("les deux codes diffèrent : rien n'est changé", file=sys.stderr)
            return 1
    try:
        set_pin(site_file, name, pin)
    except PinError as exc:
        print(f"code refusé : {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{site_file} : {exc.strerror}", file=sys.stderr)
        return 2
    try:
        load_settings(*files) if files else load_settings(str(site_file))
    except ConfigError as exc:  # the file was wrong before: say so, the PIN is written
        print(exc, file=sys.stderr)
        return 2
    print(f"{name} : code enregistré dans {site_file} ([mediators.pins])")
    return 0
