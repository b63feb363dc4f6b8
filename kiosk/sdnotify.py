"""Telling systemd how the kiosk is: ``READY=1`` once the welcome screen is
drawn (the unit is ``Type=notify``: "started" means seen), then ``WATCHDOG=1``
from the Kivy loop itself, so that a frozen UI — the loop stuck, nothing drawn,
no touch answered — stops the pings and systemd restarts the kiosk
(``WatchdogSec=``, ``Restart=always``).

The protocol is one datagram to the AF_UNIX socket named by ``NOTIFY_SOCKET``
(a path, or ``@name`` for the abstract namespace), ``sd_notify(3)``. A dozen
lines, so no library: python-systemd needs libsystemd's headers to build, and
the PyPI ``sdnotify`` package adds nothing to these lines. Outside systemd (no
``NOTIFY_SOCKET``), every call does nothing. The messages carry no personal data.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, address: str | None = None) -> None:
        address = os.environ.get("NOTIFY_SOCKET", "") if address is None else address
        if address.startswith("@"):
            address = "\0" + address[1:]  # the abstract namespace
        self.address = address
        self._sock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def notify(self, message: str) -> bool:
        """Send ``message`` (``READY=1``, ``WATCHDOG=1``, ``STATUS=…``); False when not under systemd or lost."""
        if not self.address:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(message.encode(), self.address)
            return True
        except OSError as exc:  # systemd gone or the socket not there: the kiosk goes on
            log.warning("sd_notify %s failed: %s", message.split("=")[0], exc.strerror or type(exc).__name__)
            return False

    def ready(self, status: str = "") -> bool:
        return self.notify("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def watchdog_interval() -> float | None:
    """Seconds between two pings: half of systemd's ``WATCHDOG_USEC`` (sd_watchdog_enabled(3)),
    None when the unit has no watchdog or it is meant for another process."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    # The unit's main process is cage, which starts the kiosk: systemd names cage's pid,
    # and the unit's NotifyAccess=all lets its child ping.
    if not usec.isdigit() or int(usec) == 0 or (pid and pid not in (str(os.getpid()), str(os.getppid()))):
        return None
    return int(usec) / 2e6
