"""The scanner's own process (see worker.py): owns the Scanner, scans, runs
each page through the pipeline and writes it into the folder it was given.

Run as ``python -m drivers.scanner._worker_child DATA_FD CONTROL_FD``. Two
connections from the parent: ``data`` carries commands in and every report
out; ``control`` is read by a thread of its own, so that a cancel or an
injected fault reaches the scanner while the main thread is inside a scan
(ctypes releases the GIL during sane_read).
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from PIL import Image

os.environ["PYINSANE_SINGLE_THREAD"] = "1"  # before anything imports pyinsane2 (PLATFORM.md)

from ._base import ScanCancelled, Scanner, ScannerError, check_cancel  # noqa: E402
from ._factory import make_scanner  # noqa: E402
from .pipeline import ProcessedPage, process_page  # noqa: E402
from .processing import PageProcessing  # noqa: E402

log = logging.getLogger(__name__)

#: Largest side of the live preview sent with a progress report, in pixels.
PREVIEW_SIDE = 480


def preview_of(partial: Callable[[], Image.Image | None] | None) -> bytes | None:
    """A small JPEG of the part of the page read so far (see Progress), or None."""
    if partial is None:
        return None
    try:
        image = partial()
        if image is None or not image.width or not image.height:
            return None
        image = image.convert("L" if image.mode in ("1", "L", "I;16") else "RGB")
        image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=70)
        return out.getvalue()
    except Exception:  # a preview is a comfort: the scan goes on without it
        log.debug("no preview", exc_info=True)
        return None


#: Least time between two progress reports: the pipe is not a firehose.
PROGRESS_INTERVAL = 0.1


def dump_error(exc: BaseException) -> tuple[Any, ...]:
    """What crosses the process boundary for an error (see ``worker.load_error``):
    a ScannerError as (class name, detail, key, template, params); anything else
    is a bug, not the scanner's fault: ("bug", its traceback), which the parent
    raises as ScanWorkerBug and the kiosk's crash path logs."""
    if isinstance(exc, ScannerError):
        return type(exc).__name__, exc.detail or str(exc), exc.key, exc.template, exc.params
    return "bug", "".join(traceback.format_exception(exc)).rstrip()


def read_page(image: Image.Image, page: ProcessedPage, processing: PageProcessing, expect: str) -> Any:
    """documents.read_page on the page as the pipeline made it (the raw scan
    too, to tell a document cut by the edge of the glass). Imported here only:
    the drivers do not need the readers, and a child that scans without
    reading does not load them. A reader's bug is logged (no value) and the
    page goes through unread: reading is a comfort, the scan is the job."""
    try:
        from documents import read_page as read

        with Image.open(io.BytesIO(page.data)) as processed:
            processed.load()
            dpi = int(image.info.get("dpi", (page.dpi, page.dpi))[0] or page.dpi)
            return read(processed, expect, dpi=page.dpi, raw=image, raw_dpi=dpi)
    except Exception as exc:
        log.error("reading a page for %s failed: %s", expect, type(exc).__name__)
        return None


def folder_gone(folder: Path) -> ScanCancelled:
    return ScanCancelled(f"{folder} is gone (the session ended): nothing more is written there")


def write_private(folder: Path, prefix: str, data: bytes) -> Path:
    """``folder/prefix-NNN.jpg``, the first free number, created 0600 (never
    overwriting). ``folder`` is never created: it is a user's workspace, and
    once it is gone (wiped) the page is not written and ScanCancelled raised."""
    n = 1
    while True:
        path = folder / f"{prefix}-{n:03d}.jpg"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            n += 1
            continue
        except (FileNotFoundError, NotADirectoryError):
            raise folder_gone(folder) from None
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path


