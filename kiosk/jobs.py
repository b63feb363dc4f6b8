"""Device and network work off the UI thread.

A scan, a submission or a print can take seconds or hang; the screen must
keep answering meanwhile. Jobs run one at a time on a worker thread, in the
order given, and their results come back on Kivy's thread through
``Clock.schedule_once``, where the screens may touch widgets.

A job's failure goes to its ``on_error`` whatever it is. An error the user
may read (:class:`userfacing.UserFacingError`: a device's fault, ANTS's
refusal, the session's word) is expected; anything else is a bug, and its
traceback is logged here, where it was caught: code and our own messages,
which carry no user's data.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock

from userfacing import UserFacingError

log = logging.getLogger(__name__)


class JobQueue:
    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="kiosk-jobs", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._pending > 0

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        with self._lock:
            self._pending += 1
        self._queue.put((fn, on_done, on_error))

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fn, on_done, on_error = item
            try:
                result = fn()
            except BaseException as exc:  # reported to the UI, never lost
                if isinstance(exc, UserFacingError):
                    log.info("job failed: %s (%s)", type(exc).__name__, exc.key)
                else:
                    log.exception("job failed: a bug, not a fault the user can be told of")
                self._deliver(on_error, exc)
            else:
                self._deliver(on_done, result)

    def _deliver(self, callback, value) -> None:
        def run(_dt):
            try:
                if callback is not None:
                    callback(value)
            finally:
                with self._lock:
                    self._pending -= 1

        Clock.schedule_once(run, 0)

    def stop(self) -> None:
        self._queue.put(None)
