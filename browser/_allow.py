"""The allow-list: which addresses the window may show.

An entry is ``host`` or ``host:port`` (``127.0.0.1:8765``, ``franceconnect.gouv.fr``):
a bare host allows https (and http on a loopback host) on its default port only;
with a port, that port only. The kiosk adds its own loopback redirect address for
the time of one login. ``about:blank`` and ``data:`` pages the window makes itself
are allowed; nothing else (``file:``, ``javascript:`` targets, other ports)."""

from __future__ import annotations

from urllib.parse import urlsplit

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def allowed(url: str, allow: list[str]) -> bool:
    if url in ("about:blank", ""):
        return True
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    if parts.scheme == "http" and host not in _LOOPBACK:
        return False  # a real provider's page is never plain http
    default = 443 if parts.scheme == "https" else 80
    for entry in allow:
        entry = entry.strip().lower()
        if not entry:
            continue
        name, _, wanted = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if not name:
            name, wanted = entry, ""
        if name != host:
            continue
        if (int(wanted) if wanted.isdigit() else default) == (port or default):
            return True
    return False


def host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc
    except ValueError:
        return ""
