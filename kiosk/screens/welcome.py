from __future__ import annotations

from .base import KioskScreen, load_kv


class WelcomeScreen(KioskScreen):
    def start(self) -> None:
        self.controller.start()


load_kv(__file__)
