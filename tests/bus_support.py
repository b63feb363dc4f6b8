"""A real mosquitto for the tests: one site's configuration in a folder of the
test's, a free loopback port, a password per kiosk and one for the console.

Import as ``from bus_support import SiteBroker``."""

from __future__ import annotations

import getpass
import shutil
from pathlib import Path

from support import free_port

SITE = "testsite"


class SiteBroker:
    def __init__(self, folder: Path, kiosks=("borne1", "borne2"), site: str = SITE, websockets: bool = False):
        from sitebus import CONSOLE_USER, Broker, BrokerConfig

        if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
            raise AssertionError("mosquitto is not installed: apt-get install mosquitto mosquitto-clients")
        self.site = site
        self.passwords = {k: f"pw-{k}-secret" for k in kiosks}
        self.passwords[CONSOLE_USER] = "pw-console-secret"
        self.config = BrokerConfig(
            folder=folder,
            site=site,
            port=free_port(),
            websockets_port=free_port() if websockets else 0,
            user=getpass.getuser(),
        )
        self.config.write(self.passwords)
        self.broker = Broker(self.config)

    @property
    def port(self) -> int:
        return self.config.port

    def start(self) -> SiteBroker:
        self.broker.start()
        return self

    def stop(self) -> None:
        self.broker.stop()

    def kiosk_bus(self, kiosk: str, login: str | None = None, password: str | None = None, **kw):
        from sitebus import KioskBus

        login = login or kiosk
        return KioskBus(
            host="127.0.0.1",
            port=self.port,
            site=self.site,
            kiosk=kiosk,
            username=login,
            password=password if password is not None else self.passwords[login],
            keepalive=kw.pop("keepalive", 2),
            **kw,
        )

    def settings(self, kiosk: str) -> dict:
        """The ``[sitebus]`` overrides of a kiosk on this broker."""
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "site": self.site,
            "kiosk": kiosk,
            "username": kiosk,
            "password": self.passwords[kiosk],
            "keepalive": 2,
        }
