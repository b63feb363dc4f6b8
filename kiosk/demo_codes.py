"""The demo backend's unused codes (code photo, timbre), shown on the checklist
in demo and training: fetched off the UI thread at each new start, since a
session uses them up."""

from __future__ import annotations

import logging
from collections.abc import Callable

from .jobs import JobQueue

log = logging.getLogger(__name__)


class DemoCodes:
    def __init__(self, jobs: JobQueue, fetch: Callable[[], dict] | None, fetched: Callable[[], None]):
        self._jobs, self._fetch, self._fetched = jobs, fetch, fetched
        #: The codes last fetched ({} until then, and where the site shows none).
        self.codes: dict = {}

    def refresh(self) -> None:
        if self._fetch is None:
            return
        fetch = self._fetch

        def ask() -> dict:
            try:
                return fetch()
            except Exception as exc:  # a demo comfort: the kiosk goes on without the codes
                log.info("demo codes unavailable: %s", type(exc).__name__)
                return {}

        self._jobs.submit(ask, on_done=self._got)

    def _got(self, codes: dict) -> None:
        self.codes = codes
        self._fetched()