class Child:
    def __init__(self, data: Connection, control: Connection) -> None:
        self.data = data
        self.control = control
        self.send_lock = threading.Lock()
        self.cancel = threading.Event()
        self.cancel_lock = threading.Lock()
        self.current_job = 0
        self.cancelled_job = 0  # a cancel may arrive before its scan command
        self.scanner: Scanner | None = None  # built by run(), before any command

    def send(self, message: tuple[Any, ...]) -> None:
        with self.send_lock:
            self.data.send(message)

    # -- control thread ------------------------------------------------------

    def read_control(self) -> None:
        while True:
            try:
                message = self.control.recv()
            except (EOFError, OSError):
                os._exit(0)  # the parent is gone: nothing to report to
            kind = message[0]
            if kind == "cancel":
                with self.cancel_lock:
                    self.cancelled_job = message[1]
                    if self.current_job == message[1]:
                        self.cancel.set()
            elif kind == "fault":
                _, request, name, after = message
                try:
                    inject = getattr(self.scanner, "inject_fault", None)
                    if inject is None:
                        raise ValueError(f"{type(self.scanner).__name__} takes no injected fault")
                    inject(name, after)
                    self.send(("reply", request, True, None))
                except Exception as exc:
                    self.send(("reply", request, False, ("ValueError", str(exc), "")))

    # -- commands -------------------------------------------------------------

    def call(self, request: int, method: str) -> None:
        try:
            value = getattr(self.scanner, method)()
        except Exception as exc:
            self.send(("reply", request, False, dump_error(exc)))
        else:
            self.send(("reply", request, True, value))

    def scan(
        self,
        job: int,
        source: str,
        resolution: int | None,
        dest: str,
        processing: PageProcessing,
        prefix: str,
        read: str = "",
    ) -> None:
        done = 0
        last_report = 0.0

        def progress(read: int, expected: int | None, partial: Callable[[], Image.Image | None] | None = None) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= PROGRESS_INTERVAL or (expected and read >= expected):
                last_report = now
                self.send(("progress", job, done, read, expected, preview_of(partial)))

        try:
            check_cancel(self.cancel)
            if not Path(dest).is_dir():
                raise folder_gone(Path(dest))
            assert self.scanner is not None, "a scan command before init"
            # A scanner that can serve what is meant to be read (the simulated one's specimens) is told it.
            hint = {"expect": read} if read and getattr(self.scanner, "takes_expect", False) else {}
            for image in self.scanner.scan(source, resolution, self.cancel, progress=progress, **hint):
                page = process_page(image, processing)
                reading = read_page(image, page, processing, read) if read else None
                if reading is not None and reading.rotate:  # upside down: the page is turned before it is written
                    turned = dataclasses.replace(processing, rotate=(processing.rotate + reading.rotate) % 360)
                    page = process_page(image, turned)
                check_cancel(self.cancel)  # a page finished after the cancel is not written
                path = write_private(Path(dest), prefix, page.data)
                done += 1
                self.send(
                    (
                        "page",
                        job,
                        {
                            "path": str(path),
                            "index": done,
                            "width": page.width,
                            "height": page.height,
                            "mode": page.mode,
                            "dpi": page.dpi,
                            "size": len(page.data),
                            "quality": page.quality,
                            "skew": page.skew,
                            "cropped": page.cropped,
                            "reading": reading,
                        },
                    )
                )
                check_cancel(self.cancel)
        except Exception as exc:
            self.send(("error", job, dump_error(exc)))
        else:
            self.send(("done", job, done))

    def run(self) -> None:
        kind, settings, factory = self.data.recv()
        assert kind == "init", kind
        try:
            self.scanner = (factory or make_scanner)(settings)
        except ScannerError as exc:
            self.send(("failed", dump_error(exc)))
            return
        except Exception as exc:  # a setting or a library the scanner needs: there is no scanner
            self.send(("failed", dump_error(ScannerError(f"{type(exc).__name__}: {exc}"))))
            return
        threading.Thread(target=self.read_control, name="scan-control", daemon=True).start()
        self.send(("ready", os.getpid(), getattr(self.scanner, "name", "scanner")))
        while True:
            try:
                message = self.data.recv()
            except (EOFError, OSError):
                return
            kind = message[0]
            if kind == "stop":
                return
            if kind == "call":
                self.call(*message[1:])
            elif kind == "scan":
                with self.cancel_lock:
                    self.current_job = message[1]
                    if self.cancelled_job == message[1]:
                        self.cancel.set()
                    else:
                        self.cancel.clear()
                self.scan(*message[1:])


def main(argv: list[str]) -> int:
    data = Connection(int(argv[1]))
    control = Connection(int(argv[2]))
    try:
        Child(data, control).run()
    except ScanCancelled:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
