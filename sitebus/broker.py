"""The site's broker: mosquitto's configuration for one site, and mosquitto run
in the foreground (for ``kioskctl``, the demo and the tests; a site runs it
from ``systemd/pointnum-broker.service``).

Each kiosk logs in with its own name (its kiosk id) and password; the ACL
lets it write only its own state and call, and read only its own
acknowledgements and the consoles' presence. The console logs in as
``console`` and reads and writes the whole site. Nobody is anonymous.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .messages import Topics, check_name

#: The console's login on the broker.
CONSOLE_USER = "console"


def acl(site: str) -> str:
    """The ACL of one site: %u is the login, a kiosk's login is its kiosk id."""
    t = Topics(site)
    return (
        f"user {CONSOLE_USER}\n"
        f"topic readwrite {t.root}/#\n"
        "\n"
        "# Every other login is a kiosk: its own topics only.\n"
        f"pattern write {t.state('%u')}\n"
        f"pattern write {t.call('%u')}\n"
        f"pattern read {t.ack('%u')}\n"
        f"pattern read {t.console('+')}\n"
    )


def write_password_file(path: Path, users: Mapping[str, str]) -> None:
    """mosquitto's password file (salted hashes, by ``mosquitto_passwd``)."""
    tool = shutil.which("mosquitto_passwd")
    if tool is None:
        raise FileNotFoundError("mosquitto_passwd not found: apt-get install mosquitto")
    path.write_text("")
    for user, password in users.items():
        if user != CONSOLE_USER:
            check_name("kiosk", user)
        subprocess.run([tool, "-b", str(path), user, password], check=True, capture_output=True)


@dataclass
class BrokerConfig:
    """One site's broker configuration, written into ``folder``."""

    folder: Path
    site: str
    port: int = 1883
    bind: str = "127.0.0.1"
    websockets_port: int = 0  # 0: no websockets listener
    certfile: str = ""  # TLS when set (with keyfile)
    keyfile: str = ""
    user: str = ""  # the user mosquitto runs as when started as root (its own "mosquitto" by default)

    @property
    def conf(self) -> Path:
        return self.folder / "pointnum.conf"

    def _listener(self, port: int, protocol: str = "") -> str:
        text = f"listener {port} {self.bind}\n"
        if protocol:
            text += f"protocol {protocol}\n"
        text += f"allow_anonymous false\npassword_file {self.folder / 'passwd'}\nacl_file {self.folder / 'acl'}\n"
        if self.certfile:
            text += f"certfile {self.certfile}\nkeyfile {self.keyfile}\n"
        return text

    def write(self, users: Mapping[str, str]) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_password_file(self.folder / "passwd", users)
        (self.folder / "acl").write_text(acl(self.site))
        text = (
            "# The site bus of the point numérique (written by pointnum; see README, Site bus).\n"
            "per_listener_settings true\n"
            "persistence false\n"
            "log_dest stderr\n"
            "log_type error\nlog_type warning\n"
            "connection_messages false\n"
            + (f"user {self.user}\n" if self.user else "")
            + "\n"
            + self._listener(self.port)
        )
        if self.websockets_port:
            text += "\n" + self._listener(self.websockets_port, "websockets")
        self.conf.write_text(text)
        for name in ("passwd", "acl"):
            os.chmod(self.folder / name, 0o640)
        return self.conf


class Broker:
    """mosquitto in the foreground with ``config``; :meth:`stop` ends it."""

    def __init__(self, config: BrokerConfig) -> None:
        self.config = config
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> Broker:
        import socket

        exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(exe).exists():
            raise FileNotFoundError("mosquitto not found: apt-get install mosquitto")
        self.process = subprocess.Popen([exe, "-c", str(self.config.conf)], stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"mosquitto exited ({self.process.returncode}): {err.strip()}")
            try:
                with socket.create_connection((self.config.bind, self.config.port), timeout=0.2):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"mosquitto not listening on {self.config.port} after {timeout}s") from None
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
